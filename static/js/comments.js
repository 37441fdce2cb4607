/* Comments: fills the form from the reader's own consented cookie, adds the CSRF
   token for logged-in posters, and moves the form under a comment on "Reply".
   The page itself is identical for every reader; this file is what personalises it. */
(function () {
  "use strict";
  var form = document.getElementById("commentform");
  if (!form) { return; }

  function readCookie(name) {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf("=");
      if (parts[i].slice(0, eq) === name) { return parts[i].slice(eq + 1); }
    }
    return null;
  }

  // 1. Remembered name, email and website (only ever set with the consent box ticked).
  var saved = readCookie("comment_author");
  if (saved) {
    try {
      var author = JSON.parse(decodeURIComponent(saved));
      [["author", author.name], ["email", author.email], ["url", author.url]].forEach(function (pair) {
        var field = document.getElementById(pair[0]);
        if (field && !field.value && typeof pair[1] === "string") { field.value = pair[1]; }
      });
      var consent = document.getElementById("cookies-consent");
      if (consent) { consent.checked = true; }
    } catch (e) { /* a damaged cookie is ignored */ }
  }

  // 2. A logged-in poster's CSRF token, read from the cookie at the last moment.
  form.addEventListener("submit", function () {
    var token = readCookie("csrftoken");
    if (!token || form.querySelector("input[name=csrfmiddlewaretoken]")) { return; }
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = "csrfmiddlewaretoken";
    input.value = token;
    form.appendChild(input);
  });

  // 3. Reply in place, like WordPress's comment-reply.js.
  var respond = document.getElementById("respond");
  var title = document.getElementById("reply-title-text");
  var cancel = document.getElementById("cancel-comment-reply-link");
  var parentField = document.getElementById("comment-parent");
  var home = document.createElement("div");
  home.hidden = true;
  respond.parentNode.insertBefore(home, respond);

  function setTitle(name) {
    title.textContent = name ? "Leave a Reply to " + name : "Leave a Reply";
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".comment-reply-link") : null;
    if (!link) { return; }
    var target = document.getElementById("div-comment-" + link.dataset.commentid);
    if (!target) { return; }
    event.preventDefault();
    target.parentNode.insertBefore(respond, target.nextSibling);
    parentField.value = link.dataset.commentid;
    setTitle(link.dataset.replyto);
    cancel.hidden = false;
    document.getElementById("comment").focus();
  });

  cancel.addEventListener("click", function (event) {
    event.preventDefault();
    home.parentNode.insertBefore(respond, home.nextSibling);
    parentField.value = "";
    setTitle("");
    cancel.hidden = true;
  });
})();
