"""The parts of a story's page that its comments do not change, kept between renders.

A comment approved on a story makes its cached page stale (newsroom/pagecache.py),
but not the story itself: its header, body, quotes, pictures, corrections, related
stories, navigation and metadata are the same. They are kept here, keyed by the
story's address and stored with the versions of the cache tags they show
(articles/invalidation.py: everything but ``comments:<id>``), so the page's next
render loads the story's row, reuses them and builds only the comment block: the
cost of a busy comment thread is the thread, not the story.

The template marks the parts with ``{% story_part "name" %}…{% end_story_part %}``
(articles/templatetags/article_tags.py). The NewsArticle JSON-LD in the head holds
the comment count; it is stored with a mark in its place, filled in on each render.
Kept only while the page cache is on (``PAGE_CACHE_SECONDS``): with it off, every
render is a full one, as the uncached benchmark expects.
"""

import hashlib
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from articles.invalidation import story_part_tags, story_tag
from newsroom import cachetags, pagecache


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def _key(day, slug: str) -> str:
    digest = hashlib.sha256(f"{day.isoformat()}/{slug}".encode()).hexdigest()
    return f"pagecache:story-parts:{digest}"


@dataclass
class StoryParts:
    """The rendered parts of one story's page (name → HTML) and what they show."""

    story_id: int
    parts: dict[str, str] = field(default_factory=dict)
    depends_on: dict[str, str] = field(default_factory=dict)
    count_mark: str = ""
    # A scheduled story going live changes a neighbour's links without a write.
    expires: float = 0.0

    def html(self, name: str, comment_count: int) -> str:
        return self.parts[name].replace(self.count_mark, str(comment_count))


def stored(day, slug: str) -> StoryParts | None:
    """The parts kept for the story at this address, if nothing they show changed."""
    if not enabled():
        return None
    parts = cache.get(_key(day, slug))
    if parts is None or parts.expires <= timezone.now().timestamp():
        return None
    if cachetags.versions(parts.depends_on) != parts.depends_on:
        return None
    return parts


class Capture:
    """Collects the parts while a story's page renders in full, and keeps them
    unless something they show changed meanwhile."""

    def __init__(self, article, navigation):
        self.article = article
        self.parts: dict[str, str] = {}
        shown = {*story_part_tags(article), cachetags.EVERYTHING}
        shown |= {story_tag(story.pk) for story in navigation.stories()}
        # Read before the parts are rendered from data already loaded: a write
        # committed since bumps EVERYTHING, and the parts are then not kept.
        self.versions = cachetags.versions(shown) if enabled() else {}
        self.count_mark = f"comment-count-{secrets.token_hex(8)}"

    def keep(self, name: str, html: str) -> None:
        self.parts[name] = html

    def save(self, day, slug: str) -> None:
        if not enabled() or not self.parts:
            return
        everything = self.versions.pop(cachetags.EVERYTHING)
        if cachetags.versions([cachetags.EVERYTHING])[cachetags.EVERYTHING] != (
            everything
        ):
            return
        counted = f'"commentCount": {self.article.comment_count}'
        parts = {}
        for name, html in self.parts.items():
            if counted in html:
                if html.count(counted) != 1:
                    return  # not sure which number is the count: keep nothing
                html = html.replace(counted, f'"commentCount": {self.count_mark}')
            parts[name] = html
        now = timezone.now()
        until = pagecache.next_scheduled_change(pagecache.schedule_version(), now)
        seconds = int(min(settings.PAGE_CACHE_SECONDS, (until - now).total_seconds()))
        if seconds < 1:
            return
        cache.set(
            _key(day, slug),
            StoryParts(
                story_id=self.article.pk,
                parts=parts,
                depends_on=self.versions,
                count_mark=self.count_mark,
                expires=now.timestamp() + seconds,
            ),
            timeout=seconds,
        )
