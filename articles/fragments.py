"""A story's page kept whole but for its comment block, between renders.

A comment approved on a story makes its cached page stale (newsroom/pagecache.py),
but not the story itself: its head, header, body, quotes, pictures, corrections,
related stories, navigation and the site's masthead and footer are the same. The
page is kept here, keyed by the story's address and stored with the versions of the
cache tags it shows (articles/invalidation.py: everything but ``comments:<id>``),
with a mark where the comment block goes (``{% story_comments %}``,
articles/templatetags/article_tags.py) and a mark for the comment count of the
NewsArticle JSON-LD in the head. The page's next render reads the story's row (its
comment count, and the proof it is still live at this address), builds the comment
block and fills the marks in: the template engine renders the comments, nothing else.

The links to other stories (related, previous/next, more in the section:
``{% story_related %}``) are kept beside the page, under the versions of their own
tags. A story published or retitled beside this one changes them alone: the next
render runs the navigation query again and renders that block, and keeps it.

The page is kept from, and served to, only a reader it holds nothing of: no
session (nobody is logged in), no message waiting (base.html shows messages) and no
CSRF token rendered; any other request renders the page in full. It is kept until
the next scheduled publish or expiry time or local midnight (the masthead's date),
and only while the page cache is on (``PAGE_CACHE_SECONDS``): with it off, every
render is a full one, as the uncached benchmark expects.
"""

import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import models, router
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from articles.invalidation import headline_tag, story_navigation_tags, story_tag
from articles.models import Article
from articles.navigation import story_navigation
from newsroom import cachetags, pagecache
from newsroom.prepared import Param, prepared

# Built by the comments app's `{% comments_for %}`: the articles app reaches it
# through the template, as article_detail.html always did.
COMMENT_BLOCK = "articles/_comment_block.html"
NAVIGATION_BLOCK = "articles/_story_related.html"
# What the comment block and the JSON-LD count read of the story (a field missing
# here would cost a query of its own: tests/articles/test_story_parts.py counts),
# in the model's own field order, as Model.from_db() takes them.
STORY_COLUMNS = tuple(
    field.attname
    for field in Article._meta.concrete_fields
    if field.attname
    in {
        "id",
        "headline",
        "slug",
        "status",
        "published_at",
        "expires_at",
        "section_id",
        "allow_comments",
        "comment_count",
    }
)


def story_query():
    """The story's STORY_COLUMNS by primary key, for prepared()."""
    return Article.objects.filter(pk=Param("pk", models.BigIntegerField())).values_list(
        *STORY_COLUMNS
    )


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def _key(day, slug: str) -> str:
    digest = hashlib.sha256(f"{day.isoformat()}/{slug}".encode()).hexdigest()
    return f"pagecache:story-page:{digest}"


def comment_block(article: Article, request) -> SafeString:
    """The comments under a story and the form: rendered on every request."""
    return render_to_string(COMMENT_BLOCK, {"article": article, "request": request})


def navigation_block(navigation, section) -> SafeString:
    """Related stories, previous/next and more in the section."""
    return render_to_string(
        NAVIGATION_BLOCK,
        {"related": navigation.related, "navigation": navigation, "section": section},
    )


def navigation_tags(article, tag_ids, navigation) -> set[str]:
    """What the navigation block shows: which stories (its lists' tags) and each
    one's link (its headline tag)."""
    return story_navigation_tags(article, tag_ids) | {
        headline_tag(story.pk) for story in navigation.stories()
    }


def for_any_reader(request) -> bool:
    """Nothing on this reader's page but the comment block is their own: they
    have no session (so nobody is logged in) and no message waits for them.
    Asked without loading the session: that would make every page vary by cookie."""
    session = getattr(request, "session", None)
    if session is not None and not session.is_empty():
        return False
    return not get_messages(request)


@dataclass
class KeptPage:
    """A story's page with marks for its comment block, comment count and
    navigation block, and the versions of what the page and the block show."""

    story_id: int
    html: str
    depends_on: dict[str, str]
    count_mark: str
    comments_mark: str
    # A scheduled story going live changes a neighbour's links without a write,
    # and the masthead's date changes at midnight.
    expires: float
    navigation_mark: str
    navigation_html: str
    navigation_depends_on: dict[str, str]
    # What the navigation query and block need besides the story's row (a change
    # to either bumps story:<id>, so they hold while the page does).
    tag_ids: list[int]
    section: object
    # Set by stored(): the navigation block must be rendered again.
    navigation_stale: bool = False

    def live_story(self, day, slug: str) -> Article | None:
        """The story's row (only what the comment block reads), if it is still
        published at this address: a row read anyway for the comment count, so the
        page never outlives an unpublish, even one no tag was bumped for."""
        using = router.db_for_read(Article)  # a replica for public pages, if any
        # Compiled once (newsroom/prepared.py): building it cost more than running it.
        rows = prepared("kept-page-story", story_query, using=using).rows(
            pk=self.story_id
        )
        if not rows:
            return None
        article = Article.from_db(using, STORY_COLUMNS, rows[0])
        if (
            not article.is_published()
            or article.slug != slug
            or timezone.localdate(article.published_at) != day
        ):
            return None
        return article

    def page(self, article: Article, comments: str) -> str:
        # The count first: the comment block is readers' text, never searched.
        return (
            self.html.replace(self.count_mark, str(article.comment_count))
            .replace(self.navigation_mark, self.navigation_html)
            .replace(self.comments_mark, comments)
        )

    def all_tags(self) -> set[str]:
        return {*self.depends_on, *self.navigation_depends_on}

    def renew_navigation(self, guard, article: Article, day, slug: str) -> None:
        """The navigation block rendered again (a story beside this one changed);
        kept with the page if nothing was written since `guard` was made, before
        the navigation query."""
        # A story scheduled since the page was kept goes live without a write:
        # the new links end by then.
        started = timezone.now()
        schedule = pagecache.schedule_version()
        navigation = story_navigation(article, tag_ids=self.tag_ids)
        self.navigation_html = navigation_block(navigation, self.section)
        tags = navigation_tags(article, self.tag_ids, navigation)
        versions = guard.versions_if_unchanged(tags) if guard else None
        self.navigation_depends_on = versions or dict.fromkeys(tags, "")
        self.navigation_stale = False
        if versions is None:
            return
        until = pagecache.next_scheduled_change(schedule, started).timestamp()
        self.expires = min(self.expires, until)
        seconds = int(self.expires - timezone.now().timestamp())
        if seconds >= 1:
            cache.set(_key(day, slug), self, timeout=seconds)


def stored(request, day, slug: str) -> KeptPage | None:
    """The page kept for the story at this address, if this reader may have it and
    nothing it shows changed."""
    if not enabled() or not for_any_reader(request):
        return None
    kept = cache.get(_key(day, slug))
    if kept is None or kept.expires <= timezone.now().timestamp():
        return None
    current = cachetags.versions(kept.all_tags())  # one round trip
    if any(current[tag] != version for tag, version in kept.depends_on.items()):
        return None
    kept.navigation_stale = any(
        current[tag] != version for tag, version in kept.navigation_depends_on.items()
    )
    return kept


def guard() -> cachetags.WriteGuard | None:
    """Made before a story's page reads its rows, if the page may be kept."""
    return cachetags.WriteGuard() if enabled() else None


class Capture:
    """Marks the comment block while a story's page renders in full, and keeps the
    page unless something it shows changed meanwhile."""

    def __init__(self, guard: cachetags.WriteGuard | None, article, navigation):
        """`guard` was made before the story and its navigation were read."""
        self.guard = guard
        self.article = article
        self.tag_ids = [tag.pk for tag in article.tags.all()]
        self.shown = {story_tag(article.pk), cachetags.SITE}
        self.navigation_shown = navigation_tags(article, self.tag_ids, navigation)
        # A scheduled change (or midnight) during the render keeps nothing.
        self.started = timezone.now()
        self.schedule = pagecache.schedule_version() if guard else ""
        self.count_mark = f"comment-count-{secrets.token_hex(8)}"
        self.comments_mark = f"comment-block-{secrets.token_hex(8)}"
        self.navigation_mark = f"story-links-{secrets.token_hex(8)}"
        self.comments = None
        self.navigation = None

    def navigation_block(self, html: str) -> SafeString:
        """Called by `{% story_related %}`: the mark goes into the page for now."""
        self.navigation = html
        return mark_safe(self.navigation_mark)

    def comment_block(self, html: str) -> SafeString:
        """Called by `{% story_comments %}`: the mark goes into the page for now."""
        self.comments = html
        return mark_safe(self.comments_mark)

    def finish(self, request, html: str, day, slug: str) -> str:
        """The page as rendered for this request (the comment block in place of its
        mark); kept for the next renders if it may be."""
        marked = (
            self.comments is not None
            and self.navigation is not None
            and html.count(self.comments_mark) == 1
            and html.count(self.navigation_mark) == 1
        )
        if marked and self._may_keep(request):
            self._save(html, day, slug)
        if self.navigation is not None:
            html = html.replace(self.navigation_mark, self.navigation)
        if self.comments is not None:
            html = html.replace(self.comments_mark, self.comments)
        return html

    def _may_keep(self, request) -> bool:
        # A page that rendered the reader's CSRF token carries it: never shared.
        return (
            self.guard is not None
            and for_any_reader(request)
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        )

    def _save(self, html: str, day, slug: str) -> None:
        versions = self.guard.versions_if_unchanged(self.shown | self.navigation_shown)
        if versions is None:
            return
        counted = f'"commentCount": {self.article.comment_count}'
        if html.count(counted) != 1:
            return  # not sure which number is the count: keep nothing
        html = html.replace(counted, f'"commentCount": {self.count_mark}')
        now = timezone.now()
        until = pagecache.next_scheduled_change(self.schedule, self.started)
        seconds = int(min(settings.PAGE_CACHE_SECONDS, (until - now).total_seconds()))
        if seconds < 1:
            return
        cache.set(
            _key(day, slug),
            KeptPage(
                story_id=self.article.pk,
                html=html,
                depends_on={tag: versions[tag] for tag in self.shown},
                count_mark=self.count_mark,
                comments_mark=self.comments_mark,
                expires=now.timestamp() + seconds,
                navigation_mark=self.navigation_mark,
                navigation_html=self.navigation,
                navigation_depends_on={
                    tag: versions[tag] for tag in self.navigation_shown
                },
                tag_ids=self.tag_ids,
                section=self.article.section,
            ),
            timeout=seconds,
        )
