/* The body editor's Embed node (django-prose-editor loads this module, see
   DJANGO_PROSE_EDITOR_EXTENSIONS): a video, track or post from another site, stored
   as <figure data-embed="URL"><figcaption>caption</figcaption></figure>.

   The "Embed" button asks for an address and a caption; pasting a lone address into
   an empty paragraph makes an embed too. Either way the admin's embed-check says
   whether the address is one we embed (articles/embeds.py holds the rule), so an
   unknown one is refused at once with the reason. Nothing here talks to the other
   site. */
import { Node, Plugin, gettext, updateAttrsDialog } from "django-prose-editor/editor"

const ADDRESS = /^https?:\/\/\S+$/i

function check(checkUrl, url) {
  const address = `${checkUrl}?url=${encodeURIComponent(url)}`
  return fetch(address, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  })
    .then((response) => response.json())
    .catch(() => ({
      error: gettext("The address could not be checked (no answer from the site). Try again."),
    }))
}

function showRefusal(editor, message) {
  const dialog = document.createElement("dialog")
  dialog.className = "prose-editor-dialog embed-refusal"
  const text = document.createElement("p")
  text.setAttribute("role", "alert")
  text.textContent = message
  const close = document.createElement("button")
  close.type = "button"
  close.textContent = gettext("OK")
  close.addEventListener("click", () => dialog.close())
  dialog.addEventListener("close", () => {
    dialog.remove()
    editor.commands.focus()
  })
  dialog.append(text, close)
  editor.view.dom.parentElement.append(dialog)
  dialog.showModal()
}

const embedDialog = updateAttrsDialog(
  {
    url: {
      type: "string",
      title: gettext("Address of the video, track or post"),
      description: gettext(
        "YouTube, Vimeo, SoundCloud, X, Bluesky, Instagram, TikTok or Mastodon",
      ),
      required: true,
    },
    caption: { type: "string", title: gettext("Caption (optional)") },
  },
  { title: gettext("Embed"), submitText: gettext("Embed") },
)

export const Embed = Node.create({
  name: "embed",
  group: "block",
  atom: true,
  selectable: true,
  draggable: true,

  addOptions() {
    return { checkUrl: "" }
  },

  addAttributes() {
    return {
      url: {
        default: "",
        parseHTML: (element) => element.getAttribute("data-embed") || "",
        renderHTML: (attributes) => ({ "data-embed": attributes.url }),
      },
      caption: {
        default: "",
        parseHTML: (element) =>
          (element.querySelector("figcaption")?.textContent || "").trim(),
        renderHTML: () => ({}),
      },
    }
  },

  parseHTML() {
    // Before the image Figure's plain "figure" rule (default priority 50).
    return [{ tag: "figure[data-embed]", priority: 100 }]
  },

  renderHTML({ node, HTMLAttributes }) {
    const caption = node.attrs.caption
    return caption
      ? ["figure", HTMLAttributes, ["figcaption", caption]]
      : ["figure", HTMLAttributes]
  },

  addNodeView() {
    return ({ node, editor, getPos }) => {
      const dom = document.createElement("figure")
      dom.className = "embed-node"
      dom.contentEditable = "false"
      const label = document.createElement("strong")
      label.textContent = gettext("Embed: ")
      const url = document.createElement("span")
      url.className = "embed-node__url"
      url.textContent = node.attrs.url
      const caption = document.createElement("figcaption")
      caption.textContent = node.attrs.caption
      const edit = document.createElement("button")
      edit.type = "button"
      edit.className = "embed-node__edit"
      edit.textContent = gettext("Edit")
      edit.addEventListener("click", () => {
        editor.chain().setNodeSelection(getPos()).editEmbed().run()
      })
      dom.append(label, url, edit, caption)
      return { dom }
    }
  },

  addCommands() {
    return {
      editEmbed:
        () =>
        ({ editor, state, dispatch }) => {
          if (!dispatch) return true
          const selected = state.selection.node
          const current = selected?.type.name === this.name ? selected.attrs : {}
          const position = selected?.type.name === this.name ? state.selection.from : null
          embedDialog(editor, current).then((attrs) => {
            if (!attrs) return
            check(this.options.checkUrl, attrs.url.trim()).then((answer) => {
              if (!answer.embed) {
                showRefusal(editor, answer.error)
                return
              }
              const content = {
                type: this.name,
                attrs: { url: answer.embed.url, caption: attrs.caption.trim() },
              }
              const chain = editor.chain().focus()
              if (position !== null) {
                chain.setNodeSelection(position)
              }
              chain.insertContent(content).run()
            })
          })
          return true
        },
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "embed",
      groups: "nodes",
      command: (editor) => editor.chain().editEmbed().run(),
      button: buttons.material("smart_display", gettext("Embed a video or post")),
      active: (editor) => editor.isActive(this.name),
    })
  },

  addProseMirrorPlugins() {
    const extension = this
    return [
      new Plugin({
        props: {
          // A lone address of a known site pasted into an empty paragraph
          // becomes an embed; anything else pastes as usual.
          handlePaste(view, event) {
            const text = (event.clipboardData?.getData("text/plain") || "").trim()
            const { $from, empty } = view.state.selection
            const emptyParagraph =
              empty &&
              $from.parent.type.name === "paragraph" &&
              $from.parent.content.size === 0
            if (!emptyParagraph || !ADDRESS.test(text)) return false
            const editor = extension.editor
            check(extension.options.checkUrl, text).then((answer) => {
              if (answer.embed) {
                editor
                  .chain()
                  .focus()
                  .insertContent({ type: extension.name, attrs: { url: answer.embed.url } })
                  .run()
              } else {
                editor.chain().focus().insertContent(text).run()
              }
            })
            return true
          },
        },
      }),
    ]
  },
})
