"""Ways through the archive: previous/next story, more in this section, public tags.

All built on Article.objects.published(): a tag used only on drafts has no
count, no page and no place in any list.
"""

import operator
import re
from dataclasses import dataclass, field
from functools import reduce

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from taggit.models import Tag, TaggedItem

from articles.models import Article

MORE_IN_SECTION = 4
_SLUG = re.compile(r"[-\w]{1,200}")


def is_slug(value: str) -> bool:
    """Could this be a (Unicode) slug? Anything else (NUL bytes, spaces) is a 404
    before it reaches the database: PostgreSQL rejects NUL in text."""
    return bool(_SLUG.fullmatch(value))


RELATED = 4
# Related stories are ranked among the newest stories of each shared tag, not
# among every story sharing a tag (tens of thousands at newsroom scale).
RELATED_CANDIDATES_PER_TAG = 100
# What the navigation lists show of a story (no body).
LISTED_FIELDS = ("headline", "slug", "status", "published_at", "expires_at", "section")


def public_tags():
    """Tags on at least one published story, with `story_count` and `last` (latest
    publish time) counted over published stories only."""
    return (
        Tag.objects.filter(article__in=Article.objects.published())
        .annotate(story_count=Count("article"), last=Max("article__published_at"))
        .order_by("name")
    )


@dataclass
class StoryNavigation:
    previous: Article | None = None
    next: Article | None = None
    more_in_section: list[Article] = field(default_factory=list)
    related: list[Article] = field(default_factory=list)

    def __bool__(self):
        return bool(self.previous or self.next or self.more_in_section)


def _key(story):
    return (story.published_at, story.pk)


def _top(stories, key, limit):
    return sorted(stories, key=key, reverse=True)[:limit]


def _pk_in_any(parts) -> Q:
    """Stories whose id is in any of these sliced subqueries. PostgreSQL gets one
    `IN (… UNION ALL …)`: an OR of INs makes it scan every story (100 ms at
    100,000). SQLite allows no LIMIT in the parts of a UNION, and plans the OR
    well."""
    first, *rest = parts
    if rest and connection.features.supports_slicing_ordering_in_compound:
        return Q(pk__in=first.union(*rest, all=True))
    return reduce(operator.or_, (Q(pk__in=part) for part in parts))


def story_navigation(article: Article) -> StoryNavigation:
    """Related stories (most shared tags), the stories just before and after this
    one, and the latest in its section, all published: in one query.

    The query fetches the published stories whose id is in any of the wanted
    lists, each a subquery. Each list's true members are all in the result, and
    any other row ranks below them, so sorting and cutting in Python gives
    exactly each list. An unpublished story (an editor's preview) gets related
    stories only: it has no place in the sequence yet.
    """
    published = Article.objects.published().exclude(pk=article.pk)
    tag_ids = [tag.pk for tag in article.tags.all()]  # prefetched by the view
    wanted = []
    if tag_ids:
        taggings = TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Article)
        )
        # How many of this story's tags a story (OuterRef) carries: a correlated
        # count on taggit's (content type, object, tag) index, no join, no GROUP BY.
        shared_tags = Coalesce(
            Subquery(
                taggings.filter(object_id=OuterRef("pk"), tag_id__in=tag_ids)
                .order_by()
                .values("object_id")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
            output_field=IntegerField(),
        )
        # Ranked among the newest taggings of each shared tag (a bounded set, read
        # backwards from taggit's index), not every story sharing a popular tag.
        candidates = _pk_in_any(
            [
                taggings.filter(tag_id=tag_id)
                .order_by("-object_id")
                .values("object_id")[:RELATED_CANDIDATES_PER_TAG]
                for tag_id in tag_ids
            ]
        )
        related = (
            published.filter(candidates)
            .annotate(shared=shared_tags)
            .order_by("-shared", "-published_at", "-pk")
        )
        wanted.append(related.values("pk")[:RELATED])
    in_sequence = article.is_published()
    if in_sequence:
        when = article.published_at
        earlier = published.filter(
            Q(published_at__lt=when) | Q(published_at=when, pk__lt=article.pk)
        ).order_by("-published_at", "-pk")
        later = published.filter(
            Q(published_at__gt=when) | Q(published_at=when, pk__gt=article.pk)
        ).order_by("published_at", "pk")
        wanted.append(earlier.values("pk")[:1])
        wanted.append(later.values("pk")[:1])
        if article.section_id:
            latest = published.filter(section=article.section_id).order_by(
                "-published_at", "-pk"
            )
            wanted.append(latest.values("pk")[:MORE_IN_SECTION])
    if not wanted:
        return StoryNavigation()
    stories = (
        Article.objects.published()
        .filter(_pk_in_any(wanted))
        .select_related("section")
        .only(*LISTED_FIELDS)
    )
    if tag_ids:
        stories = stories.annotate(shared_tags=shared_tags)
    stories = list(stories)
    navigation = StoryNavigation(
        related=_top(
            [s for s in stories if getattr(s, "shared_tags", 0)],
            key=lambda s: (s.shared_tags, *_key(s)),
            limit=RELATED,
        )
    )
    if in_sequence:
        here = _key(article)
        navigation.previous = max(
            (s for s in stories if _key(s) < here), key=_key, default=None
        )
        navigation.next = min(
            (s for s in stories if _key(s) > here), key=_key, default=None
        )
        navigation.more_in_section = _top(
            [
                s
                for s in stories
                if article.section_id and s.section_id == article.section_id
            ],
            key=_key,
            limit=MORE_IN_SECTION,
        )
    return navigation
