/* Autosave of the story form (articles/autosave_admin.py serves the endpoint and
   the restore banner; with JavaScript off the form works as it always did):
   - every data-interval seconds while something changed, and when the page is
     hidden, the form's fields go to the user's autosave slot (JSON, CSRF header,
     keepalive so a closing tab still sends it);
   - a copy of the latest text stays in localStorage, so a network failure or a
     deleted story loses nothing; a successful Save clears it;
   - leaving with changes not saved by Save asks the browser's "leave page?". */
(function () {
  "use strict";

  var SUBMITTED = "newsroom-autosave-submitted";

  function start() {
    var status = document.getElementById("desk-autosave");
    if (!status) return;
    var form = status.closest("form");
    if (!form) return;
    var url = status.dataset.url;
    var interval = Math.max(1, parseFloat(status.dataset.interval) || 30) * 1000;
    var storageKey = status.dataset.storageKey;
    var draftKey = status.dataset.draftKey || "";

    function csrfToken() {
      var input = form.querySelector("input[name=csrfmiddlewaretoken]");
      return input ? input.value : "";
    }

    function fields() {
      var data = {};
      new FormData(form).forEach(function (value, name) {
        if (typeof value !== "string" || name === "csrfmiddlewaretoken") return;
        data[name] = name in data ? data[name] + "," + value : value;
      });
      return data;
    }

    function store(key, value) {
      try {
        if (value === null) window.localStorage.removeItem(key);
        else window.localStorage.setItem(key, JSON.stringify(value));
      } catch (error) { /* private mode or full: the server copy remains */ }
    }

    function say(text) {
      status.textContent = text;
      status.hidden = !text;
    }

    // The form was submitted and this page is not the form again with errors: the
    // save went through (a new story's copy has the add form's key, hence the
    // key kept at submit, not this page's).
    try {
      var submitted = window.sessionStorage.getItem(SUBMITTED);
      if (submitted) {
        window.sessionStorage.removeItem(SUBMITTED);
        if (!document.querySelector(".errornote")) store(submitted, null);
      }
    } catch (error) { /* no sessionStorage: the copy stays until the next save */ }

    var baseline = JSON.stringify(fields());
    var lastSent = baseline;
    // Changed since the page opened; a restored form is not saved yet either.
    var restored = status.dataset.restored === "true";
    var dirty = restored;
    var unsent = false;    // changed since the last autosave
    var submitting = false;

    function changed() {
      var now = JSON.stringify(fields());
      dirty = restored || now !== baseline;
      unsent = now !== lastSent;
      if (dirty) store(storageKey, { fields: JSON.parse(now), at: Date.now() });
    }

    function send(onHide) {
      if (!unsent || submitting) return;
      var data = fields();
      var body = JSON.stringify({ fields: data, draft_key: draftKey });
      lastSent = JSON.stringify(data);
      unsent = false;
      var request = fetch(url, {
        method: "POST",
        credentials: "same-origin",
        keepalive: onHide && body.length < 60000,  // browsers cap keepalive bodies
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: body
      });
      if (onHide) return;
      request.then(function (response) {
        return response.json().then(function (answer) {
          if (response.ok) {
            say(answer.message);
          } else {
            if (response.status === 429) unsent = true;  // try again next time
            say((answer.error || "Not autosaved.") +
              (response.status === 404 || response.status === 403 ? "" :
                " A copy is kept in this browser."));
          }
        });
      }).catch(function () {
        unsent = true;
        say("Not autosaved (no connection); a copy is kept in this browser.");
      });
    }

    // Capture: the body editor's textarea fires an "input" that does not bubble.
    form.addEventListener("input", changed, true);
    form.addEventListener("change", changed, true);
    window.setInterval(function () { send(false); }, interval);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") send(true);
    });
    window.addEventListener("pagehide", function () { send(true); });

    form.addEventListener("submit", function () {
      submitting = true;
      try { window.sessionStorage.setItem(SUBMITTED, storageKey); } catch (error) {}
    });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty || submitting) return;
      event.preventDefault();
      event.returnValue = "";  // older browsers need a value to ask
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
