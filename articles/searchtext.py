"""A story's searchable text: what goes into its SearchEntry, cut and cleaned.

Shared by the model that stores the entries (articles.models.SearchEntry) and
the search that reads them (articles.search); it knows no model itself.
"""

import html
import re

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.utils.html import strip_tags

# The most text a snippet or highlighted headline is cut from (see above); about
# 1,600 words, so for nearly every story the snippet still comes from all of it.
SNIPPET_SOURCE_CHARS = 10_000
SHOWN_FIELDS = ("headline", "standfirst", "body", "quotes")
FTS_TABLE = "articles_search_fts"
# SQLite: a second FTS5 index over the shown (bounded) columns only, for snippets.
SNIPPET_TABLE = "articles_search_snippets"
# Article fields whose change must rebuild the story's search entry.
INDEXED_FIELDS = {"headline", "standfirst", "body"}

# Highlight markers: private-use characters stripped from all indexed text, so a
# story can never contain them; replaced by <mark> only after escaping.
MARK_START = "\ue000"
MARK_STOP = "\ue001"
MARKERS = re.compile(f"[{MARK_START}{MARK_STOP}]")

_PLACEHOLDER = re.compile(r"\[quote\s+\d+\]", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_BLOCK_END = re.compile(
    r"</(?:p|h[1-6]|li|blockquote|ul|ol|figure|figcaption)>|<br\s*/?>|<hr\s*/?>",
    re.I,
)

# SITE_LANGUAGE -> PostgreSQL text search configuration (stemming and stop words).
PG_CONFIGS = {
    "da": "danish",
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "it": "italian",
    "nl": "dutch",
    "no": "norwegian",
    "pt": "portuguese",
    "ru": "russian",
    "sv": "swedish",
}


def pg_config() -> str:
    language = settings.SITE_LANGUAGE.split("-")[0].lower()
    return PG_CONFIGS.get(language, "simple")


def plain_text(value: str) -> str:
    """Text as typed (headline, tags, quotes) without highlight markers."""
    return _SPACE.sub(" ", MARKERS.sub("", value or "")).strip()


def html_text(value: str) -> str:
    """A story body's text: no tags, entities or quote placeholders; paragraphs
    and other blocks stay separate words."""
    text = _BLOCK_END.sub(" ", _PLACEHOLDER.sub(" ", value or ""))
    return plain_text(html.unescape(strip_tags(text)))


def document(headline, standfirst, body, tag_names, quotes) -> dict[str, str]:
    """The plain-text fields of a story's search entry.

    `quotes` is an iterable of (speaker, role, text) tuples.
    """
    return {
        "headline": plain_text(headline),
        "standfirst": plain_text(standfirst),
        "body": html_text(body),
        "tags": plain_text(" · ".join(sorted(tag_names))),
        "quotes": "\n".join(
            plain_text(f"{speaker}, {role}: {text}" if role else f"{speaker}: {text}")
            for speaker, role, text in quotes
        ),
    }


def bounded(text: str, limit: int = SNIPPET_SOURCE_CHARS) -> tuple[str, str]:
    """`text` cut to at most `limit` characters at a space, and what was cut off."""
    if len(text) <= limit:
        return text, ""
    cut = text.rfind(" ", 0, limit + 1)
    if cut <= 0:
        cut = limit
    return text[:cut], text[cut:].strip()


def bounded_entry(fields: dict[str, str]) -> dict[str, str]:
    """A search entry's fields with the shown ones bounded; the overflow in `rest`."""
    entry, rest = dict(fields), []
    for name in SHOWN_FIELDS:
        entry[name], overflow = bounded(entry[name])
        if overflow:
            rest.append(overflow)
    entry["rest"] = "\n".join(rest)
    return entry


def weighted_vector():
    """The PostgreSQL tsvector expression over a SearchEntry row's columns."""
    config = pg_config()
    return (
        SearchVector("headline", weight="A", config=config)
        + SearchVector("standfirst", "tags", weight="B", config=config)
        + SearchVector("quotes", weight="C", config=config)
        + SearchVector("body", "rest", weight="D", config=config)
    )
