"""Ways through the archive: previous/next story, more in this section, public tags.

All built on Article.objects.published(): a tag used only on drafts has no
count, no page and no place in any list.
"""

import operator
import re
from dataclasses import dataclass, field
from functools import reduce

from django.contrib.contenttypes.models import ContentType
from django.db import connections, router
from django.db.models import (
    BigIntegerField,
    Count,
    DateTimeField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles.invalidation import HEADLINE_FIELDS
from articles.models import Article, Section
from newsroom.prepared import Param, prepared

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

    def stories(self) -> list[Article]:
        """Every story these links show."""
        sequence = [story for story in (self.previous, self.next) if story]
        return [*sequence, *self.more_in_section, *self.related]


def _key(story):
    return (story.published_at, story.pk)


def _top(stories, key, limit):
    return sorted(stories, key=key, reverse=True)[:limit]


def _pk_in_any(parts, connection) -> Q:
    """Stories whose id is in any of these sliced subqueries. PostgreSQL gets one
    `IN (… UNION ALL …)`: an OR of INs makes it scan every story, which grows
    with the archive. SQLite allows no LIMIT in the parts of a UNION: it gets one
    IN of the stories matching the OR. A bare OR of INs made it walk every
    published story by the status index, and run each part twice (1.4 ms of the
    seed story's 1.5 ms of SQL at 2,000 stories, 0.06 ms this way)."""
    first, *rest = parts
    if not rest:
        return Q(pk__in=first)
    if connection.features.supports_slicing_ordering_in_compound:
        return Q(pk__in=first.union(*rest, all=True))
    matching = Article.objects.filter(
        reduce(operator.or_, (Q(pk__in=part) for part in parts))
    )
    return Q(pk__in=matching.values("pk"))


def story_navigation(article: Article, tag_ids=None) -> StoryNavigation:
    """Related stories (most shared tags), the stories just before and after this
    one, and the latest in its section, all published: in one query. `tag_ids`:
    the story's tags, when they are known without loading them.

    The query fetches the published stories whose id is in any of the wanted
    lists, each a subquery. Each list's true members are all in the result, and
    any other row ranks below them, so sorting and cutting in Python gives
    exactly each list. An unpublished story (an editor's preview) gets related
    stories only: it has no place in the sequence yet.
    """
    if tag_ids is None:
        tag_ids = [tag.pk for tag in article.tags.all()]  # prefetched by the view
    in_sequence = article.is_published()
    has_section = in_sequence and article.section_id is not None
    if not tag_ids and not in_sequence:
        return StoryNavigation()
    shape = ("story-navigation", len(tag_ids), in_sequence, has_section)
    using = router.db_for_read(Article)  # a replica for public pages, if any
    query = prepared(
        shape,
        lambda: _navigation_query(
            len(tag_ids), in_sequence, has_section, connections[using]
        ),
        using=using,
    )
    values = {
        "now": timezone.now(),
        "story": article.pk,
        "article_type": ContentType.objects.get_for_model(Article).pk,
        **{f"tag{i}": tag_id for i, tag_id in enumerate(tag_ids)},
    }
    if in_sequence:
        values["when"] = article.published_at
    if has_section:
        values["section"] = article.section_id
    stories = [_listed_story(row, using) for row in query.rows(**values)]
    navigation = StoryNavigation(
        related=_top(
            [s for s in stories if s.shared_tags],
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
            [s for s in stories if has_section and s.section_id == article.section_id],
            key=_key,
            limit=MORE_IN_SECTION,
        )
    return navigation


def _navigation_query(tag_count: int, in_sequence: bool, has_section: bool, connection):
    """The navigation query for one shape, with Params for every value: compiled
    once per process (newsroom/prepared.py), so a page pays for running it, not for
    building it (docs/architecture.md, "The speed code")."""
    now = Param("now", DateTimeField())

    def published_stories(**bound):
        # Published stories but this one. SQLite seeks an index to the first bound
        # on a column in the WHERE: a list's own bound goes before published()'s
        # "published_at <= now", which made "previous" walk every newer story.
        return (
            Article.objects.filter(**bound)
            .published(now=now)
            .exclude(pk=Param("story", BigIntegerField()))
        )

    published = published_stories()
    tag_ids = [Param(f"tag{i}", IntegerField()) for i in range(tag_count)]
    taggings = TaggedItem.objects.filter(
        content_type=Param("article_type", IntegerField())
    )
    # How many of this story's tags a story (OuterRef) carries: a correlated
    # count on taggit's (content type, object, tag) index, no join, no GROUP BY.
    shared_tags = Coalesce(
        Subquery(
            taggings.filter(
                reduce(operator.or_, (Q(tag_id=tag_id) for tag_id in tag_ids), Q()),
                object_id=OuterRef("pk"),
            )
            .order_by()
            .values("object_id")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
        output_field=IntegerField(),
    )
    wanted = []
    if tag_ids:
        # Ranked among the newest taggings of each shared tag (a bounded set, read
        # backwards from taggit's index), not every story sharing a popular tag.
        candidates = _pk_in_any(
            [
                taggings.filter(tag_id=tag_id)
                .order_by("-object_id")
                .values("object_id")[:RELATED_CANDIDATES_PER_TAG]
                for tag_id in tag_ids
            ],
            connection,
        )
        related = (
            published.filter(candidates)
            .annotate(shared=shared_tags)
            .order_by("-shared", "-published_at", "-pk")
        )
        wanted.append(related.values("pk")[:RELATED])
    if in_sequence:
        when, story = Param("when", DateTimeField()), Param("story", BigIntegerField())
        # The plain bound (<= / >=) lets the index seek to this story's time; the
        # OR that breaks ties alone made PostgreSQL walk every older story.
        earlier = (
            published_stories(published_at__lte=when)
            .filter(Q(published_at__lt=when) | Q(published_at=when, pk__lt=story))
            .order_by("-published_at", "-pk")
        )
        later = (
            published_stories(published_at__gte=when)
            .filter(Q(published_at__gt=when) | Q(published_at=when, pk__gt=story))
            .order_by("published_at", "pk")
        )
        wanted.append(earlier.values("pk")[:1])
        wanted.append(later.values("pk")[:1])
    if has_section:
        latest = published.filter(section=Param("section", BigIntegerField())).order_by(
            "-published_at", "-pk"
        )
        wanted.append(latest.values("pk")[:MORE_IN_SECTION])
    # Every list above holds published stories only.
    stories = Article.objects.filter(_pk_in_any(wanted, connection))
    if tag_ids:
        stories = stories.annotate(shared_tags=shared_tags)
    else:
        stories = stories.annotate(shared_tags=Value(0))
    return stories.values_list(*_STORY_COLUMNS, *_SECTION_COLUMNS, "shared_tags")


def _in_model_order(model, names):
    # Model.from_db() takes the loaded fields in the model's own field order.
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname in names)


# What the navigation lists show of a story (no body): what its headline tag covers.
_STORY_COLUMNS = _in_model_order(Article, HEADLINE_FIELDS)
_SECTION_FIELDS = _in_model_order(Section, {"id", "name", "slug"})
_SECTION_COLUMNS = tuple(f"section__{name}" for name in _SECTION_FIELDS)


def _listed_story(row, using: str) -> Article:
    story_end = len(_STORY_COLUMNS)
    section_end = story_end + len(_SECTION_COLUMNS)
    story = Article.from_db(using, _STORY_COLUMNS, row[:story_end])
    if story.section_id is not None:
        story.section = Section.from_db(
            using, _SECTION_FIELDS, row[story_end:section_end]
        )
    story.shared_tags = row[section_end]
    return story
