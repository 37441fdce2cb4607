/* Embeds: each one arrives as a facade (templates/articles/_embed.html) that asks
   the other site for nothing. Only when the reader presses "Load the video" is the
   player's frame created, from the address the server wrote (its host is one of the
   CSP's frame-src). Without JavaScript the facade stays a plain link. */
(function () {
  "use strict";
  var facades = document.querySelectorAll(".embed__facade[data-player]");
  Array.prototype.forEach.call(facades, function (facade) {
    var button = facade.querySelector(".embed__load");
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var frame = document.createElement("iframe");
      frame.className = "embed__player";
      frame.title = facade.getAttribute("data-title");
      frame.setAttribute("allow", "autoplay; encrypted-media; fullscreen; picture-in-picture");
      frame.setAttribute("allowfullscreen", "");
      // The players refuse to play without knowing the embedding site.
      frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
      frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-presentation allow-popups allow-popups-to-escape-sandbox");
      frame.src = facade.getAttribute("data-player");
      facade.parentNode.replaceChild(frame, facade);
      frame.focus();
    });
  });
})();
