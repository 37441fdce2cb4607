/* Comments: fills the form from the reader's own consented cookie, adds the CSRF
   token for logged-in posters, fetches an uncached "served at" stamp when the form
   is first used, shows the reader their own held comments, and moves the form
   under a comment on "Reply". The page itself is identical for every reader (and
   cached); this file is what personalises it. */
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

  // 3. The "too fast" rule's clock: the stamp in a cached page is when the page
  //    was rendered, so ask for a fresh one the first time the form is used.
  var articleField = form.elements.namedItem("article");
  var articleId = articleField ? articleField.value : "";
  var stampField = form.elements.namedItem("ts");
  function fetchStamp() {
    form.removeEventListener("focusin", fetchStamp);
    if (!window.fetch || !stampField || !form.dataset.stampUrl) { return; }
    fetch(form.dataset.stampUrl + "?article=" + encodeURIComponent(articleId), {
      credentials: "same-origin", cache: "no-store"
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (data && typeof data.ts === "string") { stampField.value = data.ts; }
    }).catch(function () { /* the page's own stamp stays */ });
  }
  form.addEventListener("focusin", fetchStamp);

  // 4. The reader's own held comments, remembered by a cookie only the comment
  //    endpoints see. Asked for only on stories where this browser saw one held.
  var heldKey = "comments-held-" + articleId;
  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }
  function placeHeld(item) {
    if (document.getElementById("comment-" + item.id)) { return; }
    var holder = document.createElement("ol");
    holder.innerHTML = item.html;  // rendered and escaped by the server
    var li = holder.firstElementChild;
    if (!li) { return; }
    var parent = item.parent ? document.getElementById("comment-" + item.parent) : null;
    var list;
    if (parent) {
      list = parent.querySelector(":scope > ol.children");
      if (!list) {
        list = document.createElement("ol");
        list.className = "children";
        parent.appendChild(list);
      }
    } else {
      list = document.querySelector("#comments ol.comment-list");
      if (!list) {
        list = document.createElement("ol");
        list.className = "comment-list";
        var respondBox = document.getElementById("respond");
        respondBox.parentNode.insertBefore(list, respondBox);
      }
    }
    list.appendChild(li);
  }
  function showHeld() {
    var store = storage();
    if (document.querySelector(".comment--pending") && store) {
      store.setItem(heldKey, "1");  // the signed link showed one: remember to ask
    }
    if (!store || !store.getItem(heldKey) || !window.fetch || !form.dataset.heldUrl) { return; }
    fetch(form.dataset.heldUrl + "?article=" + encodeURIComponent(articleId), {
      credentials: "same-origin", cache: "no-store"
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (!data || !data.comments) { return; }
      if (!data.comments.length) { store.removeItem(heldKey); return; }
      data.comments.forEach(placeHeld);
      var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
      if (target) { target.scrollIntoView(); }
    }).catch(function () { /* nothing to add */ });
  }

  // 5. Reply in place, like WordPress's comment-reply.js.
  var respond = document.getElementById("respond");
  var title = document.getElementById("reply-title-text");
  var cancel = document.getElementById("cancel-comment-reply-link");
  var parentField = document.getElementById("comment-parent");
  if (!document.getElementById("comments") || !respond || !title || !cancel || !parentField) {
    return;  // the page that answers a refused post: no thread, no replies
  }
  showHeld();
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
