"""The one allow-list for story bodies: what editors need, nothing attackers need."""

import html
import re
from functools import partial
from urllib.parse import urlsplit

import nh3
from django.urls import reverse_lazy

from articles.embeds import keep_valid_embeds, with_embed_attribute

# The body editor's buttons; BODY_TAGS below is what they can make (and more).
BODY_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Link": {"enableTarget": False},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Heading": {"levels": [2, 3]},
    "Blockquote": True,
    "HardBreak": True,
    "HorizontalRule": True,
    # articles/embeds.py; the button checks each address with the admin.
    "Embed": {"checkUrl": reverse_lazy("admin:articles_article_embed_check")},
    # Ours (static/js/body-figures.js): a picture from the library, and a quote of
    # the story placed as its "[quote N]" paragraph.
    "BodyImage": {
        "chooserUrl": reverse_lazy("images:chooser"),
        "uploadUrl": reverse_lazy("images:chooser_upload"),
    },
    "QuotePicker": True,
}

BODY_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "figure",
    "figcaption",
    "img",
    "code",
    "pre",
    "abbr",
    "time",
    "cite",
    "q",
    "small",
    "mark",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
# A library picture in a body: <figure data-image="123" data-size="wide"
# data-caption="…" data-credit="…"></figure>, rendered by articles/body.py.
FIGURE_SIZES = ("inline", "wide", "full")
FIGURE_TEXT_LIMITS = {"data-caption": 500, "data-credit": 250}
BODY_ATTRIBUTES = {
    "a": {"href", "title"},
    "figure": {"data-image", "data-size", *FIGURE_TEXT_LIMITS},
    "img": {"src", "alt", "width", "height", "loading"},
    "abbr": {"title"},
    "time": {"datetime"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
# cite="" is deliberately absent: nh3 does not check its URL scheme.
URL_SCHEMES = {"http", "https", "mailto"}


def _filter_body_attribute(
    tag: str, attribute: str, value: str, *, external_images: bool = False
) -> str | None:
    if tag == "figure":
        if attribute == "data-image":
            # An id, short enough for any database's integer column.
            ok = value.isascii() and value.isdigit() and len(value) <= 18
            return value if ok else None
        if attribute == "data-size":
            return value if value in FIGURE_SIZES else None
        if attribute in FIGURE_TEXT_LIMITS:
            return value.strip()[: FIGURE_TEXT_LIMITS[attribute]] or None
    if tag == "img" and attribute == "src" and not external_images:
        # Pictures come from the library; an <img> may only point at this site's
        # own files (the WordPress importer's copies), never hot-link elsewhere.
        parts = urlsplit(value.strip())
        return value if not parts.scheme and not parts.netloc else None
    return value


# A start tag's attributes as nh3 writes them: name="value", with " escaped and
# > possibly raw inside a value. ATTRIBUTES_PATTERN reads them; attributes() parses.
ATTRIBUTES_PATTERN = r"(?P<attrs>(?:\s+[^\s\"'>/=]+(?:=\"[^\"]*\")?)*)\s*"
_ATTRIBUTE = re.compile(r"([^\s\"'>/=]+)(?:=\"([^\"]*)\")?")


def attributes(text: str) -> dict[str, str]:
    """{name: unescaped value} of a start tag's attribute text."""
    return {name: html.unescape(value) for name, value in _ATTRIBUTE.findall(text)}


# Left over once the rules above dropped what made them mean something.
_EMPTY_FIGURE = re.compile(r"<figure" + ATTRIBUTES_PATTERN + r">\s*</figure>")
_IMG = re.compile(r"<img" + ATTRIBUTES_PATTERN + r">")


MAX_FIGURE_NESTING = 100


def _drop_empty_figure(match: re.Match) -> str:
    kept = attributes(match["attrs"]).keys() & {"data-image", "data-embed"}
    return match[0] if kept else ""


def _drop_img_without_src(match: re.Match) -> str:
    return match[0] if "src" in attributes(match["attrs"]) else ""


_body_options = {
    "tags": BODY_TAGS,
    "attributes": with_embed_attribute(BODY_ATTRIBUTES),
    "url_schemes": URL_SCHEMES,
    "link_rel": "noopener noreferrer",
    "strip_comments": True,
}
_body_cleaner = nh3.Cleaner(attribute_filter=_filter_body_attribute, **_body_options)
# What a stored body may hold besides: an imported story's <img> that still loads
# from its old site (wordpress/, without --media-dir). Writers cannot add one.
_stored_cleaner = nh3.Cleaner(
    attribute_filter=partial(_filter_body_attribute, external_images=True),
    **_body_options,
)


# Editors may keep hand-written HTML: layout elements, media, classes, ids, data-
# and aria- attributes survive. What executes never does: no script, style, frame or
# object, no event handlers, no inline style, no javascript: URLs.
TRUSTED_TAGS = BODY_TAGS | {
    "div",
    "span",
    "section",
    "aside",
    "details",
    "summary",
    "dl",
    "dt",
    "dd",
    "caption",
    "colgroup",
    "col",
    "picture",
    "source",
    "video",
    "audio",
    "track",
    "del",
    "ins",
    "kbd",
    "samp",
    "var",
    "wbr",
    "h5",
    "h6",
}
TRUSTED_GENERIC_ATTRIBUTES = {"class", "id", "lang", "dir", "title", "role"}
TRUSTED_ATTRIBUTES = {
    **BODY_ATTRIBUTES,
    "source": {"src", "srcset", "type", "media", "sizes"},
    "img": BODY_ATTRIBUTES["img"] | {"srcset", "sizes", "decoding"},
    "video": {
        "src",
        "poster",
        "controls",
        "width",
        "height",
        "preload",
        "muted",
        "loop",
    },
    "audio": {"src", "controls", "preload", "loop"},
    "track": {"src", "kind", "srclang", "label", "default"},
    "col": {"span"},
    "details": {"open"},
}

# Ids an editor writes live in the story's own namespace, so a body can never
# clobber the page's elements (`id="commentform"`, `id="respond"`) or their DOM
# globals; in-story links to them follow (href="#notes" → "#user-content-notes").
USER_ID_PREFIX = "user-content-"
# Links to the page's own anchors stay as they are.
PAGE_ANCHORS = {"comments", "respond", "content", "corrections"}


def _url_allowed(url: str) -> bool:
    scheme = urlsplit(url.strip()).scheme.lower()
    return not scheme or scheme in URL_SCHEMES


def _filter_trusted_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id":
        return value if value.startswith(USER_ID_PREFIX) else USER_ID_PREFIX + value
    if attribute == "href" and value.startswith("#") and len(value) > 1:
        target = value[1:]
        if target in PAGE_ANCHORS or target.startswith(USER_ID_PREFIX):
            return value
        return f"#{USER_ID_PREFIX}{target}"
    if attribute == "srcset":
        # nh3 checks src and href schemes, not each candidate of a srcset.
        candidates = [part.split()[0] for part in value.split(",") if part.strip()]
        return value if all(map(_url_allowed, candidates)) else None
    return value


_trusted_cleaner = nh3.Cleaner(
    tags=TRUSTED_TAGS,
    attributes={"*": TRUSTED_GENERIC_ATTRIBUTES, **TRUSTED_ATTRIBUTES},
    attribute_filter=_filter_trusted_attribute,
    generic_attribute_prefixes={"data-", "aria-"},
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=False,
)


def sanitize_trusted_body(html: str) -> str:
    """Clean an editor's hand-written HTML: structure kept, nothing that executes."""
    return keep_valid_embeds(_trusted_cleaner.clean(html)) if html else ""


def sanitize_body(html: str) -> str:
    """Clean what a writer posts (the body field's own cleaning, for contributors,
    authors and editors' rich editor): no script, no event handlers, only
    http(s)/mailto links; pictures are library figures (a numeric data-image) or
    this site's own files, never hot-linked."""
    return _finish(_body_cleaner.clean(html)) if html else ""


def sanitize_stored_body(html: str) -> str:
    """sanitize_body()'s rules for a body as saved (Article.save(), the WordPress
    importer): the same, but an imported <img> from another site stays."""
    return _finish(_stored_cleaner.clean(html)) if html else ""


def _finish(cleaned: str) -> str:
    cleaned = keep_valid_embeds(cleaned)
    if "<img" in cleaned:
        cleaned = _IMG.sub(_drop_img_without_src, cleaned)
    # Dropping an empty figure can empty the one around it: again until none is
    # left (bounded; nh3 already caps how deep elements nest).
    for _ in range(MAX_FIGURE_NESTING):
        if "<figure" not in cleaned:
            break
        emptied = _EMPTY_FIGURE.sub(_drop_empty_figure, cleaned)
        if emptied == cleaned:
            break
        cleaned = emptied
    # ProseMirror always leaves an empty paragraph in an empty editor.
    return "" if cleaned.strip() in {"<p></p>", "<p><br></p>"} else cleaned
