/* Writing comforts on the story form (articles/admin_forms.py renders the markup and
   the first figures, so everything reads right with JavaScript off):
   - the body's word count and reading time, live as you type (counted as
     articles/writing.py counts: a word has a letter or digit; 230 words a minute);
   - character counts with a soft limit (headline, meta description, social headline);
   - suggestions of existing tags from the admin's tag search, in a <datalist>. */
(function () {
  "use strict";

  var WORDS_PER_MINUTE = 230;
  var WORDLIKE = /[\p{L}\p{N}]/u;
  var PLACEHOLDER = /\[quote\s+\d+\]/gi;

  function countWords(text) {
    return text
      .replace(PLACEHOLDER, " ")
      .split(/\s+/)
      .filter(function (token) { return WORDLIKE.test(token); }).length;
  }

  function describeLength(words) {
    if (!words) return "No words yet";
    var minutes = Math.ceil(words / WORDS_PER_MINUTE);
    return words.toLocaleString("en-GB") + (words === 1 ? " word" : " words") +
      " · " + minutes + " min read";
  }

  function htmlText(html) {
    // The HTML-source body: the text a reader reads, block ends as spaces.
    var doc = new DOMParser().parseFromString(
      html.replace(/<\/(p|h[1-6]|li|blockquote|figure|div)>|<br\s*\/?>|<hr\s*\/?>/gi, " "),
      "text/html"
    );
    return doc.body.textContent || "";
  }

  function watchBody(counter) {
    var textarea = document.getElementById(counter.dataset.wordsFor);
    var field = counter.closest(".desk-field");
    if (!textarea || !field) return;
    var pending = false;
    function update() {
      pending = false;
      // The document itself: the menu bar's block-type picker is a .ProseMirror too.
      var editor = field.querySelector(".prose-editor > .ProseMirror");
      var text = editor ? editor.innerText : htmlText(textarea.value);
      counter.textContent = describeLength(countWords(text));
    }
    function later() {
      if (!pending) {
        pending = true;
        window.setTimeout(update, 120);
      }
    }
    // The rich editor is built after this script runs and changes the page, not
    // the textarea, as you type: watch the field for both.
    new MutationObserver(later).observe(field, {
      childList: true, subtree: true, characterData: true
    });
    textarea.addEventListener("input", later);
  }

  function watchChars(counter) {
    var input = document.getElementById(counter.dataset.charsFor);
    if (!input) return;
    var limit = parseInt(input.dataset.softLimit, 10);
    var chars = counter.querySelector(".desk-count__chars");
    var warning = counter.querySelector(".desk-count__warning");
    function update() {
      var length = Array.from(input.value).length;
      chars.textContent = length + " / " + limit + " characters";
      warning.hidden = length <= limit;
    }
    input.addEventListener("input", update);
    update();
  }

  function watchTags(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.dataset.tagSearch;
    var asked = "";
    var timer = null;
    function suggest() {
      var value = input.value;
      var cut = value.lastIndexOf(",");
      var before = cut < 0 ? "" : value.slice(0, cut + 1) + " ";
      var prefix = value.slice(cut + 1).trim();
      if (!prefix || prefix.length > 100 || before + prefix === asked) return;
      asked = before + prefix;
      fetch(url + "?q=" + encodeURIComponent(prefix), {
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      })
        .then(function (response) { return response.ok ? response.json() : { tags: [] }; })
        .then(function (data) {
          list.replaceChildren();
          data.tags.forEach(function (name) {
            var option = document.createElement("option");
            // A suggestion completes the last tag and keeps the ones before it.
            option.value = before + (/[",]/.test(name) ? '"' + name.replace(/"/g, '""') + '"' : name);
            list.appendChild(option);
          });
        })
        .catch(function () { /* no suggestions; typing still works */ });
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(suggest, 200);
    });
  }

  function start() {
    document.querySelectorAll("[data-words-for]").forEach(watchBody);
    document.querySelectorAll("[data-chars-for]").forEach(watchChars);
    document.querySelectorAll("input[data-tag-search][list]").forEach(watchTags);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
