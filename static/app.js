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

  // "Copy link" beside each section heading. Without JavaScript it is a plain link to
  // the section; with it, a click copies the section's permalink and says so.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      area.remove();
      if (ok) { resolve(); } else { reject(new Error("copy failed")); }
    });
  }

  document.querySelectorAll("[data-copy-link]").forEach(function (link) {
    var label = link.firstChild;
    if (label && label.nodeType === Node.TEXT_NODE) label.textContent = "Copy link";
    link.addEventListener("click", function (event) {
      var url = link.getAttribute("data-url") || link.href;
      event.preventDefault();
      history.replaceState(null, "", link.getAttribute("href"));
      var old = link.parentNode.querySelector(".copied");
      if (old) old.remove();
      var note = document.createElement("span");
      note.className = "copied";
      note.setAttribute("role", "status");
      copyText(url).then(function () {
        note.textContent = "Link copied";
      }, function () {
        note.textContent = "Copy this link: " + url;
      }).then(function () {
        link.after(note);
        setTimeout(function () { note.remove(); }, 4000);
      });
    });
  });
})();

// "More articles like this": fetched into the article page, a link without JavaScript.
(function () {
  "use strict";
  var more = document.querySelector("[data-related-more]");
  if (!more || !window.fetch || !window.DOMParser) return;
  fetch(more.getAttribute("href"), { credentials: "same-origin" })
    .then(function (answer) { return answer.ok ? answer.text() : Promise.reject(answer.status); })
    .then(function (html) {
      var fetched = new DOMParser().parseFromString(html, "text/html").querySelector("[data-related-list]");
      if (!fetched) return;
      var nav = more.closest("nav");
      var list = nav.querySelector("[data-related-list]");
      if (list) list.replaceWith(document.importNode(fetched, true));
      else nav.insertBefore(document.importNode(fetched, true), more.parentNode);
      more.parentNode.remove();
    })
    .catch(function () { /* the link stays */ });
})();
