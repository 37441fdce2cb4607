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


def sanitize_body(html: str) -> str:
    """Clean story HTML: no script, no event handlers, only http(s)/mailto links."""
    if not html:
        return ""
    cleaned = _body_cleaner.clean(html)
    # ProseMirror always leaves an empty paragraph in an empty editor.
    return "" if cleaned.strip() in {"<p></p>", "<p><br></p>"} else cleaned
