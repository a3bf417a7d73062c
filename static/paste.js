// A screenshot instead of typing (templates/images/macros.html): paste (Ctrl+V / ⌘V)
// anywhere on the page, drop a picture, or choose one. The picture goes to
// /api/read-image; what was read is put in the search box for the person to see, then
// the page goes on as if it had been typed: to the results or to the wizard, where the
// text stays in the box to correct. Without this script the form posts the file itself.
(function () {
  "use strict";
  var form = document.querySelector("form[data-image-reader]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = form.querySelector("[data-image-status]");
  var input = form.querySelector("input[type=file]");
  var box = document.querySelector("#wizard-q, #q, #q-top");
  var busy = false;

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("error", Boolean(isError));
  }

  function goOn(answer, go) {
    var params = new URLSearchParams();
    params.set("q", answer.text);
    params.set("from", "image");
    (answer.corrections || []).forEach(function (fix) {
      params.append("fixed", fix.read + "\u2192" + fix.code);
    });
    var base = go === "troubleshoot" ? form.dataset.wizard : form.dataset.search;
    window.location.assign(base + "?" + params.toString());
  }

  function read(file, go) {
    if (busy || !file) { return; }
    if (!/^image\//.test(file.type || "image/")) {
      say("That is not a picture: paste or choose a screenshot (PNG, JPEG, GIF, BMP or WebP).", true);
      return;
    }
    busy = true;
    form.classList.add("reading");
    say("Reading the picture\u2026");
    var body = new FormData();
    body.append("image", file, file.name || "screenshot.png");
    fetch(form.dataset.api, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (answer) { return [response.ok, answer]; });
      })
      .then(function (result) {
        var answer = result[1];
        if (!result[0]) { throw new Error(answer.message || "The picture could not be read."); }
        if (!answer.text.trim()) {
          throw new Error("No text could be read in the picture. Crop it to the error dialog, or type the message.");
        }
        if (box) { box.value = answer.text; }
        say("Read from your picture: " + answer.text.slice(0, 120));
        goOn(answer, go);
      })
      .catch(function (error) {
        say(error.message || "The picture could not be read.", true);
      })
      .then(function () { busy = false; form.classList.remove("reading"); });
  }

  function imageOf(items) {
    for (var i = 0; items && i < items.length; i += 1) {
      var item = items[i];
      var file = item.getAsFile ? (item.kind === "file" ? item.getAsFile() : null) : item;
      if (file && /^image\//.test(file.type)) { return file; }
    }
    return null;
  }

  document.addEventListener("paste", function (event) {
    var data = event.clipboardData;
    // Text copied from Word or a web page comes with a picture of itself: paste the text.
    if (!data || (data.getData("text/plain") || "").trim()) { return; }
    var file = imageOf(data.files) || imageOf(data.items);
    if (file) {
      event.preventDefault();
      read(file, form.dataset.go);
    }
  });
  document.addEventListener("dragover", function (event) {
    if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0) {
      event.preventDefault();
      form.classList.add("dropping");
    }
  });
  document.addEventListener("dragleave", function () { form.classList.remove("dropping"); });
  document.addEventListener("drop", function (event) {
    var file = event.dataTransfer && imageOf(event.dataTransfer.files);
    form.classList.remove("dropping");
    if (file) {
      event.preventDefault();
      read(file, form.dataset.go);
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var go = event.submitter && event.submitter.value ? event.submitter.value : form.dataset.go;
    read(input.files[0], go);
  });
}());
