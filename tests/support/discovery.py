"""Shared cast for the discovery tests (feeds, sitemaps, metadata, search, quotes).

`unseen_story(kind)` makes one story a reader must never find, in each of the
states that are not published(): a draft, a story in review (with a past publish
time) and a scheduled story. Everything about it carries the marker word
"zanzibar" (headline, body, tag, author, quote speaker), so a test only has to
look for that word in a response.
"""

from datetime import timedelta

from django.utils import timezone

from articles.models import Article
from tests.support.factories import make_article, make_author, make_section

MARKER = "zanzibar"
UNSEEN_KINDS = ["draft", "review", "scheduled"]


def unseen_story(kind: str, **overrides) -> Article:
    now = timezone.now()
    state = {
        "draft": {"status": Article.Status.DRAFT, "published_at": None},
        "review": {
            "status": Article.Status.REVIEW,
            "published_at": now - timedelta(hours=2),
        },
        "scheduled": {
            "status": Article.Status.PUBLISHED,
            "published_at": now + timedelta(hours=2),
        },
    }[kind]
    author = make_author(name=f"Zanzibar Writer {kind}", slug=f"zanzibar-writer-{kind}")
    fields = {
        "headline": f"Zanzibar {kind} headline",
        "slug": f"zanzibar-{kind}",
        "standfirst": "Zanzibar summary.",
        "body": "<p>The zanzibar body.</p><p>[quote 1]</p>",
        "tags": [f"Zanzibar {kind}"],
        "authors": [author],
        "quotes": [{"text": "Zanzibar words.", "speaker": f"Zanzibar Speaker {kind}"}],
        **state,
        **overrides,
    }
    return make_article(**fields)


def published_story(**overrides) -> Article:
    """An ordinary published story, in a fresh section unless told otherwise."""
    fields = {
        "headline": "Harbour council approves the new ferry",
        "section": overrides.pop("section", None) or make_section(),
        "tags": ["Harbour"],
        "published_at": timezone.now() - timedelta(hours=1),
    }
    return make_article(**(fields | overrides))
