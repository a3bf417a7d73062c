// The troubleshooter: move focus to the new question or step, so keyboard and
// screen-reader users land on it (and hear it) after every answer. Every page works
// without this file.
(function () {
  "use strict";
  var target = document.querySelector("[data-step-focus]");
  // "No, ask a person" opens the hand-over below it: a button, so Space works too.
  document.querySelectorAll("a[role=button][data-open-handover]").forEach(function (link) {
    link.addEventListener("keydown", function (event) {
      if (event.key === " ") {
        event.preventDefault();
        link.click();
      }
    });
  });
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
    // A step of a fix keeps its article's title in view: the panel is scrolled to,
    // not the step's heading below the title.
    var panel = target.closest(".panel.fix");
    target.focus({ preventScroll: Boolean(panel) });
    if (panel && panel.getBoundingClientRect().top < 0) panel.scrollIntoView();
  }
})();
