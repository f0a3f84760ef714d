/* The front desk's camera reader for the dropbox cover sheet: the phone's or laptop's camera in the browser
   (getUserMedia; Permissions-Policy camera=(self)), each frame read by the vendored jsQR (jsQR.js, 1.4.0,
   Apache-2.0, no CDN). A decoded cover-sheet code fills the field and sends the form — the same field a USB
   scanner types into. Without a camera or JavaScript the field is typed as before. */
(function () {
  "use strict";
  var PREFIX = "LAPAKASIK:LS:";
  function start(button) {
    var field = document.getElementById(button.getAttribute("data-camera-scan"));
    var form = field && field.form;
    var video = form && form.querySelector("[data-camera-video]");
    var status = form && form.querySelector("[data-camera-status]");
    if (!field || !video || !window.jsQR) { return; }
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    var stream = null;
    function stop() {
      if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
      video.hidden = true;
    }
    function tick() {
      if (!stream) { return; }
      if (video.readyState === video.HAVE_ENOUGH_DATA && video.videoWidth) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        var image = context.getImageData(0, 0, canvas.width, canvas.height);
        var code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        if (code && code.data) {
          field.value = code.data;
          if (code.data.toUpperCase().indexOf(PREFIX) === 0) {
            stop();
            if (status) { status.textContent = button.getAttribute("data-found") || ""; }
            form.requestSubmit ? form.requestSubmit() : form.submit();
            return;
          }
          if (status) { status.textContent = button.getAttribute("data-other") || ""; }
        }
      }
      window.requestAnimationFrame(tick);
    }
    button.addEventListener("click", function () {
      if (stream) { stop(); return; }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        video.play();
        if (status) { status.textContent = button.getAttribute("data-aim") || ""; }
        window.requestAnimationFrame(tick);
      }).catch(function () {
        if (status) { status.textContent = button.getAttribute("data-denied") || ""; }
      });
    });
    button.hidden = false;
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("[data-camera-scan]"), start);
  });
})();
