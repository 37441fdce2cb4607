/* Who else has this story open (articles/presence_admin.py serves the heartbeat;
   with JavaScript off the form works as it always did):
   - every data-interval seconds, and at once on opening, the form tells the
     server it is open and gets back who else is editing and whether the story
     was saved by someone since this form was loaded (a warning before Save);
   - closing or leaving the page takes this editor off the list at once;
   - a refused heartbeat (too many: 429, a lost connection) changes nothing on the
     page; the next one tries again. A 403 or 404 stops the heartbeat. */
(function () {
  "use strict";

  function start() {
    var box = document.getElementById("desk-presence");
    if (!box) return;
    var form = box.closest("form");
    var url = box.dataset.url;
    var interval = Math.max(1, parseFloat(box.dataset.interval) || 30) * 1000;
    var others = box.querySelector(".desk-presence__others");
    var saved = box.querySelector(".desk-presence__saved");
    var stopped = false;

    function field(name) {
      var input = form && form.querySelector("input[name=" + name + "]");
      return input ? input.value : "";
    }

    function show(answer) {
      others.replaceChildren.apply(others, (answer.others || []).map(function (one) {
        var line = document.createElement("p");
        line.textContent = one.text;
        return line;
      }));
      saved.textContent = answer.saved ? answer.saved.text : "";
      saved.hidden = !answer.saved;
      box.hidden = !others.children.length && !answer.saved;
    }

    function beat(leaving) {
      if (stopped) return;
      var request = fetch(url, {
        method: "POST",
        credentials: "same-origin",
        keepalive: leaving,
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": field("csrfmiddlewaretoken")
        },
        body: JSON.stringify({ token: field("loaded_modified_at"), leaving: leaving })
      });
      if (leaving) return;
      request.then(function (response) {
        if (response.status === 403 || response.status === 404) stopped = true;
        if (!response.ok) return;
        return response.json().then(show);
      }).catch(function () { /* offline: the next heartbeat tries again */ });
    }

    beat(false);
    window.setInterval(function () { beat(false); }, interval);
    window.addEventListener("pagehide", function () { beat(true); });
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) beat(false);  // back from the browser's page cache
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
