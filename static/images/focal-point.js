// Click the picture on an image's change page to place its focal point.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const picture = document.querySelector("img[data-focal-picker]");
  const x = document.getElementById("id_focal_x");
  const y = document.getElementById("id_focal_y");
  if (!picture || !x || !y) return;
  const marker = document.createElement("span");
  marker.className = "focal-marker";
  picture.parentNode.classList.add("focal-frame");
  picture.after(marker);

  function show() {
    marker.style.left = `${parseFloat(x.value) * 100}%`;
    marker.style.top = `${parseFloat(y.value) * 100}%`;
  }
  picture.style.cursor = "crosshair";
  picture.addEventListener("click", (event) => {
    const box = picture.getBoundingClientRect();
    x.value = ((event.clientX - box.left) / box.width).toFixed(3);
    y.value = ((event.clientY - box.top) / box.height).toFixed(3);
    show();
  });
  x.addEventListener("input", show);
  y.addEventListener("input", show);
  show();
});
