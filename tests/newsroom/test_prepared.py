"""newsroom/prepared.py gives the rows the plain ORM gives (docs/architecture.md,
"The speed code"): a query compiled once with Param placeholders, run with new
values, must return what the same query built with those values as a plain
queryset returns, in the same order and as the same Python values (aware
datetimes, booleans, JSON), every time it is reused."""

from contextlib import contextmanager
from datetime import date, timedelta
from unittest import mock

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.db import connections
from django.db.models import BigIntegerField, Count, DateTimeField, Q, Value
from django.utils import timezone

from articles import fragments, navigation
from articles.models import Article, Byline, Correction, Quote
from comments.models import DiscussionSettings
from comments.notifications import _moderator_emails_query, moderator_emails
from comments.thread import LIST_FIELDS, listed_query, listed_rows
from images.models import Image
from newsroom.prepared import Param, PreparedQuery, prepared
from tests.support.factories import (
    make_article,
    make_author,
    make_comment,
    make_draft,
    make_library_image,
    make_section,
)

pytestmark = pytest.mark.django_db


def _types(rows):
    return [[type(value) for value in row] for row in rows]


def _assert_same_rows(fast, plain):
    fast = [tuple(row) for row in fast]
    plain = [tuple(row) for row in plain]
    assert fast == plain
    assert _types(fast) == _types(plain)  # same conversions, not just equal values


# prepared() itself, on a small query.


SMALL_QUERY_FIELDS = [
    "pk",
    "headline",
    "published_at",
    "expires_at",
    "raw_html",
    "featured_image__renditions",
    "section__name",
]


def _small_query():
    return (
        Article.objects.published(now=Param("now", DateTimeField()))
        .filter(section=Param("section", BigIntegerField()))
        .values_list(*SMALL_QUERY_FIELDS)
    )


def _plain_small_query(section, now):
    return list(
        Article.objects.published(now=now)
        .filter(section=section)
        .values_list(*SMALL_QUERY_FIELDS)
    )


def library_image_with_renditions(renditions):
    image = make_library_image()
    Image.objects.filter(pk=image.pk).update(renditions=renditions)
    return image


def test_prepared_query_returns_the_plain_querysets_rows_for_each_value():
    now = timezone.now()
    harbour, weather = make_section(name="Harbour"), make_section(name="Weather")
    for hours in (1, 5, 30):
        make_article(
            section=harbour,
            published_at=now - timedelta(hours=hours),
            expires_at=now + timedelta(days=hours),
            raw_html=hours == 5,
            featured_image=library_image_with_renditions(
                [{"width": 640, "hours": hours}]
            ),
        )
    make_article(section=weather, published_at=now - timedelta(minutes=3))
    make_article(section=weather, published_at=now + timedelta(hours=2))  # scheduled
    make_article(section=harbour, expires_at=now - timedelta(minutes=1))  # expired
    builds = []

    def build():
        builds.append(1)
        return _small_query()

    shape = ("test-prepared", "small")
    query = prepared(shape, build)
    for section, moment in [
        (harbour, now),
        (weather, now),
        (harbour, now - timedelta(hours=3)),
        (weather, now + timedelta(hours=3)),  # the scheduled story is due then
    ]:
        fast = query.rows(section=section.pk, now=moment)
        plain = _plain_small_query(section.pk, moment)
        assert plain  # a comparison of two empty lists would prove nothing
        _assert_same_rows(fast, plain)
        assert all(timezone.is_aware(row[2]) for row in fast)
        assert prepared(shape, build) is query  # compiled once, reused
    assert len(builds) == 1
    # The two sections' rows differ: each call bound its own value.
    assert query.rows(section=harbour.pk, now=now) != query.rows(
        section=weather.pk, now=now
    )


def test_a_reused_prepared_query_sees_rows_written_since_it_was_compiled():
    section = make_section()
    now = timezone.now()
    make_article(section=section, published_at=now - timedelta(hours=2))
    query = prepared(("test-prepared", "small"), _small_query)
    first = query.rows(section=section.pk, now=now)
    _assert_same_rows(first, _plain_small_query(section.pk, now))
    make_article(section=section, published_at=now - timedelta(minutes=1))
    second = query.rows(section=section.pk, now=now)
    _assert_same_rows(second, _plain_small_query(section.pk, now))
    assert len(second) == len(first) + 1


# The article page's navigation query.


@contextmanager
def _recorded_navigation_queries():
    """Every run of a prepared query during the block: (query, values, rows)."""
    calls = []
    original = PreparedQuery.rows

    def rows(self, **values):
        result = original(self, **values)
        calls.append((self, dict(values), [list(row) for row in result]))
        return result

    with mock.patch.object(PreparedQuery, "rows", rows):
        yield calls


def _plain_navigation_rows(query: PreparedQuery, values: dict):
    """The navigation query of the same shape, built as a plain queryset with the
    concrete values where the prepared one has Params, run by the ORM."""
    tag_count = sum(1 for name in values if name.startswith("tag"))
    in_sequence, has_section = "when" in values, "section" in values

    def concrete(name, output_field):
        return Value(values[name], output_field=output_field)

    with mock.patch.object(navigation, "Param", concrete):
        queryset = navigation._navigation_query(
            tag_count, in_sequence, has_section, connections[query.using]
        )
    return list(queryset)


def _check_navigation(article):
    """Run the page's navigation for `article`; compare each prepared run with the
    plain queryset's rows. Returns the navigation and the prepared query used."""
    article = Article.objects.prefetch_related("tags").get(pk=article.pk)
    with _recorded_navigation_queries() as calls:
        result = navigation.story_navigation(article)
    assert len(calls) == 1
    query, values, fast = calls[0]
    # The values bound are this visit's own.
    assert values["story"] == article.pk
    assert values.get("when") == (
        article.published_at if article.is_published() else None
    )
    assert values.get("section") == (
        article.section_id if article.is_published() and article.section_id else None
    )
    assert abs(values["now"] - timezone.now()) < timedelta(seconds=5)
    plain = _plain_navigation_rows(query, values)
    _assert_same_rows(fast, plain)
    published_at = navigation._STORY_COLUMNS.index("published_at")
    assert all(timezone.is_aware(row[published_at]) for row in fast)
    return result, query, fast


def _story(hours_ago, **fields):
    return make_article(
        published_at=timezone.now() - timedelta(hours=hours_ago), **fields
    )


def test_navigation_rows_match_the_plain_queryset_across_stories_and_shapes():
    ferries, weather = make_section(name="Ferries"), make_section(name="Weather")
    stories = [
        _story(50, section=ferries, tags=["Harbour", "Ferries"]),
        _story(40, section=weather, tags=["Harbour"]),
        _story(30, section=ferries, tags=["Ferries", "Harbour", "Storms"]),
        _story(20, section=None, tags=["Storms"]),
        _story(10, section=weather),
        _story(
            5,
            section=ferries,
            tags=["Ferries"],
            expires_at=timezone.now() + timedelta(days=1),
        ),
        _story(1, section=None),
    ]
    _story(3, section=ferries, expires_at=timezone.now() - timedelta(hours=1))
    _story(-2, section=ferries, tags=["Ferries"])  # scheduled
    preview = make_draft(section=ferries, tags=["Harbour", "Ferries"])
    for article in [*stories, preview]:
        _, _, rows = _check_navigation(article)
        assert rows  # every one has neighbours, related stories or both


def test_navigation_rows_stay_right_as_the_clock_moves_and_stories_are_published():
    section = make_section()
    first = _story(30, section=section, tags=["Harbour"])
    second = _story(20, section=section, tags=["Harbour"])
    _, query, rows = _check_navigation(second)
    soon = _story(-1, section=section, tags=["Harbour"])  # an hour from now
    _, again, rows_now = _check_navigation(second)
    assert again is query  # the reuse path: the same compiled query
    assert soon.pk not in {row[0] for row in rows_now}
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        _, again, rows_later = _check_navigation(second)
        assert again is query
        assert soon.pk in {row[0] for row in rows_later}
        _check_navigation(first)
    later = _story(5, section=section, tags=["Harbour"])
    navigation_now, again, rows_after = _check_navigation(second)
    assert again is query
    assert later.pk in {row[0] for row in rows_after}
    assert navigation_now.next == later
    assert rows != rows_after


def _plain_navigation(article, now):
    """What the navigation lists are, by the plain ORM one list at a time."""
    published = Article.objects.published(now=now).exclude(pk=article.pk)
    tag_ids = [tag.pk for tag in article.tags.all()]
    related = list(
        published.filter(tags__in=tag_ids)
        .annotate(shared=Count("tags"))
        .order_by("-shared", "-published_at", "-pk")[: navigation.RELATED]
    )
    if not article.is_published():
        return None, None, [], related
    when, pk = article.published_at, article.pk
    previous = (
        published.filter(Q(published_at__lt=when) | Q(published_at=when, pk__lt=pk))
        .order_by("-published_at", "-pk")
        .first()
    )
    following = (
        published.filter(Q(published_at__gt=when) | Q(published_at=when, pk__gt=pk))
        .order_by("published_at", "pk")
        .first()
    )
    more = []
    if article.section_id:
        more = list(
            published.filter(section=article.section_id).order_by(
                "-published_at", "-pk"
            )[: navigation.MORE_IN_SECTION]
        )
    return previous, following, more, related


def test_navigation_lists_are_what_plain_querysets_give():
    sections = [make_section(), make_section()]
    moment = timezone.now() - timedelta(hours=7)
    stories = [
        _story(
            60 - 4 * n,
            section=sections[n % 2] if n % 3 else None,
            tags=["Harbour", "Ferries", "Storms"][: n % 4],
        )
        for n in range(12)
    ]
    stories += [make_article(published_at=moment, tags=["Harbour"]) for _ in range(3)]
    stories.append(make_draft(tags=["Ferries", "Storms"]))
    for article in stories:
        article = Article.objects.prefetch_related("tags").get(pk=article.pk)
        result = navigation.story_navigation(article)
        previous, following, more, related = _plain_navigation(article, timezone.now())
        assert result.previous == previous
        assert result.next == following
        assert result.more_in_section == more
        assert result.related == related
        assert [s.shared_tags for s in result.related] == [s.shared for s in related]


# The moderator lookup of comment posting (no parameters, compiled once).


def test_moderator_lookup_matches_the_plain_queryset_and_the_permission_rules(
    django_user_model,
):
    permission = Permission.objects.get(
        content_type__app_label="comments", codename="moderate_comment"
    )
    moderators = Group.objects.create(name="Test moderators")
    moderators.permissions.add(permission)
    make_user = django_user_model.objects.create_user
    django_user_model.objects.create_superuser("boss", "boss@example.com", "pw")
    make_user("direct", "direct@example.com", "pw").user_permissions.add(permission)
    make_user("grouped", "Grouped@Example.com", "pw").groups.add(moderators)
    make_user("both", "both@example.com", "pw").groups.add(moderators)
    django_user_model.objects.get(username="both").user_permissions.add(permission)
    make_user("reader", "reader@example.com", "pw")
    make_user("gone", "gone@example.com", "pw", is_active=False).groups.add(moderators)
    make_user("silent", "", "pw").user_permissions.add(permission)

    def expected():
        return sorted(
            user.email
            for user in django_user_model.objects.all()
            if user.is_active
            and user.email
            and user.has_perm("comments.moderate_comment")
        )

    def compare():
        fast = prepared("moderator-emails", _moderator_emails_query).rows()
        plain = list(_moderator_emails_query())
        assert sorted(map(tuple, fast)) == sorted(plain)
        assert moderator_emails() == expected()

    compare()
    assert moderator_emails() == [
        "Grouped@example.com",  # create_user() lower-cases the domain
        "boss@example.com",
        "both@example.com",
        "direct@example.com",
    ]
    # Reused after the users change: the compiled query reads today's rows.
    make_user("newcomer", "new@example.com", "pw").groups.add(moderators)
    django_user_model.objects.filter(username="direct").update(is_active=False)
    compare()
    assert "new@example.com" in moderator_emails()
    assert "direct@example.com" not in moderator_emails()


# A story's page: its comment thread, and its row when the page is rebuilt
# (articles/fragments.py).


def test_a_storys_comment_rows_match_the_plain_queryset_in_both_shapes():
    now = timezone.now()
    story, other = make_article(), make_article()
    first = make_comment(
        story, author_url="https://ann.example/?a=1&b=2", created_at=now
    )
    make_comment(story, parent=first, author_name="", created_at=now)  # same time
    make_comment(story, content="Earlier <b>bold</b>.", created_at=now - timedelta(1))
    make_comment(story, status="pending")
    make_comment(other)

    def compare():
        for article in (story, other):
            for with_discussion in (False, True):
                fast = listed_rows(article.pk, with_discussion=with_discussion)
                plain = list(listed_query(article, with_discussion))
                assert plain
                _assert_same_rows(fast, plain)

    compare()  # the settings never saved: their JSON is NULL
    DiscussionSettings(require_name_email=False, comment_order="desc").save()
    compare()
    rows = listed_rows(story.pk, with_discussion=True)
    assert [row[-1]["require_name_email"] for row in rows] == [False] * 3
    created = LIST_FIELDS.index("created_at")
    assert all(timezone.is_aware(row[created]) for row in rows)


def test_a_kept_pages_story_row_matches_the_plain_queryset():
    now = timezone.now()
    stories = [
        make_article(expires_at=now + timedelta(days=2), allow_comments=False),
        make_article(published_at=now + timedelta(hours=1)),  # scheduled
        make_draft(),
    ]
    query = prepared("kept-page-story", fragments.story_query)
    for story in stories:
        plain = list(
            Article.objects.filter(pk=story.pk).values_list(*fragments.STORY_COLUMNS)
        )
        _assert_same_rows(query.rows(pk=story.pk), plain)
    assert query.rows(pk=max(s.pk for s in stories) + 1) == []


# A story's relations on its page (articles/models/relations.py).


def _fields(obj):
    """An instance's loaded values, with their types, and what it keeps cached."""
    values = {k: (v, type(v)) for k, v in vars(obj).items() if k != "_state"}
    return type(obj), values, sorted(obj._state.fields_cache)


def _relations(story):
    return {
        "bylines": [
            (_fields(byline), _fields(byline.author), byline.article is story)
            for byline in story.bylines.all()
        ],
        "quotes": [
            (_fields(quote), quote.article is story) for quote in story.quotes.all()
        ],
        "tags": [_fields(tag) for tag in story.tags.all()],
        "corrections": [
            (_fields(note), note.article is story) for note in story.corrections.all()
        ],
        "authors": [author.pk for author in story.byline_list],
    }


def _story_with_everything(**fields):
    staff = [make_author(name=name) for name in ("Ann Ray", "Bo Li", "Cy Dahl")]
    story = make_article(
        tags=["Harbour", "Ferries", "Storms"],
        authors=[staff[2], staff[0], staff[1]],
        quotes=[
            {"text": "We sail at noon.", "speaker": "Ida Mayor"},
            {
                "text": "Not today.",
                "speaker": "Coast Guard",
                "said_on": date(2026, 3, 1),
            },
            {"text": "Perhaps tomorrow.", "speaker": "Ida Mayor"},
        ],
        **fields,
    )
    Byline.objects.filter(article=story, author=staff[1]).update(position=0)
    for days, kind in ((3, "update"), (1, "correction"), (3, "clarification")):
        Correction.objects.create(
            article=story,
            kind=kind,
            text=f"A {kind}.",
            noted_at=timezone.now() - timedelta(days=days),
        )
    return story


def test_one_storys_relations_are_what_djangos_prefetch_gives(
    django_assert_num_queries,
):
    stories = [
        _story_with_everything(),
        _story_with_everything(section=make_section()),
        make_article(),  # nothing hangs off it
    ]
    for story in stories:
        with django_assert_num_queries(5):  # the story, then one per relation
            fast = Article.objects.for_detail().get(pk=story.pk)
            fast_relations = _relations(fast)
        # Two stories at once: Django's prefetch_related() does the work.
        plain = {
            s.pk: s
            for s in Article.objects.for_detail().filter(
                pk__in=[story.pk, stories[0].pk]
            )
        }[story.pk]
        assert fast_relations == _relations(plain)
        # Asked again, the relations chain as Django's prefetched ones do.
        assert list(fast.tags.order_by("name")) == list(plain.tags.order_by("name"))
        assert list(fast.bylines.values_list("author__name", flat=True)) == list(
            plain.bylines.values_list("author__name", flat=True)
        )
    assert _relations(Article.objects.for_detail().get(pk=stories[0].pk))["quotes"]


def test_one_storys_values_and_dates_skip_the_relations_as_django_does():
    story = _story_with_everything()
    one = Article.objects.for_detail().filter(pk=story.pk)
    assert list(one.values_list("headline", flat=True)) == [story.headline]
    assert list(one.values("pk")) == [{"pk": story.pk}]
    assert len(one.dates("published_at", "day")) == 1


def test_a_storys_relations_read_todays_rows_though_their_queries_are_reused():
    story = _story_with_everything()
    before = _relations(Article.objects.for_detail().get(pk=story.pk))
    story.tags.add("Tides")
    Quote.objects.create(article=story, number=4, text="Low water.", speaker="Ida")
    Correction.objects.filter(article=story).delete()
    after = _relations(Article.objects.for_detail().get(pk=story.pk))
    assert len(after["tags"]) == len(before["tags"]) + 1
    assert len(after["quotes"]) == len(before["quotes"]) + 1
    assert after["corrections"] == []
    other = _story_with_everything()
    assert Article.objects.for_detail().get(pk=other.pk).bylines.all()[
        0
    ].article_id == (other.pk)


# A story's page: the live story at its address, by a prepared query
# (articles/pages.py).


def test_the_story_at_an_address_matches_the_plain_queryset():
    from articles.pages import STORY_RELATIONS, live_story

    now = timezone.now()
    section = make_section(name="Politics", slug="politics")
    live = make_article(
        headline="Live",
        slug="same",
        section=section,
        authors=[make_author(name="Ann", slug="ann")],
        tags=["harbour", "bridges"],
        quotes=[{"text": "Open.", "speaker": "The Mayor"}],
        published_at=now - timedelta(days=1),
    )
    expired = make_article(slug="gone", expires_at=now - timedelta(minutes=1))
    scheduled = make_article(slug="soon", published_at=now + timedelta(minutes=5))
    draft = make_draft(slug="draft")

    def plain(day, slug):
        query = Article.objects.for_detail().published().on_day(day)
        return query.filter(slug=slug).first()

    live_day = timezone.localdate(live.published_at)
    found = live_story(live_day, "same")
    expected = plain(live_day, "same")
    assert found == expected == live
    assert found.section.name == "Politics"
    for name in STORY_RELATIONS:
        assert [repr(o) for o in getattr(found, name).all()] == [
            repr(o) for o in getattr(expected, name).all()
        ], name
    assert live_story(live_day + timedelta(days=1), "same") is None
    for story in (expired, scheduled, draft):
        day = timezone.localdate(story.published_at or now)
        assert plain(day, story.slug) is None
        assert live_story(day, story.slug) is None
