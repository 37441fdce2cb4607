/* The story body editor's own extensions (django-prose-editor's "configurable"
   preset loads this module; articles/sanitize.py enables them):

   - BodyImage: an "Image" button that opens the library chooser (search, recent,
     upload) and inserts one figure per chosen picture, stored as
     <figure data-image="ID" data-size="inline|wide|full" data-caption data-credit>
     (articles/body.py renders it; several in a row are a gallery);
   - QuotePicker: an "Insert quote" button listing the story's quotes from the
     Quotes rows of the form (unsaved ones too) and placing the chosen one at the
     cursor as its "[quote N]" paragraph.

   The dialogs are plain <dialog>s; the server checks everything again. */
import { gettext, Extension, Node } from "django-prose-editor/editor"

const SIZES = [
  ["inline", "Text width"],
  ["wide", "Wide"],
  ["full", "Full width"],
]
// What the desk knows of each library image: {id: {alt, thumbnail}}, from the
// form (pictures already in the body) and from the chooser's answers.
const known = new Map()

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag)
  for (const [key, value] of Object.entries(props)) {
    if (key === "dataset") Object.assign(node.dataset, value)
    else if (key in node && !key.includes("-")) node[key] = value
    else node.setAttribute(key, value)
  }
  for (const child of children) node.append(child)
  return node
}

function csrfToken() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]")
  return input ? input.value : ""
}

function learn(images) {
  for (const image of images) known.set(String(image.id), image)
}

// The pictures the body already places, written by the form
// (articles/admin_forms.py: BodyEditorWidget) before this module loads.
for (const data of document.querySelectorAll("script[data-body-images]")) {
  learn(JSON.parse(data.textContent || "[]"))
}

function modal(title, className) {
  const dialog = el("dialog", { className: `desk-dialog ${className}` })
  const heading = el("h2", { textContent: title, id: `${className}-title` })
  dialog.setAttribute("aria-labelledby", heading.id)
  dialog.append(heading)
  dialog.addEventListener("close", () => dialog.remove())
  return dialog
}

/* --- Pictures ------------------------------------------------------------------ */

function chooseImages(options) {
  return new Promise((resolve) => {
    const dialog = modal("Pictures from the library", "image-chooser")
    const chosen = new Map()
    const status = el("p", { className: "image-chooser__status", role: "status" })
    const search = el("input", {
      type: "search",
      name: "q",
      placeholder: "Alt text, caption, credit or file name",
    })
    search.setAttribute("aria-label", "Search the library")
    const searchForm = el("form", { className: "image-chooser__search" }, [
      search,
      el("button", { type: "submit", textContent: "Search" }),
    ])
    const results = el("ul", { className: "image-chooser__results" })
    const more = el("button", { type: "button", textContent: "More", hidden: true })
    let page = 1

    function card(image) {
      const thumb = image.thumbnail
        ? el("img", { src: image.thumbnail.url, alt: "", width: 80, height: 80 })
        : el("span", { className: "image-chooser__nothumb", textContent: "No preview yet" })
      const button = el(
        "button",
        { type: "button", className: "image-chooser__pick", dataset: { id: image.id } },
        [thumb, el("span", { textContent: image.alt })],
      )
      button.setAttribute("aria-pressed", "false")
      button.addEventListener("click", () => {
        const on = !chosen.has(image.id)
        if (on) chosen.set(image.id, image)
        else chosen.delete(image.id)
        button.setAttribute("aria-pressed", String(on))
        update()
      })
      return el("li", {}, [button])
    }

    async function load(reset) {
      page = reset ? 1 : page + 1
      const url = new URL(options.chooserUrl, window.location.href)
      url.search = new URLSearchParams({ q: search.value.trim(), page, format: "json" })
      status.textContent = "Loading…"
      try {
        const response = await fetch(url, { credentials: "same-origin" })
        const data = await response.json()
        if (!response.ok) throw new Error(data.error || response.statusText)
        learn(data.results)
        if (reset) results.replaceChildren()
        results.append(...data.results.map(card))
        more.hidden = !data.has_next
        status.textContent = data.count
          ? `${data.count} picture${data.count === 1 ? "" : "s"}${data.q ? ` for “${data.q}”` : ", newest first"}.`
          : "Nothing found."
      } catch (error) {
        status.textContent = `The library did not answer: ${error.message}`
      }
    }

    // Upload a new picture: it joins the chosen ones.
    const file = el("input", { type: "file", name: "file", accept: "image/*" })
    const alt = el("input", { type: "text", name: "alt_text", maxLength: 300 })
    const uploadStatus = el("p", { role: "status" })
    const upload = el("button", { type: "button", textContent: "Upload" })
    upload.addEventListener("click", async () => {
      if (!file.files.length || !alt.value.trim()) {
        uploadStatus.textContent = "Choose a file and say what it shows (alt text)."
        return
      }
      const body = new FormData()
      body.append("file", file.files[0])
      body.append("alt_text", alt.value.trim())
      uploadStatus.textContent = "Uploading…"
      try {
        const response = await fetch(options.uploadUrl, {
          method: "POST",
          body,
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken() },
        })
        const image = await response.json()
        if (!response.ok) throw new Error(image.error || response.statusText)
        learn([image])
        const item = card(image)
        results.prepend(item)
        item.querySelector("button").click()
        uploadStatus.textContent = image.existing
          ? "Already in the library: chosen."
          : "Added to the library and chosen."
        file.value = ""
        alt.value = ""
      } catch (error) {
        uploadStatus.textContent = `Not uploaded: ${error.message}`
      }
    })
    const uploadBox = el("details", { className: "image-chooser__upload" }, [
      el("summary", { textContent: "Upload a new picture" }),
      el("label", {}, ["File ", file]),
      el("label", {}, ["Alt text (what it shows) ", alt]),
      upload,
      uploadStatus,
    ])

    const sizes = el(
      "fieldset",
      { className: "image-chooser__sizes" },
      [el("legend", { textContent: "Size" })].concat(
        SIZES.map(([value, label], n) =>
          el("label", {}, [
            el("input", { type: "radio", name: "size", value, checked: n === 0 }),
            ` ${label}`,
          ]),
        ),
      ),
    )
    const caption = el("input", { type: "text", name: "caption", maxLength: 500 })
    const credit = el("input", { type: "text", name: "credit", maxLength: 250 })
    const overrides = el("fieldset", { className: "image-chooser__texts" }, [
      el("legend", { textContent: "This story's caption and credit (empty: the library's)" }),
      el("label", {}, ["Caption ", caption]),
      el("label", {}, ["Credit ", credit]),
    ])
    const insert = el("button", {
      type: "button",
      className: "default",
      textContent: "Insert",
      disabled: true,
    })
    const cancel = el("button", { type: "button", textContent: "Cancel" })
    const hint = el("p", {
      className: "help",
      textContent: "Choose several to make a gallery.",
    })

    function update() {
      insert.disabled = chosen.size === 0
      insert.textContent =
        chosen.size > 1 ? `Insert a gallery of ${chosen.size}` : "Insert"
    }

    searchForm.addEventListener("submit", (event) => {
      event.preventDefault()
      load(true)
    })
    more.addEventListener("click", () => load(false))
    cancel.addEventListener("click", () => dialog.close())
    insert.addEventListener("click", () => {
      const size = dialog.querySelector("input[name=size]:checked").value
      resolve(
        [...chosen.values()].map((image) => ({
          image: String(image.id),
          size,
          caption: caption.value.trim(),
          credit: credit.value.trim(),
        })),
      )
      dialog.close()
    })
    dialog.addEventListener("close", () => resolve(null))

    dialog.append(
      searchForm,
      status,
      results,
      more,
      uploadBox,
      hint,
      sizes,
      overrides,
      el("p", { className: "desk-dialog__buttons" }, [insert, cancel]),
    )
    document.body.append(dialog)
    dialog.showModal()
    load(true)
  })
}

export const BodyImage = Node.create({
  name: "bodyImage",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    return { chooserUrl: "", uploadUrl: "" }
  },

  addAttributes() {
    const attribute = (name, fallback = "") => ({
      default: fallback,
      parseHTML: (element) => element.getAttribute(`data-${name}`) || fallback,
      renderHTML: (attrs) => (attrs[name] ? { [`data-${name}`]: attrs[name] } : {}),
    })
    return {
      image: attribute("image", null),
      size: attribute("size", "inline"),
      caption: attribute("caption"),
      credit: attribute("credit"),
    }
  },

  parseHTML() {
    return [{ tag: "figure[data-image]" }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", HTMLAttributes]
  },

  addNodeView() {
    return ({ node }) => {
      const image = known.get(String(node.attrs.image))
      const size = SIZES.find(([value]) => value === node.attrs.size)
      const thumb = image?.thumbnail
        ? el("img", { src: image.thumbnail.url, alt: "" })
        : el("span", { className: "body-image-editor__nothumb", textContent: "🖼" })
      const words = [
        image ? image.alt : `Picture ${node.attrs.image}`,
        size ? size[1] : "Text width",
        node.attrs.caption ? `caption: ${node.attrs.caption}` : "",
      ].filter(Boolean)
      const dom = el(
        "figure",
        { className: "body-image-editor", contentEditable: "false" },
        [thumb, el("figcaption", { textContent: words.join(" · ") })],
      )
      dom.dataset.image = node.attrs.image
      return { dom }
    }
  },

  addCommands() {
    return {
      // After what is selected: a picture just inserted stays selected, and the
      // next one must not replace it.
      insertBodyImages:
        (items) =>
        ({ state, commands }) =>
          commands.insertContentAt(
            state.selection.to,
            items.map((attrs) => ({ type: this.name, attrs })),
          ),
    }
  },

  addMenuItems({ buttons, menu }) {
    const options = this.options
    menu.defineItem({
      name: "bodyImage",
      groups: "nodes",
      command(editor) {
        chooseImages(options).then((items) => {
          if (items?.length) editor.chain().focus().insertBodyImages(items).run()
        })
      },
      button: buttons.text(gettext("Image"), "Insert pictures from the library"),
    })
  },
})

/* --- Quotes -------------------------------------------------------------------- */

function formQuotes() {
  // The Quotes rows of the story form, saved or not; a row ticked for deletion
  // is left out.
  const rows = document.querySelectorAll(
    "#quotes-group .inline-related:not(.empty-form)",
  )
  const quotes = []
  for (const row of rows) {
    const value = (suffix) =>
      row.querySelector(`[name$="-${suffix}"]`)?.value.trim() || ""
    if (row.querySelector('[name$="-DELETE"]')?.checked) continue
    const text = value("text")
    if (!text && !value("speaker")) continue
    quotes.push({ number: value("number"), speaker: value("speaker"), text })
  }
  return quotes
}

function chooseQuote(placed) {
  return new Promise((resolve) => {
    const dialog = modal("Place a quote of this story", "quote-picker")
    const quotes = formQuotes()
    const list = el("ul", { className: "quote-picker__list" })
    for (const quote of quotes) {
      const where = placed.has(quote.number) ? " (already placed)" : ""
      const short = quote.text.length > 90 ? `${quote.text.slice(0, 89)}…` : quote.text
      const button = el("button", {
        type: "button",
        textContent: `Quote ${quote.number || "?"}: ${quote.speaker} — “${short}”${where}`,
        disabled: !quote.number || Boolean(where),
      })
      button.addEventListener("click", () => {
        resolve(quote.number)
        dialog.close()
      })
      list.append(el("li", {}, [button]))
    }
    const cancel = el("button", { type: "button", textContent: "Cancel" })
    cancel.addEventListener("click", () => dialog.close())
    dialog.addEventListener("close", () => resolve(null))
    dialog.append(
      quotes.length
        ? list
        : el("p", {
            textContent:
              "This story has no quotes yet. Add one under Quotes below; it can be placed before you save.",
          }),
      el("p", {
        className: "help",
        textContent: "Each quote appears once; it goes where the cursor is.",
      }),
      el("p", { className: "desk-dialog__buttons" }, [cancel]),
    )
    document.body.append(dialog)
    dialog.showModal()
  })
}

export const QuotePicker = Extension.create({
  name: "quotePicker",

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "quotePicker",
      groups: "nodes",
      command(editor) {
        const placed = new Set(
          [...editor.getHTML().matchAll(/\[quote\s+(\d+)\]/gi)].map((m) => m[1]),
        )
        chooseQuote(placed).then((number) => {
          if (!number) return
          const at = editor.state.selection.to // after a selected picture, not over it
          editor.chain().focus().insertContentAt(at, `<p>[quote ${number}]</p>`).run()
        })
      },
      button: buttons.text(gettext("Insert quote"), "Place one of this story's quotes"),
    })
  },
})
