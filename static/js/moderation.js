/* The moderation queue's keyboard shortcuts (as WordPress has them).
 *
 * j/k move a highlighted row, a/s/t approve, spam or trash it, Enter/o open it,
 * r open it to reply, ? shows the help. An action is the queue's own form (with
 * its CSRF token) posted with only the highlighted row selected: the same bulk
 * action a moderator could pick by hand, so the server checks it the same way.
 * Loaded as a file through CommentAdmin.Media (the CSP forbids inline scripts);
 * with JavaScript off the checkboxes, the actions menu and the comment page's
 * buttons do the same work.
 */
(function () {
  "use strict";

  var ACTIONS = { a: "approve", s: "mark_spam", t: "trash" };
  // Where the highlight was when an action reloaded the page (same row number:
  // the moderated comment has left the pending block, so it is the next one).
  var REMEMBER = "moderation-queue-row";

  function rows() {
    return Array.prototype.slice.call(
      document.querySelectorAll("#result_list tbody tr")
    );
  }

  function current() {
    return document.querySelector("#result_list tbody tr.moderation-current");
  }

  function highlight(index) {
    var all = rows();
    if (!all.length) return null;
    index = Math.max(0, Math.min(index, all.length - 1));
    all.forEach(function (row, i) {
      var on = i === index;
      row.classList.toggle("moderation-current", on);
      if (on) row.setAttribute("aria-current", "true");
      else row.removeAttribute("aria-current");
    });
    all[index].scrollIntoView({ block: "nearest" });
    return all[index];
  }

  function move(step) {
    var row = current();
    highlight(row ? rows().indexOf(row) + step : 0);
  }

  function openRow(row, hash) {
    var link = row && row.querySelector("th a, td a");
    if (link) window.location.href = link.href + (hash || "");
  }

  function runAction(row, action) {
    var form = document.getElementById("changelist-form");
    var select = form && form.querySelector("select[name=action]");
    var go = form && form.querySelector("button[name=index]");
    var box = row && row.querySelector("input[name=_selected_action]");
    if (!select || !go || !box) return; // no moderation right: no actions menu
    var offered = Array.prototype.some.call(select.options, function (option) {
      return option.value === action;
    });
    if (!offered) return;
    // Only this row: click, so the admin's own selection counter stays right.
    form.querySelectorAll("input[name=_selected_action]").forEach(function (other) {
      if (other.checked !== (other === box)) other.click();
    });
    select.value = action;
    try {
      window.sessionStorage.setItem(REMEMBER, String(rows().indexOf(row)));
    } catch (e) {
      /* private mode: the highlight just starts again at the top */
    }
    go.click();
  }

  function toggleHelp() {
    var dialog = document.getElementById("moderation-keys");
    if (!dialog) return;
    if (dialog.open) dialog.close();
    else dialog.showModal();
  }

  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    if (tag === "input") {
      // A ticked checkbox keeps the focus; only boxes one types into count.
      return !/^(checkbox|radio|button|submit|reset)$/.test(target.type);
    }
    return tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    var dialog = document.getElementById("moderation-keys");
    if (dialog && dialog.open && event.key !== "?") return;
    var key = event.key;
    if (key === "?") {
      toggleHelp();
    } else if (key === "j") {
      move(1);
    } else if (key === "k") {
      move(-1);
    } else if (key === "o" || (key === "Enter" && event.target === document.body)) {
      if (!current()) return;
      openRow(current());
    } else if (key === "r") {
      openRow(current(), "#reply");
    } else if (ACTIONS[key]) {
      runAction(current(), ACTIONS[key]);
    } else {
      return;
    }
    event.preventDefault();
  }

  function start() {
    if (!document.getElementById("result_list")) return; // not the queue
    var hint = document.querySelector(".moderation-keys-hint");
    if (hint) hint.hidden = false;
    var remembered = null;
    try {
      remembered = window.sessionStorage.getItem(REMEMBER);
      window.sessionStorage.removeItem(REMEMBER);
    } catch (e) {
      remembered = null;
    }
    if (remembered !== null) highlight(parseInt(remembered, 10) || 0);
    document.addEventListener("keydown", onKey);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
