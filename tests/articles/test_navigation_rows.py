"""The navigation's hand-decoded rows (articles/navigation.py, `_listed_story()` with
Model.from_db()) are the instances the ORM would load: for every loaded field of
each Article and its Section, the same value (and type) as
`Article.objects.select_related("section").only(<the same fields>)` gives, the
same deferred fields, and the same get_absolute_url() and str()
(docs/architecture.md, "The speed code")."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.invalidation import HEADLINE_FIELDS
from articles.models import Article, Section
from articles.navigation import story_navigation
from tests.support.factories import make_article, make_draft, make_section

pytestmark = pytest.mark.django_db

SECTION_FIELDS = ("name", "slug")


def _orm_loaded(pks):
    """The plain ORM's instances with the listed fields, by id."""
    stories = Article.objects.select_related("section").only(
        *(HEADLINE_FIELDS - {"id", "section_id"}),
        "section",
        *(f"section__{name}" for name in SECTION_FIELDS),
    )
    return {story.pk: story for story in stories.filter(pk__in=pks)}


def _loaded_values(instance):
    deferred = instance.get_deferred_fields()
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.attname not in deferred
    }


def _assert_same_instance(decoded, loaded):
    assert type(decoded) is type(loaded)
    assert decoded.get_deferred_fields() == loaded.get_deferred_fields()
    decoded_values, loaded_values = _loaded_values(decoded), _loaded_values(loaded)
    assert decoded_values == loaded_values
    for name, value in decoded_values.items():
        assert type(value) is type(loaded_values[name]), name
        if hasattr(value, "tzinfo"):
            assert value.utcoffset() == loaded_values[name].utcoffset(), name
    assert decoded._state.db == loaded._state.db
    assert decoded._state.adding is loaded._state.adding is False
    assert str(decoded) == str(loaded)


def _decoded_stories(navigation):
    stories = [*navigation.related, *navigation.more_in_section]
    stories += [s for s in (navigation.previous, navigation.next) if s is not None]
    return stories


def _check(article):
    """Every story the navigation of `article` decoded equals the ORM's."""
    article = Article.objects.prefetch_related("tags").get(pk=article.pk)
    navigation = story_navigation(article)
    decoded = _decoded_stories(navigation)
    loaded = _orm_loaded({story.pk for story in decoded})
    tag_ids = {tag.pk for tag in article.tags.all()}
    tags_of = {
        story.pk: {tag.pk for tag in Article.objects.get(pk=story.pk).tags.all()}
        for story in decoded
    }
    with CaptureQueriesContext(connection) as queries:
        for story in decoded:
            orm = loaded[story.pk]
            _assert_same_instance(story, orm)
            assert story.get_absolute_url() == orm.get_absolute_url()
            assert story.section_id == orm.section_id
            if orm.section_id is None:
                assert story.section is None
            else:
                _assert_same_instance(story.section, orm.section)
                assert story.section.get_absolute_url() == (
                    orm.section.get_absolute_url()
                )
            assert story.shared_tags == len(tags_of[story.pk] & tag_ids)
    # Nothing decoded was lazily re-read from the database.
    assert len(queries) == 0
    return decoded


def _story(hours_ago, **fields):
    return make_article(
        published_at=timezone.now() - timedelta(hours=hours_ago), **fields
    )


def test_decoded_navigation_stories_equal_the_orms_instances_field_by_field():
    ferries = make_section(name="Ferries & Boats", slug="ferries")
    weather = make_section(name="Weather", slug="weather")
    unicode = make_section(name="Œuvres d’été", slug="oeuvres")
    stories = [
        _story(48, section=ferries, tags=["Harbour", "Ferries"]),
        _story(
            36,
            section=weather,
            tags=["Harbour"],
            headline="A <b>bold</b> & “quoted” headline",
            expires_at=timezone.now() + timedelta(days=3),
        ),
        _story(30, section=unicode, tags=["Ferries", "Harbour"], slug="ete-2026"),
        _story(24, section=None, tags=["Harbour", "Storms"]),
        _story(12, section=ferries, tags=["Storms"]),
        _story(6, section=weather, tags=["Ferries"]),
        _story(2, section=unicode),
        _story(1, section=ferries, tags=["Harbour"]),
    ]
    preview = make_draft(section=weather, tags=["Harbour", "Storms"])
    seen = set()
    for article in [*stories, preview]:
        decoded = _check(article)
        assert decoded
        seen |= {story.pk for story in decoded}
    # Every kind was decoded: with and without a section and an expiry.
    listed = Article.objects.filter(pk__in=seen)
    assert listed.filter(section__isnull=True).exists()
    assert listed.filter(expires_at__isnull=False).exists()
    assert len({s.section_id for s in listed if s.section_id}) == 3


def test_decoded_stories_match_near_midnight_in_the_site_time_zone(settings):
    # get_absolute_url() takes the day in the site's zone from published_at: a
    # decoded time in the wrong zone (or naive) would put the story on another day.
    section = make_section()
    zone = ZoneInfo(settings.TIME_ZONE)
    today = timezone.localdate() - timedelta(days=1)  # all of it in the past
    midnight = timezone.make_aware(
        timezone.datetime(today.year, today.month, today.day), zone
    )
    before = make_article(
        section=section, published_at=midnight - timedelta(minutes=1, microseconds=7)
    )
    after = make_article(section=section, published_at=midnight + timedelta(seconds=30))
    middle = make_article(section=section, published_at=midnight - timedelta(hours=3))
    decoded = _check(middle)
    assert {story.pk for story in decoded} >= {before.pk}
    assert after.pk in {story.pk for story in decoded}
    assert before.get_absolute_url() != after.get_absolute_url().replace(
        after.slug, before.slug
    )
    assert {story.pk for story in _check(before)} >= {middle.pk, after.pk}
    assert {story.pk for story in _check(after)} >= {before.pk, middle.pk}


def test_decoded_story_has_exactly_the_listed_fields_loaded():
    section = make_section()
    story = _story(3, section=section)
    other = _story(2, section=section)
    navigation = story_navigation(Article.objects.get(pk=story.pk))
    decoded = navigation.next
    assert decoded == other
    loaded = {f.attname for f in Article._meta.concrete_fields} - (
        decoded.get_deferred_fields()
    )
    assert loaded == HEADLINE_FIELDS
    section_loaded = {f.attname for f in Section._meta.concrete_fields} - (
        decoded.section.get_deferred_fields()
    )
    assert section_loaded == {"id", *SECTION_FIELDS}
