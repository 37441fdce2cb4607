/* Copy buttons for share-preview links (templates/admin/articles/article/
   preview_links.html): the Clipboard API where the browser allows it, otherwise
   the link is selected so that Ctrl+C / ⌘C copies it. */
(function () {
  "use strict";

  function selectLink(input, status) {
    input.focus();
    input.select();
    status.textContent = "Selected: press Ctrl+C (⌘C on a Mac) to copy.";
  }

  function copy(button) {
    var input = document.getElementById(button.dataset.copy);
    var status = button.parentElement.querySelector(".desk-copy__status");
    if (!input || !status) return;
    if (!navigator.clipboard || !window.isSecureContext) {
      selectLink(input, status);
      return;
    }
    navigator.clipboard.writeText(input.value).then(
      function () { status.textContent = "Copied."; },
      function () { selectLink(input, status); }
    );
  }

  function start() {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;  // without JavaScript there is nothing to press
      button.addEventListener("click", function () { copy(button); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
