"""A list's cards show each story's comment count. The list stays cached while
comments are approved, and every response, hit or miss, shows the current count
(articles/cards.py, newsroom/liveslots.py). Run on local memory and on Redis."""

import pytest
from django.test import Client

from tests.support import pagecache as pagecache_fixtures
from tests.support.factories import make_article, make_comment, make_section

pytestmark = [pytest.mark.django_db, pagecache_fixtures.needs_comments]

page_cache_on = pagecache_fixtures.page_cache_on
commit = pagecache_fixtures.commit
missed_bump_check_not_due = pagecache_fixtures.missed_bump_check_not_due


@pytest.fixture
def story():
    return make_article(
        headline="Derby ends level", section=make_section(name="Sport", slug="sport")
    )


def held(story, text="What a match."):
    from comments.models import Comment

    return make_comment(story, content=text, status=Comment.Status.PENDING)


LISTS = ["/", "/section/sport/"]


def count_link(story, n: int) -> bytes:
    word = "comment" if n == 1 else "comments"
    return f'<a href="{story.get_absolute_url()}#comments">{n} {word}</a>'.encode()


def test_the_count_on_a_cached_list_follows_approvals_both_ways(story, commit):
    comment = held(story)
    reader = Client()
    for url in LISTS:
        reader.get(url)
        first = reader.get(url)
        assert first["X-Page-Cache"] == "hit"
        assert b"#comments" not in first.content  # no comments: no count

    commit(lambda: comment.approve(by=None))
    for url in LISTS:
        page = reader.get(url)
        assert page["X-Page-Cache"] == "hit", "an approval re-rendered a list"
        assert count_link(story, 1) in page.content

    commit(lambda: comment.unapprove(by=None))
    for url in LISTS:
        page = reader.get(url)
        assert page["X-Page-Cache"] == "hit"
        assert b"#comments" not in page.content


def test_a_served_list_reads_exactly_as_a_full_render(story, commit, settings):
    make_comment(story)
    comment = held(story, "Second thoughts.")
    reader = Client()
    reader.get("/")
    commit(lambda: comment.approve(by=None))
    served = reader.get("/")
    assert served["X-Page-Cache"] == "hit"
    assert count_link(story, 2) in served.content

    settings.PAGE_CACHE_SECONDS = 0
    rendered = Client().get("/")
    assert served.content == rendered.content
    assert b"\x00" not in served.content  # no mark reaches a reader


def test_a_changed_count_changes_the_etag_and_length(story, commit):
    comment = held(story)
    reader = Client()
    reader.get("/")
    before = reader.get("/")
    assert reader.get("/", HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304

    commit(lambda: comment.approve(by=None))
    after = reader.get("/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200, "a browser kept the old count"
    assert count_link(story, 1) in after.content
    assert after["ETag"] != before["ETag"]
    assert int(after["Content-Length"]) == len(after.content)
    assert "Last-Modified" not in after  # the page changes after it was stored

    head = reader.head("/")
    assert head["X-Page-Cache"] == "hit"
    assert head.content == b""
    assert head["Content-Length"] == after["Content-Length"]


def test_a_count_is_read_once_for_every_list_that_shows_it(
    story, commit, django_assert_num_queries, missed_bump_check_not_due
):
    comment = held(story)
    reader = Client()
    for url in LISTS:
        reader.get(url)
    with django_assert_num_queries(0):
        for url in LISTS:
            assert reader.get(url)["X-Page-Cache"] == "hit"

    commit(lambda: comment.approve(by=None))
    with django_assert_num_queries(1):  # the new count, once
        for url in LISTS:
            page = reader.get(url)
            assert page["X-Page-Cache"] == "hit"
            assert count_link(story, 1) in page.content


def test_a_list_with_many_stories_reads_their_counts_in_one_query(
    story, commit, django_assert_num_queries, missed_bump_check_not_due
):
    others = [make_article(headline=f"Story {n}") for n in range(12)]
    pending = [held(other, f"On story {n}.") for n, other in enumerate(others)]
    reader = Client()
    reader.get("/")

    def approve_all():
        for comment in pending:
            comment.approve(by=None)

    commit(approve_all)
    with django_assert_num_queries(1):
        page = reader.get("/")
    assert page["X-Page-Cache"] == "hit"
    assert page.content.count(b">1 comment</a>") == 12


def test_a_staff_member_sees_the_count_without_any_mark(story, admin_client):
    make_comment(story)
    page = admin_client.get("/")
    assert "X-Page-Cache" not in page
    assert count_link(story, 1) in page.content
    assert b"\x00" not in page.content
