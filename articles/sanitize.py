"""The one allow-list for story bodies: what editors need, nothing attackers need."""

import nh3

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
BODY_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "loading"},
    "abbr": {"title"},
    "time": {"datetime"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
# cite="" is deliberately absent: nh3 does not check its URL scheme.
URL_SCHEMES = {"http", "https", "mailto"}

_body_cleaner = nh3.Cleaner(
    tags=BODY_TAGS,
    attributes=BODY_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
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

_trusted_cleaner = nh3.Cleaner(
    tags=TRUSTED_TAGS,
    attributes={"*": TRUSTED_GENERIC_ATTRIBUTES, **TRUSTED_ATTRIBUTES},
    generic_attribute_prefixes={"data-", "aria-"},
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=False,
)


def sanitize_trusted_body(html: str) -> str:
    """Clean an editor's hand-written HTML: structure kept, nothing that executes."""
    return _trusted_cleaner.clean(html) if html else ""


def sanitize_body(html: str) -> str:
    """Clean story HTML: no script, no event handlers, only http(s)/mailto links."""
    if not html:
        return ""
    cleaned = _body_cleaner.clean(html)
    # ProseMirror always leaves an empty paragraph in an empty editor.
    return "" if cleaned.strip() in {"<p></p>", "<p><br></p>"} else cleaned
