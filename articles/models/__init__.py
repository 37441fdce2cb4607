"""Stories and what hangs off them: sections, bylines, embedded quotes, corrections.

One module per family; everything is imported here, where Django and the rest of
the code find the models (`from articles.models import Article`).
"""

from articles.models.autosaves import ArticleAutosave
from articles.models.common import local_day_bounds, unique_slug
from articles.models.conflicts import ArticleConflict
from articles.models.links import ArticleRedirect, PreviewLink, PreviewLinkQuerySet
from articles.models.people import Author, Byline, Section
from articles.models.querysets import ArticleQuerySet
from articles.models.quotes import Correction, Quote, QuoteQuerySet
from articles.models.search_entries import SearchEntry, SearchEntryQuerySet
from articles.models.stories import (
    ADDRESS_ATTEMPTS,
    BODY_EDITOR_EXTENSIONS,
    QUOTE_PLACEHOLDER,
    Article,
    BodyImage,
)

__all__ = [
    "ADDRESS_ATTEMPTS",
    "BODY_EDITOR_EXTENSIONS",
    "QUOTE_PLACEHOLDER",
    "Article",
    "ArticleAutosave",
    "ArticleConflict",
    "ArticleQuerySet",
    "ArticleRedirect",
    "BodyImage",
    "Author",
    "Byline",
    "Correction",
    "PreviewLink",
    "PreviewLinkQuerySet",
    "Quote",
    "QuoteQuerySet",
    "SearchEntry",
    "SearchEntryQuerySet",
    "Section",
    "local_day_bounds",
    "unique_slug",
]
