"""What a comment may contain: plain text with paragraphs and WordPress's inline tags."""

import re
import unicodedata
from urllib.parse import urlsplit

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

# WordPress's $allowedtags for comments, minus the attributes nh3 cannot scheme-check
# (cite=""): links, emphasis, code and quotes.
COMMENT_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "cite",
    "code",
    "del",
    "em",
    "i",
    "p",
    "q",
    "s",
    "strike",
    "strong",
}
COMMENT_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
URL_SCHEMES = {"http", "https", "mailto"}

_cleaner = nh3.Cleaner(
    tags=COMMENT_TAGS,
    attributes=COMMENT_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="nofollow ugc",
    strip_comments=True,
)
_BLANK_LINES = re.compile(r"\n\s*\n")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.IGNORECASE)
_http_url = URLValidator(schemes=["http", "https"])

# Bidi embeddings, overrides and isolates reorder the text around them ("Trojan
# Source"): a comment or a name could display other words than it contains.
BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
# Letters that draw nothing (fillers, the blank Braille cell), besides whitespace
# and the format characters (zero-width space, joiners, word joiner, BOM...).
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def strip_bidi_controls(text: str) -> str:
    return (text or "").translate(BIDI_CONTROLS)


def is_blank(text: str) -> bool:
    """Nothing a reader could see: only whitespace, zero-width and control
    characters, or letters that draw nothing."""
    return all(
        ch.isspace() or ch in BLANK_LETTERS or unicodedata.category(ch) in {"Cf", "Cc"}
        for ch in text or ""
    )


def render_comment_html(text: str) -> str:
    """Safe HTML for a comment: blank lines make paragraphs, newlines make <br>."""
    text = strip_bidi_controls(text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\x00", "")
    cleaned = _cleaner.clean(text)
    paragraphs = [p.strip() for p in _BLANK_LINES.split(cleaned) if p.strip()]
    html = "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs)
    # Splitting may have cut through an element; a second pass re-balances the tags.
    return _cleaner.clean(html)


def normalise_web_url(value: str) -> str:
    """'example.com' → 'http://example.com'; anything with another scheme is kept as is."""
    value = (value or "").strip()
    if value and not _SCHEME.match(value) and not value.startswith("//"):
        value = f"http://{value}"
    return value


def validate_web_url(value: str) -> None:
    """A commenter's website: empty, or an http(s) address. Never javascript: or data:."""
    if not value:
        return
    try:
        scheme = urlsplit(value).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme not in {"http", "https"}:
        raise ValidationError(
            "Only http and https addresses are allowed.", code="scheme"
        )
    _http_url(value)
