// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  function searchBox() {
    return document.querySelector("[data-search-box]");
  }

  // Ctrl+K (Cmd+K on a Mac) puts the cursor in the search box. Only with the modifier:
  // a bare "/" fired whenever speech input or a stray key typed one outside a field,
  // and WCAG 2.1.4 asks that a one-character shortcut can be turned off; a shortcut
  // with a modifier needs no switch, and Ctrl/Cmd+K is the one search boxes use.
  var first = searchBox();
  if (first) first.setAttribute("aria-keyshortcuts", "Control+K Meta+K");
  document.addEventListener("keydown", function (event) {
    var box = searchBox();
    if (!box || event.altKey || event.shiftKey) return;
    if ((event.key === "k" || event.key === "K") && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });

  // A link drawn as a button ("No, it still fails" beside the "Yes" button) answers
  // Space as a button does: keyboard users press what they see, and Space on a link
  // would only scroll the page.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== " " || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (target && target.matches && target.matches("a.button[href]")) {
      event.preventDefault();
      target.click();
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

// Suggestions as you type: the search box becomes an ARIA combobox over /api/suggest.
// Without JavaScript the box is a plain search box and nothing changes.
(function () {
  "use strict";
  if (!window.fetch) return;
  var counter = 0;

  function enhance(box) {
    var form = box.form;
    var list = document.createElement("ul");
    var id = "suggestions-" + (++counter);
    var items = [];
    var active = -1;
    var timer = null;
    var asked = "";
    list.id = id;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    box.setAttribute("role", "combobox");
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-expanded", "false");
    box.setAttribute("aria-controls", id);
    box.parentNode.classList.add("has-suggestions");
    box.parentNode.appendChild(list);

    function close() {
      list.hidden = true;
      box.setAttribute("aria-expanded", "false");
      box.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function mark(index) {
      items.forEach(function (item, at) {
        item.setAttribute("aria-selected", at === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        box.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      } else {
        box.removeAttribute("aria-activedescendant");
      }
    }

    function show(suggestions) {
      list.textContent = "";
      items = suggestions.map(function (suggestion, at) {
        var item = document.createElement("li");
        item.id = id + "-" + at;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.dataset.url = suggestion.url;
        var kind = document.createElement("span");
        kind.className = "suggestion-kind";
        kind.textContent = suggestion.kind === "code" ? "Error code" : "Article";
        item.appendChild(kind);
        item.appendChild(document.createTextNode(" " + suggestion.text));
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();  // keep the focus in the box
          window.location.href = suggestion.url;
        });
        list.appendChild(item);
        return item;
      });
      active = -1;
      list.hidden = items.length === 0;
      box.setAttribute("aria-expanded", items.length ? "true" : "false");
    }

    function ask() {
      var typed = box.value;
      if (typed.trim().length < 2 || typed.length > 100) { asked = typed; show([]); return; }
      if (typed === asked) return;
      asked = typed;
      fetch(form.getAttribute("data-suggest") + "?q=" + encodeURIComponent(typed),
            { credentials: "same-origin" })
        .then(function (answer) { return answer.ok ? answer.json() : Promise.reject(answer.status); })
        .then(function (answer) { if (box.value === typed) show(answer.suggestions || []); })
        .catch(function () { show([]); });
    }

    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 80);
    });
    box.addEventListener("keydown", function (event) {
      if (list.hidden || !items.length) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        var next = active + step;
        if (next < -1) next = items.length - 1;
        if (next >= items.length) next = -1;
        mark(next);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.href = items[active].dataset.url;
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    // The list closes when the person leaves the form: a press anywhere else, or the
    // focus moving out of it. Never on a press inside the form: on the home page the
    // list sits above "Troubleshoot step by step" (style.css), and closing it there
    // would move that button from under the pointer before the click lands.
    document.addEventListener("pointerdown", function (event) {
      if (!form.contains(event.target)) close();
    });
    form.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !form.contains(event.relatedTarget)) close();
    });
  }

  document.querySelectorAll("form[data-suggest] [data-search-box]").forEach(enhance);
})();

// A paste longer than the box takes is cut by the browser: say so beside the box.
(function () {
  "use strict";
  document.querySelectorAll("[data-search-box][maxlength]").forEach(function (box) {
    box.addEventListener("paste", function (event) {
      var pasted = (event.clipboardData || window.clipboardData).getData("text") || "";
      var limit = parseInt(box.getAttribute("maxlength"), 10);
      if (pasted.length + box.value.length <= limit) return;
      var form = box.form;
      var note = form.querySelector(".cut-note");
      if (!note) {
        note = document.createElement("p");
        note.className = "cut-note hint";
        note.setAttribute("role", "status");
        form.appendChild(note);
      }
      note.textContent = "Only the first " + limit.toLocaleString("en") +
        " characters are searched; the rest of what you pasted was left out.";
    });
  });
})();

// Results: the product filter is open on wide screens (folded on phones), and the
// arrow keys move from one result to the next.
(function () {
  "use strict";
  var facets = document.querySelector("details[data-facets]");
  if (facets && window.matchMedia && window.matchMedia("(min-width: 48rem)").matches) {
    facets.open = true;
  }
  var links = Array.prototype.slice.call(document.querySelectorAll(".results .result h2 a"));
  if (!links.length) return;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var current = links.indexOf(document.activeElement);
    var box = document.activeElement && document.activeElement.matches &&
      document.activeElement.matches("[data-search-box]");
    if (box && document.activeElement.getAttribute("aria-expanded") === "true") return;
    if (current < 0 && !box && /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName)) return;
    if (current < 0 && event.key === "ArrowUp" && !box) return;
    event.preventDefault();
    var next = current < 0 ? 0 : current + (event.key === "ArrowDown" ? 1 : -1);
    if (next < 0) { var top = document.querySelector("[data-search-box]"); if (top) top.focus(); return; }
    links[Math.min(next, links.length - 1)].focus();
  });
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

// A code sample, a table or a pasted text wider (or taller) than its box scrolls inside
// it; a keyboard reaches and scrolls it only if it can take the focus (WCAG 2.1.1), and
// a screen reader says what it is by its name. Boxes that fit are left alone: a tab
// stop on every <pre> would be noise. Checked again when the window changes size.
(function () {
  "use strict";
  var SCROLLERS = "main pre, main table, .pasted-text";

  function where(element) {
    var section = element.closest("section[aria-labelledby]");
    var heading = section && document.getElementById(section.getAttribute("aria-labelledby"));
    return heading ? " in “" + heading.textContent.trim() + "”" : "";
  }

  function name(element) {
    if (element.matches(".pasted-text")) return "What you pasted";
    var kind = element.tagName === "TABLE" ? "Table" : "Text";
    return kind + where(element) + ", scrolls sideways";
  }

  function update() {
    document.querySelectorAll(SCROLLERS).forEach(function (element) {
      var scrolls = element.scrollWidth > element.clientWidth + 1 ||
        element.scrollHeight > element.clientHeight + 1;
      var made = element.hasAttribute("data-scroller");
      if (scrolls && !made && !element.hasAttribute("tabindex")) {
        var named = !element.hasAttribute("aria-label");
        element.setAttribute("data-scroller", named ? "named" : "");
        element.tabIndex = 0;
        // A table keeps its own role (it takes a name); anything else becomes a region.
        if (element.tagName !== "TABLE") element.setAttribute("role", "region");
        if (named) element.setAttribute("aria-label", name(element));
      } else if (!scrolls && made) {
        if (element.getAttribute("data-scroller") === "named") element.removeAttribute("aria-label");
        element.removeAttribute("data-scroller");
        element.removeAttribute("tabindex");
        element.removeAttribute("role");
      }
    });
  }

  var timer = null;
  update();
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 150);
  });
  // A <details> opened later (the pasted text) may hold one.
  document.addEventListener("toggle", update, true);
})();
