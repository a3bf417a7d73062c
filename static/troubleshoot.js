// The troubleshooter: move focus to the new question or step, so keyboard and
// screen-reader users land on it (and hear it) after every answer. Every page works
// without this file.
(function () {
  "use strict";
  var target = document.querySelector("[data-step-focus]");
  if (!target) return;
  // On the first page of a visit the reader starts at the top as usual; after an
  // answer (a page reached from the troubleshooter itself) focus goes to the step.
  var fromWizard = false;
  try {
    fromWizard = new URL(document.referrer).pathname.indexOf("/troubleshoot") === 0;
  } catch (e) {
    fromWizard = false;
  }
  if (fromWizard || window.location.search.indexOf("q=") >= 0) {
    target.focus({ preventScroll: false });
  }
})();

// "Copy the summary": the case to paste into a message to the help desk. Without
// JavaScript the text is still there to select; the button only appears with it.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy-target"));
    var status = button.parentNode.querySelector("[data-copy-status]");
    if (!source || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.value).then(function () {
        if (status) status.textContent = "Copied. Paste it into your message.";
      }, function () {
        source.select();
        if (status) status.textContent = "Select the text and copy it.";
      });
    });
  });
  // "No, ask a person" opens the hand-over box it points at.
  document.querySelectorAll("[data-open-handover]").forEach(function (link) {
    link.addEventListener("click", function () {
      var box = document.getElementById("handover");
      if (box) box.open = true;
    });
  });
})();
