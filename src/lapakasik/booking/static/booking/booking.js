/* Small enhancements; every page works without them. */
(function () {
  "use strict";
  // A form marked data-once is sent once: a second click does nothing (the server also makes a
  // double submit harmless).
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches || !form.matches("form[data-once]")) { return; }
    if (form.dataset.sent) { e.preventDefault(); return; }
    form.dataset.sent = "1";
    var b = form.querySelector("button[type=submit]");
    if (b) { b.setAttribute("aria-disabled", "true"); b.classList.add("sending"); }
  }, true);
})();
