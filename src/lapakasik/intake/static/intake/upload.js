/* Upload with a progress bar and automatic retry. Without JavaScript the form is a plain multipart
   POST and works the same. Files go one at a time, so a dropped connection only repeats the current
   file; a retry of a file that did arrive is answered "already received" (SHA-256), never stored twice. */
(function () {
  "use strict";
  var MAX_TRIES = 5;

  function sendOne(form, file, onProgress) {
    return new Promise(function (resolve) {
      var data = new FormData();
      data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      data.append("requirement", form.querySelector("[name=requirement]").value);
      data.append("file", file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action") || window.location.pathname);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) { onProgress(e.loaded / e.total); } };
      xhr.onload = function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
        resolve({ status: xhr.status, body: body });
      };
      xhr.onerror = xhr.ontimeout = xhr.onabort = function () { resolve({ status: 0, body: null }); };
      xhr.timeout = 120000;
      xhr.send(data);
    });
  }

  function wait(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  async function sendWithRetry(form, file, show, progress) {
    for (var attempt = 1; attempt <= MAX_TRIES; attempt++) {
      var res = await sendOne(form, file, function (f) { progress.value = Math.round(f * 100); });
      if (res.status !== 0 && res.status < 500) { return res; }
      if (attempt < MAX_TRIES) {
        show(form.dataset.msgRetry + " (" + attempt + "/" + (MAX_TRIES - 1) + ")…", false);
        await wait(1000 * Math.pow(2, attempt - 1));
      }
    }
    return { status: 0, body: null };
  }

  function attach(form) {
    if (!window.FormData || !window.XMLHttpRequest || !window.Promise) { return; }
    var status = form.querySelector(".upload-status");
    var progress = form.querySelector("progress");
    function show(text, isError) {
      status.textContent = text;
      status.classList.toggle("error", !!isError);
    }
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var files = [];
      form.querySelectorAll("input[type=file]").forEach(function (input) {
        for (var i = 0; i < input.files.length; i++) { files.push(input.files[i]); }
      });
      if (!files.length) { show(form.dataset.msgChoose, true); return; }
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;  // no double submit
      progress.hidden = false;
      var messages = [];
      var failed = false;
      for (var i = 0; i < files.length; i++) {
        progress.value = 0;
        show(form.dataset.msgSending + " " + files[i].name + " (" + (i + 1) + "/" + files.length + ")…", false);
        var res = await sendWithRetry(form, files[i], show, progress);
        if (res.status === 0) { failed = true; messages.push(files[i].name + ": " + form.dataset.msgFailed); continue; }
        if (res.body && res.body.results) {
          res.body.results.forEach(function (r) { messages.push(r.message); if (r.outcome === "refused") { failed = true; } });
        } else if (res.body && res.body.error) {
          failed = true; messages.push(res.body.error.message);
        }
      }
      button.disabled = false;
      show(messages.join(" "), failed);
      if (!failed) {
        show(messages.join(" ") + " " + form.dataset.msgDone, false);
        setTimeout(function () { window.location.reload(); }, 1200);
      } else {
        form.reset();
        status.setAttribute("data-keep", "1");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.upload-form").forEach(attach);
  });
})();
