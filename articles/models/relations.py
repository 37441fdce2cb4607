"""What hangs off a story on its cards and its page (bylines with their authors,
quotes, tags, corrections), loaded for one story by prepared queries.

Django's prefetch builds and compiles a queryset per relation on every request,
~0.4 ms each, for SQL that takes a few hundredths of that. The querysets ask for
these relations with StoryRelation lookups. A queryset that loaded one story (its
page) runs one query per relation compiled once per process (newsroom/prepared.py)
and keeps the rows on the story exactly where Django's prefetch keeps them; for
several stories (lists, iterator()), Django's prefetch does the work, to which a
StoryRelation is an ordinary Prefetch. Why and by how much: docs/architecture.md,
"The speed code".
"""

from django.db import connections, router
from django.db.models import BigIntegerField, IntegerField, Prefetch, QuerySet
from taggit.models import Tag

from articles.models.people import Byline
from articles.models.quotes import Quote
from newsroom.prepared import Param, prepared

STORY = "story"


def _bylines():
    return Byline.objects.select_related("author")


def _quotes():
    # Quote's default ordering goes through the article, a join one story's quotes
    # don't need.
    return Quote.objects.order_by("number")


# Each relation and the queryset its prefetch uses (None: the relation's own).
QUERYSETS = {"bylines": _bylines, "quotes": _quotes, "tags": None, "corrections": None}


class StoryRelation(Prefetch):
    """Prefetch a story's relation (a QUERYSETS key), by a prepared query when a
    queryset loads one story."""

    def __init__(self, name: str):
        queryset = QUERYSETS[name]
        super().__init__(name, queryset=queryset() if queryset else None)


def _tags_query(article_model, using: str) -> QuerySet:
    """What taggit's prefetch asks (taggit/managers.py, get_prefetch_querysets()),
    with the story's id a Param: the same SQL, so the tags come in the same order
    (it asks for none)."""
    through = article_model._meta.get_field("tags").through
    relation = through.tag_relname()
    meta = article_model._meta.concrete_model._meta
    quote = connections[using].ops.quote_name
    story_column = through._meta.get_field("object_id").column
    return (
        Tag.objects.filter(
            **{
                f"{relation}__content_type__app_label": meta.app_label,
                f"{relation}__content_type__model": meta.model_name,
                f"{relation}__object_id__in": [Param(STORY, IntegerField())],
            }
        )
        .distinct()
        .order_by()
        .extra(
            select={
                "_prefetch_related_val": (
                    f"{quote(through._meta.db_table)}.{quote(story_column)}"
                )
            }
        )
    )


def _query(story, relation: StoryRelation):
    name = relation.prefetch_to
    model = type(story)
    if name == "tags":
        using = router.db_for_read(model, instance=story)
        return prepared(
            ("story-relation", name), lambda: _tags_query(model, using), using
        )
    field = model._meta.get_field(name).field  # the relation's foreign key
    using = router.db_for_read(field.model, instance=story)

    def build():
        queryset = relation.queryset
        if queryset is None:
            queryset = field.model._default_manager.all()
        return queryset.filter(**{field.name: Param(STORY, BigIntegerField())})

    return prepared(("story-relation", name), build, using)


def _keep(story, relation: StoryRelation, found: list) -> None:
    """Keep the rows where Django's prefetch_one_level() keeps them."""
    name = relation.prefetch_to
    manager = getattr(story, name)
    if name != "tags":
        # Django's reverse prefetch sets each row's link back to the story.
        link = type(story)._meta.get_field(name).field.name
        for obj in found:
            setattr(obj, link, story)
    if relation.queryset is not None:
        queryset = manager._apply_rel_filters(relation.queryset)
    else:
        queryset = manager.get_queryset()
    queryset._result_cache = found
    queryset._prefetch_done = True
    story._prefetched_objects_cache[name] = queryset


def load_for_one(story, lookups) -> list:
    """Load the StoryRelation lookups of `lookups` for this one story; return the
    lookups left for Django's prefetch."""
    rest = []
    if not hasattr(story, "_prefetched_objects_cache"):
        story._prefetched_objects_cache = {}
    for lookup in lookups:
        if not isinstance(lookup, StoryRelation):
            rest.append(lookup)
        elif lookup.prefetch_to not in story._prefetched_objects_cache:
            found = _query(story, lookup).objects(**{STORY: story.pk})
            _keep(story, lookup, found)
    return rest
