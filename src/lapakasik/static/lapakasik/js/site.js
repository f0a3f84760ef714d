/* Small enhancements shared by every page; every page works without them. */
(function () {
  "use strict";
  // {{ value|copyable }}: show the "Salin" button and copy the text next to it with one tap. Without
  // JavaScript the button stays hidden and one tap selects the whole text (CSS user-select: all).
  function selectText(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }
  function copied(button) {
    var label = button.textContent;
    button.textContent = button.getAttribute("data-done");
    button.classList.add("done");
    window.setTimeout(function () { button.textContent = label; button.classList.remove("done"); }, 2000);
  }
  function copy(button) {
    var el = button.parentNode.querySelector(".copy-text");
    if (!el) { return; }
    var text = el.textContent.trim();
    function fallback() {
      selectText(el);
      try { if (document.execCommand("copy")) { copied(button); } } catch (e) { /* the text stays selected */ }
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { copied(button); }, fallback);
    } else {
      fallback();
    }
  }
  function init() {
    var buttons = document.querySelectorAll("button.copy-button");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function (e) { copy(e.currentTarget); });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
