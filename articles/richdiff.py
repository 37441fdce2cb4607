"""An HTML-aware diff of two story bodies, for the history's compare pages.

Words are compared as text, as in revisions.word_diff(): removed words in <del>,
added in <ins>. Each word also carries its formatting (bold, italic, …), the block
it stands in (paragraph, heading, quote, list item) and its link's address, so a
word that stayed but changed its formatting or its link is marked too, with a note
("now bold", "link changed: old → new").

The stored HTML is never copied into the page: it is parsed into words, and the
diff is written from them with our own few tags, every piece of text escaped (links
are shown, not followed: no href ever reaches the admin page).

Cost: parsing is linear; paragraphs are matched first (whole paragraphs hashed),
and only runs of changed paragraphs are compared word by word, each run at most
MAX_RUN_WORDS words a side (a longer one is shown as removed then added). A 1 MB
body compares in well under a second (docs/workflow.md gives the figure).
"""

import difflib
import re
from collections import Counter
from html.parser import HTMLParser
from itertools import repeat
from typing import NamedTuple

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# A run of changed paragraphs is compared word by word only within these bounds
# (else it is shown as removed, then added): difflib's work grows with the pairs
# of equal words across the two sides, so a text of few distinct words ("a b a b
# …", 6,000 words a side) took 9 s. 600,000 pairs is at most ~0.5 s here; natural
# text of 8,000 words a side has about 500,000.
MAX_RUN_WORDS = 20_000
MAX_EQUAL_PAIRS = 600_000
# Unchanged paragraphs shown beside each change (the others are counted).
CONTEXT = 2
# Addresses are shown in notes cut to this many characters.
MAX_SHOWN_URL = 120

INLINE_MARKS = {
    "strong": "bold",
    "b": "bold",
    "em": "italic",
    "i": "italic",
    "u": "underlined",
    "s": "struck through",
    "del": "struck through",
    "code": "code",
    "sub": "subscript",
    "sup": "superscript",
    "mark": "highlighted",
    "small": "small print",
}
# The block a word stands in, most telling first ("p" inside "blockquote" is a
# quote); anything else is a paragraph.
BLOCKS = [
    ("h1", "heading 1"),
    ("h2", "heading 2"),
    ("h3", "heading 3"),
    ("h4", "heading 4"),
    ("h5", "heading 5"),
    ("h6", "heading 6"),
    ("blockquote", "quote"),
    ("figcaption", "caption"),
    ("li", "list item"),
    ("pre", "preformatted"),
    ("th", "table cell"),
    ("td", "table cell"),
]
BLOCK_NAMES = dict(BLOCKS)
PARAGRAPH = "paragraph"
# Elements that start and end a block of text.
BLOCK_TAGS = set(BLOCK_NAMES) | {
    "p",
    "div",
    "ul",
    "ol",
    "figure",
    "table",
    "tr",
    "section",
    "aside",
    "dl",
    "dt",
    "dd",
    "details",
    "summary",
}
VOID = {"br", "hr", "img", "wbr", "source", "track", "col", "input", "meta"}

BREAK = "\n"  # the text of a block boundary
# A word (letters and digits, with inner apostrophes, dots or hyphens) or one
# other character, with the spaces before it: punctuation is its own token, so
# "map." and a linked "map" then "." compare as the same words.
_WORD = re.compile(r"\s*(?:[^\W_]+(?:['’.\-][^\W_]+)*|\S)")
# Never shown: what browsers do not display as text.
HIDDEN = {"script", "style", "template", "noscript", "iframe", "object"}


class Style(NamedTuple):
    block: str
    marks: frozenset
    link: str  # the address of the link the word is in, else ""


# Every block boundary looks the same, so equal paragraphs are equal blocks.
PLAIN = Style(PARAGRAPH, frozenset(), "")


# A word: (text, Style), text BREAK for a block boundary, else the word with one
# leading space when a space comes before it. A plain tuple: a 1 MB body has
# ~200,000 of them, and a NamedTuple costs three times as much to make.
Word = tuple[str, Style]


class _Words(HTMLParser):
    """The words of a body, each with its style; block boundaries as BREAK."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.words: list[Word] = []
        self.open: list[tuple[str, str]] = []  # (tag, link address)
        self._styles: dict[Style, Style] = {}  # one object per distinct style
        self.spaced = False  # whether a space came before the next word

    def style(self) -> Style:
        tags = {tag for tag, _ in self.open}
        block = next((name for tag, name in BLOCKS if tag in tags), PARAGRAPH)
        marks = frozenset(INLINE_MARKS[t] for t in tags if t in INLINE_MARKS)
        link = next((href for tag, href in reversed(self.open) if tag == "a"), "")
        found = Style(block, marks, link)
        return self._styles.setdefault(found, found)

    def boundary(self):
        if self.words and self.words[-1][0] != BREAK:
            self.words.append((BREAK, PLAIN))
        self.spaced = False

    def add(self, text: str, style: Style):
        starts_block = not self.words or self.words[-1][0] == BREAK
        self.words.append(
            (" " + text if self.spaced and not starts_block else text, style)
        )
        self.spaced = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in BLOCK_TAGS or tag in ("br", "hr"):
            self.boundary()
        if tag == "img":
            alt = " ".join((attributes.get("alt") or "").split())
            label = f"[image: {alt}]" if alt else "[image]"
            self.add(label, self._at(attributes.get("src") or ""))
        elif tag == "figure" and attributes.get("data-embed"):
            self.add("[embed]", self._at(attributes["data-embed"]))
        if tag == "hr":
            self.add("[line]", self.style())
            self.boundary()
        if tag not in VOID:
            self.open.append(
                (tag, (attributes.get("href") or "") if tag == "a" else "")
            )

    def _at(self, address: str) -> Style:
        """The current style with `address` as its link (an image's or an embed's
        source shows as a link does)."""
        style = self.style()
        found = style._replace(link=address.strip() or style.link)
        return self._styles.setdefault(found, found)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        # Close up to the matching element (tolerates stray or unclosed tags).
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth][0] == tag:
                del self.open[depth:]
                break
        if tag in BLOCK_TAGS:
            self.boundary()

    def handle_data(self, data):
        if not data.strip():
            self.spaced = self.spaced or bool(data)
            return
        if any(tag in HIDDEN for tag, _ in self.open):
            return
        found = _WORD.findall(data)
        first = found[0]
        if self.spaced and not first[0].isspace():
            found[0] = " " + first
        if not self.words or self.words[-1][0] == BREAK:
            found[0] = found[0].lstrip()
        # One space at most: the page shows one.
        self.words.extend(
            zip(
                (" " + w.lstrip() if w[0].isspace() else w for w in found),
                repeat(self.style()),
            )
        )
        self.spaced = data[-1].isspace()


def words_of(body_html: str) -> list[Word]:
    parser = _Words()
    parser.feed(body_html or "")
    parser.close()
    parser.boundary()  # the last block ends like the others
    return parser.words


def _blocks(words: list[Word]) -> list[tuple[Word, ...]]:
    """The words cut after each BREAK (a block keeps its ending break)."""
    blocks, start = [], 0
    for i, word in enumerate(words):
        if word[0] == BREAK:
            blocks.append(tuple(words[start : i + 1]))
            start = i + 1
    if start < len(words):
        blocks.append(tuple(words[start:]))
    return blocks


# --- What changed ---------------------------------------------------------------

EQUAL, DELETED, INSERTED, RESTYLED = "equal", "del", "ins", "restyled"


def _shown(url: str) -> str:
    return url if len(url) <= MAX_SHOWN_URL else url[: MAX_SHOWN_URL - 1] + "…"


def restyling(old: Style, new: Style) -> str:
    """What changed in a word's formatting, in editor language ("" for nothing)."""
    notes = []
    if old.block != new.block:
        notes.append(f"was {old.block}, now {new.block}")
    notes += [f"now {mark}" for mark in sorted(new.marks - old.marks)]
    notes += [f"no longer {mark}" for mark in sorted(old.marks - new.marks)]
    if old.link != new.link:
        if old.link and new.link:
            notes.append(f"link changed: {_shown(old.link)} → {_shown(new.link)}")
        elif new.link:
            notes.append(f"link added: {_shown(new.link)}")
        else:
            notes.append(f"link removed (was {_shown(old.link)})")
    return "; ".join(notes)


def _affordable(old: list[str], new: list[str]) -> bool:
    if len(old) > MAX_RUN_WORDS or len(new) > MAX_RUN_WORDS:
        return False
    counts = Counter(new)
    pairs = sum(n * counts[text] for text, n in Counter(old).items())
    return pairs <= MAX_EQUAL_PAIRS


def _compare_words(a: list[Word], b: list[Word], out: list) -> None:
    """Word by word (text only), then style by style where the text is equal."""
    old, new = [w[0].lstrip() for w in a], [w[0].lstrip() for w in b]
    if not _affordable(old, new):
        out.extend((DELETED, word, "") for word in a)
        out.extend((INSERTED, word, "") for word in b)
        return
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for (_, old), new in zip(a[i1:i2], b[j1:j2], strict=True):
                note = "" if old == new[1] else restyling(old, new[1])
                out.append((RESTYLED if note else EQUAL, new, note))
            continue
        out.extend((DELETED, word, "") for word in a[i1:i2])
        out.extend((INSERTED, word, "") for word in b[j1:j2])


SAME = "same"  # a run of unchanged blocks, kept whole


def changes(old_html: str, new_html: str) -> list | None:
    """The bodies' differences in reading order, or None when a reader would see
    none: (SAME, [block, …]) for runs of unchanged blocks, and (what happened,
    word, note) for each word of the changed ones."""
    if old_html == new_html:
        return None
    a, b = words_of(old_html), words_of(new_html)
    if a == b:
        return None
    old_blocks, new_blocks = _blocks(a), _blocks(b)
    out: list = []
    matcher = difflib.SequenceMatcher(None, old_blocks, new_blocks)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append((SAME, new_blocks[j1:j2]))
            continue
        pairs = [(old_blocks[i1:i2], new_blocks[j1:j2])]
        if i2 - i1 == j2 - j1 > 1:
            # As many paragraphs on each side (every one edited, say): compared
            # pair by pair, each small, rather than as one long run.
            pairs = [([x], [y]) for x, y in zip(pairs[0][0], pairs[0][1], strict=True)]
        for old, new in pairs:
            _compare_words(
                [w for block in old for w in block],
                [w for block in new for w in block],
                out,
            )
    # Only spacing or invisible markup differed.
    if all(item[0] in (SAME, EQUAL) for item in out):
        return None
    return out


# --- Writing it -----------------------------------------------------------------


def _styled(text: str, style: Style) -> str:
    html = escape(text)
    if "bold" in style.marks:
        html = f"<strong>{html}</strong>"
    if "italic" in style.marks:
        html = f"<em>{html}</em>"
    if "code" in style.marks:
        html = f"<code>{html}</code>"
    if style.link:
        # Shown, never followed: the address is a tooltip and, when it changed,
        # a note.
        html = (
            f'<span class="desk-rich__link" title="{escape(style.link)}">{html}</span>'
        )
    return html


def _run(op: str, style: Style, note: str, texts: list[str]) -> str:
    text = "".join(texts)
    # The space before a run stays outside its marks.
    lead = " " if text[:1] == " " else ""
    html = _styled(text[len(lead) :], style)
    if op == DELETED:
        html = f"<del>{html}</del>"
    elif op == INSERTED:
        html = f"<ins>{html}</ins>"
    elif op == RESTYLED:
        html = f'<mark class="desk-rich__restyled">{html}</mark>'
    if op in (DELETED, INSERTED) and style.link:
        note = f"link: {_shown(style.link)}"
    if note:
        html += f' <small class="desk-rich__note">({escape(note)})</small>'
    return lead + html


def _block_label(style: Style) -> str:
    if style.block == PARAGRAPH:
        return ""
    return f'<span class="desk-rich__block">{escape(style.block)}</span> '


def _paragraphs(found) -> list[str]:
    """One <p> per block of (what happened, word, note) items; runs of words that
    changed the same way are grouped in one <del>/<ins>/<mark>."""
    paragraphs: list[str] = []
    pieces: list[str] = []
    run: list[str] = []
    key = None
    label = ""

    def flush():
        if run:
            pieces.append(_run(*key, run))
            run.clear()

    for op, (text, style), note in found:
        if text != BREAK:
            if not pieces and not run:
                label = _block_label(style)
            this = (op, style, note)
            if this != key:
                flush()
                key = this
            run.append(text)
            continue
        flush()
        if op in (DELETED, INSERTED):
            title = "paragraph break removed" if op == DELETED else "new paragraph"
            pieces.append(f' <{op} class="desk-rich__break" title="{title}">¶</{op}>')
        if pieces:
            paragraphs.append(
                f'<p class="desk-rich__para">{label}{"".join(pieces)}</p>'
            )
        pieces.clear()
        key = None
    flush()
    if pieces:
        paragraphs.append(f'<p class="desk-rich__para">{label}{"".join(pieces)}</p>')
    return paragraphs


def _same(blocks: list, first: bool, last: bool) -> list[str]:
    """Unchanged blocks: CONTEXT of them beside each change, the rest counted."""
    keep_before = 0 if first else CONTEXT
    keep_after = 0 if last else CONTEXT
    if len(blocks) <= keep_before + keep_after + 1:
        shown, skipped = blocks, []
    else:
        shown = blocks[:keep_before]
        skipped = blocks[keep_before : len(blocks) - keep_after]
    html = _paragraphs((EQUAL, w, "") for block in shown for w in block)
    if skipped:
        noun = "paragraph" if len(skipped) == 1 else "paragraphs"
        html.append(
            f'<p class="desk-rich__skipped">… {len(skipped):,} unchanged {noun} …</p>'
        )
        tail = blocks[len(blocks) - keep_after :] if keep_after else []
        html += _paragraphs((EQUAL, w, "") for block in tail for w in block)
    return html


def render(found: list) -> SafeString:
    """Safe HTML of changes(): the changed blocks, with CONTEXT unchanged ones
    around each change."""
    paragraphs: list[str] = []
    pending: list = []
    for n, item in enumerate(found):
        if item[0] != SAME:
            pending.append(item)
            continue
        paragraphs += _paragraphs(pending)
        pending = []
        paragraphs += _same(item[1], first=n == 0, last=n == len(found) - 1)
    paragraphs += _paragraphs(pending)
    # Every piece is escaped above; no stored markup is copied.
    return mark_safe(  # noqa: S308
        '<div class="desk-rich">' + "\n".join(paragraphs) + "</div>"
    )


def body_diff(old_html: str, new_html: str) -> SafeString | None:
    """Safe HTML of the body's changes, or None when a reader would see none."""
    found = changes(old_html, new_html)
    return None if found is None else render(found)
