"""Writing comforts of the story form: how long a body is, how tags are written in
one text box, and which existing tags start with what an editor types.

Plain functions, shared by the admin (articles/admin_forms.py, writing_admin.py)
and mirrored in static/js/desk-writing.js, which counts the same way as you type.
"""

import csv
import html
import math
import re

from django.db.models.functions import Lower
from django.utils.html import strip_tags
from taggit.models import Tag

# Reading speed of an adult reading news on screen (words per minute).
WORDS_PER_MINUTE = 230
# Soft limits: a warning beside the field, never a refusal. Search results show
# about 70 characters of a title and about 160 of a description.
HEADLINE_SOFT_LIMIT = 70
META_DESCRIPTION_SOFT_LIMIT = 160
# Tag search: at most this many suggestions, for a prefix of at most this many
# characters (a tag's name is at most 100 characters: taggit's Tag.name).
TAG_SUGGESTIONS = 20
TAG_QUERY_MAX_CHARS = 100

_BLOCK_END = re.compile(
    r"</(?:p|h[1-6]|li|blockquote|figure|div)>|<br\s*/?>|<hr\s*/?>", re.I
)
_PLACEHOLDER = re.compile(r"\[quote\s+\d+\]", re.I)
# A word has at least one letter or digit ("—" or "•" alone is not a word).
_WORDLIKE = re.compile(r"[^\W_]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def word_count(body_html: str) -> int:
    """Words a reader reads in the body: text between spaces with a letter or digit
    in it; tags, entities and "[quote N]" placements do not count."""
    text = strip_tags(_BLOCK_END.sub(" ", body_html or ""))
    text = _PLACEHOLDER.sub(" ", html.unescape(text))
    return sum(1 for token in text.split() if _WORDLIKE.search(token))


def reading_minutes(words: int) -> int:
    """Whole minutes at WORDS_PER_MINUTE, rounded up; 0 only for an empty body."""
    return math.ceil(words / WORDS_PER_MINUTE)


def describe_length(body_html: str) -> str:
    """ "412 words · 2 min read", as the editor shows it under the body."""
    words = word_count(body_html)
    if not words:
        return "No words yet"
    noun = "word" if words == 1 else "words"
    return f"{words:,} {noun} · {reading_minutes(words)} min read"


# --- Tags as typed ------------------------------------------------------------------


def format_tags(names) -> str:
    """Tag names as an editor types them: "Harbour Town, Solar power". Only a name
    that holds a comma or a double quote is quoted ("Smith, John"), CSV-style."""
    written = []
    for name in names:
        if "," in name or '"' in name:
            name = '"' + name.replace('"', '""') + '"'
        written.append(name)
    return ", ".join(written)


def parse_tags(text: str) -> list[str]:
    """The tag names in what an editor typed, sorted and without repeats.

    Commas separate tags, always: "Harbour Town" is one tag (taggit's own parser
    would split a comma-less text at spaces). Double quotes keep a comma inside a
    name; taggit's quoted form ("Harbour Town", "Solar power") reads the same."""
    text = _CONTROL.sub(" ", text or "")
    if not text.strip():
        return []
    names = next(csv.reader([text], skipinitialspace=True))
    return sorted({" ".join(name.split()) for name in names if name.strip()})


def clean_tag_query(query: str) -> str:
    """The prefix to look up: control characters (NUL included) and outer spaces
    dropped. Raises ValueError when it is longer than TAG_QUERY_MAX_CHARS."""
    query = " ".join(_CONTROL.sub(" ", query or "").split())
    if len(query) > TAG_QUERY_MAX_CHARS:
        raise ValueError(
            f"Type at most {TAG_QUERY_MAX_CHARS} characters to look a tag up."
        )
    return query


def matching_tags(query: str) -> list[str]:
    """Existing tag names starting with `query` (any case), alphabetical, at most
    TAG_SUGGESTIONS; none for an empty query."""
    if not query:
        return []
    return list(
        Tag.objects.filter(name__istartswith=query)
        .order_by(Lower("name"), "name")
        .values_list("name", flat=True)[:TAG_SUGGESTIONS]
    )
