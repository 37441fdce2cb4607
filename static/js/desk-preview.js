/* The story form's Preview panel (articles/live_preview_admin.py serves the
   endpoint): the form as it is now, saved or not, rendered with the readers'
   template in a sandboxed frame without scripts.
   - "Preview" opens the panel and renders; "Refresh" renders again;
   - while it is open, a pause in typing renders again (one request at a time);
   - what would stop a save is listed above the page, which shows what it can. */
(function () {
  "use strict";

  var PAUSE_MS = 1200;

  function start() {
    var panel = document.getElementById("desk-preview");
    var form = document.getElementById("article_form");
    if (!panel || !form) return;
    var toggle = document.querySelector(".desk-preview-toggle");
    var frame = panel.querySelector(".desk-preview__frame");
    var status = panel.querySelector(".desk-preview__status");
    var errors = panel.querySelector(".desk-preview__errors");
    var url = panel.dataset.url;
    var timer = null;
    var busy = false;
    var again = false;
    var scrollY = 0;

    function say(text) { status.textContent = text; }

    function listErrors(list) {
      errors.textContent = "";
      (list || []).forEach(function (text) {
        var item = document.createElement("li");
        item.textContent = text;
        errors.appendChild(item);
      });
      errors.hidden = !errors.firstChild;
    }

    function show(html) {
      try { scrollY = frame.contentWindow.scrollY || 0; } catch (error) { scrollY = 0; }
      frame.srcdoc = html;
    }

    frame.addEventListener("load", function () {
      var doc = frame.contentDocument;
      if (!doc || !doc.head) return;
      // Links open in a new tab: the site's pages refuse to be framed.
      var base = doc.createElement("base");
      base.target = "_blank";
      doc.head.prepend(base);
      frame.contentWindow.scrollTo(0, scrollY);
    });

    function refresh() {
      if (panel.hidden) return;
      if (busy) { again = true; return; }
      busy = true;
      say("Updating the preview…");
      fetch(url, { method: "POST", credentials: "same-origin", body: new FormData(form) })
        .then(function (response) {
          var type = response.headers.get("Content-Type") || "";
          if (type.indexOf("application/json") === -1) {
            // The CSRF check or the login refused before the preview could answer.
            say("No preview (error " + response.status + "): reload the page, " +
              "or log in again in another tab. Your text is still in the form.");
            return;
          }
          return response.json().then(function (answer) {
            if (!response.ok) {
              say(answer.error || "No preview (error " + response.status + ").");
              return;
            }
            show(answer.html);
            listErrors(answer.errors);
            say(answer.errors && answer.errors.length ?
              "Previewed; this would not save yet:" : "Previewed just now.");
          });
        }, function () { say("No preview: no connection. Your text is still in the form."); })
        .catch(function () { say("No preview: the answer could not be read."); })
        .then(function () {
          busy = false;
          if (again) { again = false; refresh(); }
        });
    }

    function open() {
      panel.hidden = false;
      toggle.setAttribute("aria-expanded", "true");
      document.body.classList.add("desk-preview-open");
      panel.querySelector(".desk-preview__title").focus();
      refresh();
    }

    function close() {
      panel.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
      document.body.classList.remove("desk-preview-open");
      toggle.focus();
    }

    function typed() {
      if (panel.hidden) return;
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, PAUSE_MS);
    }

    toggle.hidden = false;
    toggle.addEventListener("click", open);
    panel.querySelector("[data-preview-refresh]").addEventListener("click", refresh);
    panel.querySelector("[data-preview-close]").addEventListener("click", close);
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") close();
    });
    // Capture: the body editor's textarea fires an "input" that does not bubble.
    form.addEventListener("input", typed, true);
    form.addEventListener("change", typed, true);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
