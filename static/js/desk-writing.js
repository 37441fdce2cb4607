/* Writing comforts on the story form (articles/admin_forms.py renders the markup and
   the first figures, so everything reads right with JavaScript off):
   - the body's word count and reading time, live as you type (counted as
     articles/writing.py counts: a word has a letter or digit; 230 words a minute);
   - character counts with a soft limit (headline, meta description, social headline);
   - tags as removable tokens, with suggestions of existing tags from the admin's
     tag search (the hidden box still posts "Harbour Town, Solar power"). */
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

  // --- Tags as tokens -------------------------------------------------------
  // The box posts taggit's text as before (articles/writing.py reads it): the
  // tokens only write it. Commas separate tags; double quotes keep a comma inside
  // one ("Smith, John"), as writing.parse_tags() and format_tags() do.

  function parseTags(text) {
    var names = [];
    var current = "";
    var quoted = false;
    for (var i = 0; i < text.length; i++) {
      var c = text[i];
      if (quoted) {
        if (c !== '"') current += c;
        else if (text[i + 1] === '"') { current += '"'; i++; }
        else quoted = false;
      } else if (c === '"' && !current.trim()) {
        quoted = true;
        current = "";
      } else if (c === ",") {
        names.push(current);
        current = "";
      } else {
        current += c;
      }
    }
    names.push(current);
    return names
      .map(function (name) { return name.replace(/[\s\u0000-\u001f\u007f]+/g, " ").trim(); })
      .filter(Boolean);
  }

  function formatTags(names) {
    return names.map(function (name) {
      return /[",]/.test(name) ? '"' + name.replace(/"/g, '""') + '"' : name;
    }).join(", ");
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function tokenField(input) {
    var url = input.dataset.tagSearch;
    var names = parseTags(input.value);
    var box = element("div", "desk-tokens");
    var chips = element("ul", "desk-tokens__list");
    var typed = element("input", "desk-tokens__input");
    var options = element("ul", "desk-tokens__options");
    var status = element("p", "desk-tokens__status");
    var active = -1;
    var asked = 0;
    var timer = null;

    chips.setAttribute("aria-label", "Tags on this story");
    typed.type = "text";
    typed.id = input.id + "_typed";
    typed.autocomplete = "off";
    typed.setAttribute("role", "combobox");
    typed.setAttribute("aria-autocomplete", "list");
    typed.setAttribute("aria-expanded", "false");
    typed.setAttribute("aria-controls", input.id + "_options");
    var help = document.getElementById(input.id + "_helptext");
    typed.setAttribute(
      "aria-describedby",
      (help ? help.id + " " : "") + input.id + "_keys"
    );
    var keys = element(
      "span",
      "desk-tokens__status",
      "Type a tag and press Enter or comma to add it. Backspace in an empty box " +
      "removes the last tag. Up and down arrows choose a suggestion."
    );
    keys.id = input.id + "_keys";
    options.id = input.id + "_options";
    options.setAttribute("role", "listbox");
    options.setAttribute("aria-label", "Existing tags");
    options.hidden = true;
    status.setAttribute("aria-live", "polite");

    // The label now names the box one types in; the posted input is hidden.
    var label = document.querySelector('label[for="' + input.id + '"]');
    if (label) label.htmlFor = typed.id;
    input.type = "hidden";
    box.append(chips, typed, options, status, keys);
    input.after(box);

    function say(message) { status.textContent = message; }

    function has(name) {
      var folded = name.toLocaleLowerCase();
      return names.some(function (n) { return n.toLocaleLowerCase() === folded; });
    }

    function write() {
      input.value = formatTags(names);
      // Autosave, the live preview and "leave page?" listen for input.
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function drawChips() {
      chips.replaceChildren();
      names.forEach(function (name, index) {
        var chip = element("li", "desk-token");
        var remove = element("button", "desk-token__remove");
        var cross = element("span", "", "×");
        chip.append(element("span", "desk-token__name", name), remove);
        remove.type = "button";
        remove.setAttribute("aria-label", "Remove tag " + name);
        remove.title = "Remove tag";
        cross.setAttribute("aria-hidden", "true");
        remove.append(cross);
        remove.addEventListener("click", function () {
          removeAt(index);
          typed.focus();
        });
        chips.append(chip);
      });
    }

    function add(text) {
      var added = [];
      parseTags(text).forEach(function (name) {
        if (!has(name)) {
          names.push(name);
          added.push(name);
        }
      });
      if (added.length) {
        drawChips();
        write();
        say("Added tag " + added.join(", ") + ". " + names.length + " tags.");
      } else if (text.trim()) {
        say("Already tagged " + text.trim() + ".");
      }
    }

    function removeAt(index) {
      var removed = names.splice(index, 1)[0];
      drawChips();
      write();
      say("Removed tag " + removed + ". " + names.length + " tags.");
    }

    function commit() {
      var text = typed.value;
      typed.value = "";
      close();
      add(text);
    }

    function close() {
      options.hidden = true;
      options.replaceChildren();
      active = -1;
      typed.setAttribute("aria-expanded", "false");
      typed.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var items = options.children;
      if (!items.length) return;
      active = (index + items.length) % items.length;
      Array.prototype.forEach.call(items, function (item, i) {
        item.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      typed.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    function show(found) {
      close();
      found = found.filter(function (name) { return !has(name); });
      if (!found.length) return;
      found.forEach(function (name, i) {
        var option = element("li", "desk-tokens__option", name);
        option.id = input.id + "_option_" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        // Keep the focus in the box: a click must not blur it first.
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () {
          typed.value = "";
          close();
          add(name);
          typed.focus();
        });
        options.append(option);
      });
      options.hidden = false;
      typed.setAttribute("aria-expanded", "true");
      say(found.length + (found.length === 1 ? " suggestion" : " suggestions") +
        ": up and down arrows to choose.");
    }

    function suggest() {
      var prefix = typed.value.trim();
      var ticket = ++asked;
      if (!prefix || prefix.length > 100) {
        close();
        return;
      }
      fetch(url + "?q=" + encodeURIComponent(prefix), {
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      })
        .then(function (response) { return response.ok ? response.json() : { tags: [] }; })
        .then(function (data) {
          // Only the answer to the latest question, while it is still typed.
          if (ticket === asked && typed.value.trim() === prefix) show(data.tags || []);
        })
        .catch(function () { /* no suggestions; typing still works */ });
    }

    typed.addEventListener("input", function () {
      if (typed.value.indexOf(",") >= 0) {
        // A comma typed or pasted: everything before the last comma is tags.
        var cut = typed.value.lastIndexOf(",");
        var before = typed.value.slice(0, cut);
        typed.value = typed.value.slice(cut + 1).replace(/^\s+/, "");
        add(before);
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(suggest, 150);
    });

    typed.addEventListener("keydown", function (event) {
      var open = !options.hidden;
      if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault();
          options.children[active].click();
        } else if (typed.value.trim()) {
          event.preventDefault();  // a tag, not the form's submission
          commit();
        }
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!open) return;
        event.preventDefault();
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      } else if (event.key === "Backspace" && typed.value === "" && names.length) {
        event.preventDefault();
        removeAt(names.length - 1);
      }
    });

    // Text left in the box is a tag too: when leaving it, and when saving.
    typed.addEventListener("blur", function () {
      if (typed.value.trim()) commit();
      else close();
    });
    if (input.form) input.form.addEventListener("submit", function () {
      if (typed.value.trim()) commit();
    }, true);
    box.addEventListener("click", function (event) {
      if (event.target === box || event.target === chips) typed.focus();
    });

    drawChips();
  }

  function start() {
    document.querySelectorAll("[data-words-for]").forEach(watchBody);
    document.querySelectorAll("[data-chars-for]").forEach(watchChars);
    document.querySelectorAll("input[data-tag-search]").forEach(tokenField);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
