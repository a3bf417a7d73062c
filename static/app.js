// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  function searchBox() {
    return document.querySelector("[data-search-box]");
  }

  // "/" and Ctrl/Cmd+K put the cursor in the search box.
  document.addEventListener("keydown", function (event) {
    var box = searchBox();
    if (!box) return;
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName);
    if ((event.key === "k" && (event.ctrlKey || event.metaKey)) || (event.key === "/" && !typing)) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });

  // "Copy link" beside each section heading.
  document.querySelectorAll("[data-copy-link]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (!navigator.clipboard) return;
      event.preventDefault();
      var url = new URL(link.getAttribute("href"), window.location.href).href;
      navigator.clipboard.writeText(url).then(function () {
        history.replaceState(null, "", link.getAttribute("href"));
        var note = document.createElement("span");
        note.className = "copied";
        note.setAttribute("role", "status");
        note.textContent = "Link copied";
        link.after(note);
        setTimeout(function () { note.remove(); }, 2000);
      });
    });
  });
})();
