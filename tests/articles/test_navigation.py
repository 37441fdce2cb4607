from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.navigation import public_tags, story_navigation
from tests.support.discovery import UNSEEN_KINDS, published_story, unseen_story
from tests.support.factories import make_article, make_section

pytestmark = pytest.mark.django_db


def story_at(hours_ago, **fields):
    return make_article(
        published_at=timezone.now() - timedelta(hours=hours_ago), **fields
    )


def test_previous_and_next_are_the_neighbouring_published_stories():
    first, middle, last = story_at(30), story_at(20), story_at(10)
    navigation = story_navigation(middle)
    assert navigation.previous == first
    assert navigation.next == last
    assert story_navigation(first).previous is None
    assert story_navigation(last).next is None


def test_stories_published_at_the_same_moment_still_have_an_order():
    moment = timezone.now() - timedelta(hours=1)
    a, b, c = (make_article(published_at=moment) for _ in range(3))
    assert story_navigation(b).previous == a
    assert story_navigation(b).next == c


def test_more_in_this_section_is_the_sections_latest_four_without_this_story():
    section, other = make_section(), make_section()
    olds = [story_at(100 + n, section=section) for n in range(3)]
    newest = [story_at(n + 1, section=section) for n in range(4)]
    story_at(0.5, section=other)
    navigation = story_navigation(olds[0])
    assert navigation.more_in_section == newest
    assert story_navigation(newest[0]).more_in_section == newest[1:] + [olds[0]]


def test_article_page_shows_previous_next_and_more_in_section(client):
    section = make_section(name="Ferries")
    before = story_at(30, headline="Earlier ferry", section=section)
    story = story_at(20, headline="This ferry", section=section)
    after = story_at(10, headline="Later ferry", section=make_section())
    html = client.get(story.get_absolute_url()).content.decode()
    assert f'href="{before.get_absolute_url()}" rel="prev"' in html
    assert f'href="{after.get_absolute_url()}" rel="next"' in html
    assert "More in Ferries" in html


def test_story_navigation_is_one_query():
    section = make_section()
    story = story_at(5, section=section, tags=["Harbour", "Ferries"])
    for n in range(6):
        story_at(n + 1, section=section, tags=["Harbour"])
        story_at(n + 10, section=section, tags=["Ferries", "Harbour"])
    story = Article.objects.prefetch_related("tags").get(pk=story.pk)
    with CaptureQueriesContext(connection) as queries:
        navigation = story_navigation(story)
    assert len(queries) == 1
    assert navigation.previous and navigation.next
    assert len(navigation.more_in_section) == 4
    assert len(navigation.related) == 4


def test_related_stories_rank_by_shared_tags_then_date():
    story = story_at(50, tags=["Harbour", "Ferries", "Weather"])
    one_tag_new = story_at(1, tags=["Harbour"])
    two_tags_old = story_at(40, tags=["Harbour", "Ferries"])
    three_tags = story_at(45, tags=["Harbour", "Ferries", "Weather"])
    one_tag_old = story_at(30, tags=["Weather"])
    story_at(2, tags=["Unrelated"])
    story_at(3, tags=["Harbour"], section=make_section())
    related = story_navigation(story).related
    assert related[:3] == [three_tags, two_tags_old, one_tag_new]
    assert one_tag_old not in related


def test_preview_of_a_draft_gets_related_stories_but_no_sequence():
    published = story_at(5, tags=["Harbour"])
    draft = unseen_story("draft", tags=["Harbour"])
    navigation = story_navigation(draft)
    assert navigation.related == [published]
    assert navigation.previous is None and navigation.next is None


@pytest.mark.parametrize("kind", UNSEEN_KINDS)
def test_unpublished_stories_are_never_neighbours_or_more_in_section(client, kind):
    section = make_section()
    before = story_at(30, section=section)
    story = story_at(20, section=section)
    unseen = unseen_story(kind, section=section)
    if kind == "review":  # placed right after `story` in time
        unseen.published_at = story.published_at + timedelta(minutes=1)
        unseen.save()
    navigation = story_navigation(story)
    assert navigation.next is None
    assert navigation.more_in_section == [before]
    assert (
        "zanzibar" not in client.get(story.get_absolute_url()).content.decode().lower()
    )


def test_scheduled_story_becomes_next_when_its_time_comes():
    story = story_at(1)
    scheduled = unseen_story("scheduled")
    assert story_navigation(story).next is None
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        assert story_navigation(story).next == scheduled


def test_tag_counts_include_published_stories_only():
    published_story(tags=["Harbour", "Ferries"])
    published_story(tags=["Harbour"])
    unseen_story("draft", tags=["Harbour"])
    unseen_story("scheduled", tags=["Harbour"])
    counts = {tag.name: tag.story_count for tag in public_tags()}
    assert counts == {"Harbour": 2, "Ferries": 1}


def test_tag_index_lists_public_tags_with_counts(client):
    published_story(tags=["Harbour", "Ferries"])
    published_story(tags=["Harbour"])
    html = client.get(reverse("articles:tags")).content.decode()
    assert (
        'href="/tag/harbour/" rel="tag">Harbour</a> <span class="meta">2</span>' in html
    )
    assert (
        'href="/tag/ferries/" rel="tag">Ferries</a> <span class="meta">1</span>' in html
    )


@pytest.mark.parametrize("kind", UNSEEN_KINDS)
def test_tag_used_only_on_an_unpublished_story_appears_nowhere(client, kind):
    published_story(tags=["Harbour"])
    unseen_story(kind)
    tag = f"zanzibar-{kind}"
    assert client.get(reverse("articles:tag", args=[tag])).status_code == 404
    for url in [
        reverse("articles:tags"),
        reverse("articles:home"),
        "/sitemap-tags.xml",
        reverse("articles:feed"),
    ]:
        assert tag not in client.get(url).content.decode(), url


def test_section_and_tag_pages_count_published_stories_only(client):
    section = make_section(slug="ferries")
    for _ in range(3):
        published_story(section=section, tags=["Boats"])
    unseen_story("review", section=section, tags=["Boats"])
    unseen_story("scheduled", section=section, tags=["Boats"])
    assert "3 stories" in client.get("/section/ferries/").content.decode()
    assert "3 stories" in client.get("/tag/boats/").content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_tag_index_queries_do_not_grow(
    client, django_assert_max_num_queries, count, settings, tmp_path
):
    settings.VAR_DIR = tmp_path  # the cache version file, away from other test runs
    for n in range(count):
        published_story(tags=["common", f"t{n}"])
    client.get(reverse("articles:tags"))  # warm the site-wide cached navigation
    with django_assert_max_num_queries(3):
        assert client.get(reverse("articles:tags")).status_code == 200


@pytest.mark.parametrize("url", ["/tag/%00/", "/author/%00/", "/tag/a%20b/"])
def test_impossible_tag_or_author_addresses_are_404(client, url):
    assert client.get(url).status_code == 404


def test_navigation_follows_the_clock_and_new_stories_though_its_query_is_reused():
    # The navigation SQL is compiled once per shape: each visit must still bind
    # its own story, its own time and see stories published since.
    section = make_section()
    first = story_at(30, section=section)
    second = story_at(20, section=section)
    assert story_navigation(first).next == second
    assert story_navigation(second).previous == first
    soon = story_at(-1, section=section)  # scheduled an hour from now
    assert story_navigation(second).next is None
    assert story_navigation(first).more_in_section == [second]
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert story_navigation(second).next == soon
        assert story_navigation(first).more_in_section == [soon, second]
    later = story_at(5, section=section)
    navigation = story_navigation(second)
    assert navigation.next == later
    assert navigation.next.section == section
    assert navigation.next.published_at == later.published_at


def test_navigation_lists_come_with_their_sections_in_one_query():
    section = make_section(name="Harbour")
    before, story = story_at(30, section=section), story_at(20, section=section)
    navigation = story_navigation(story)
    with CaptureQueriesContext(connection) as queries:
        names = [s.section.name for s in navigation.more_in_section]
        urls = [s.get_absolute_url() for s in navigation.more_in_section]
    assert names == ["Harbour"]
    assert urls == [before.get_absolute_url()]
    assert len(queries) == 0
