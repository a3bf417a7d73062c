// The article editor's live preview: after a pause in typing, the form goes to
// /staff/articles/preview and its answer (rendered and checked on the server, the
// same as "Preview and check") replaces the preview pane. Without JavaScript the
// button does the same with a page load.
(function () {
  "use strict";
  const form = document.getElementById("article-editor");
  const pane = document.getElementById("preview-pane");
  if (!form || !pane) return;
  let timer = null;
  let sent = 0;
  async function refresh() {
    const mine = ++sent;
    try {
      const answer = await fetch(form.dataset.previewUrl, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
      });
      if (answer.ok && mine === sent) pane.innerHTML = await answer.text();
    } catch (error) {
      // Offline or refused: the button still previews with a page load.
    }
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 600);
  });
})();
