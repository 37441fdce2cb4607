// The image library's upload page: drop files on it, and give each file its own
// alt text. Without this script the page still works with one alt text for all.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("[data-image-upload]");
  if (!form) return;
  const input = form.querySelector("input[type=file]");
  const zone = form.querySelector("[data-dropzone]");
  const list = form.querySelector("[data-file-list]");
  const shared = form.querySelector("[data-shared-alt]");

  function describeEach() {
    list.replaceChildren();
    const files = Array.from(input.files);
    shared.hidden = files.length > 0;
    shared.querySelector("input").disabled = files.length > 0;
    files.forEach((file, index) => {
      const item = document.createElement("li");
      const label = document.createElement("label");
      label.htmlFor = `id_alt_${index}`;
      label.textContent = `Alt text for ${file.name}`;
      const alt = document.createElement("input");
      alt.type = "text";
      alt.name = "alt";
      alt.id = `id_alt_${index}`;
      alt.maxLength = 300;
      alt.required = true;
      alt.className = "vTextField";
      item.append(label, alt);
      list.append(item);
    });
  }

  input.addEventListener("change", describeEach);
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("image-dropzone--over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("image-dropzone--over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("image-dropzone--over");
    if (event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      describeEach();
    }
  });
});
