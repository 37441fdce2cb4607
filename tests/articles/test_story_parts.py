"""After a comment is approved, a story's page is built again from the page kept
but for its comment block (articles/fragments.py): the same markup as a full
render, for less work."""

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat, timezone

from articles.models import Article
from tests.support import pagecache as pagecache_fixtures
from tests.support.factories import (
    make_article,
    make_author,
    make_comment,
    make_draft,
    make_section,
)
from tests.support.users import user_in_group

pytestmark = [pytest.mark.django_db, pagecache_fixtures.needs_comments]

page_cache_on = pagecache_fixtures.page_cache_on
commit = pagecache_fixtures.commit


@pytest.fixture
def story():
    section = make_section(name="Politics", slug="politics")
    make_article(
        headline="Council meets",
        section=section,
        tags=["harbour"],
        published_at=timezone.now() - timedelta(days=1),
    )
    return make_article(
        headline="Harbour bridge reopens",
        section=section,
        authors=[make_author(name="Ann Reporter", slug="ann")],
        tags=["harbour"],
        quotes=[{"text": "It is open.", "speaker": "The Mayor"}],
        body="<p>Cars are back.</p><p>[quote 1]</p>",
    )


def full_render(client, url, query=None):
    """The page rendered from nothing: no page kept."""
    cache.clear()
    return client.get(url, query)


def markup(response) -> bytes:
    """The page, less the comment form's signed time stamp (it says when the form
    was rendered, so no two renders share it)."""
    return re.sub(rb'name="ts" value="[^"]*"', b'name="ts"', response.content)


def test_after_an_approval_the_page_is_the_full_render_with_the_new_comment(
    client, story, commit
):
    from comments.models import Comment

    url = story.get_absolute_url()
    make_comment(story, content="First!")
    client.get(url)
    held = make_comment(
        story, content="Second thoughts.", status=Comment.Status.PENDING
    )
    commit(lambda: held.approve(by=None))

    with CaptureQueriesContext(connection) as from_parts:
        rebuilt = client.get(url)
    assert rebuilt["X-Page-Cache"] == "miss"
    assert b"Second thoughts." in rebuilt.content
    assert b'"commentCount": 2' in rebuilt.content
    full = full_render(client, url)
    assert markup(rebuilt) == markup(full)
    # The story's bylines, tags, quotes, corrections and navigation were not read.
    with CaptureQueriesContext(connection) as in_full:
        full_render(client, url)
    assert len(from_parts) < len(in_full) - 4


def test_editing_the_story_renders_it_in_full_again(client, story, commit):
    url = story.get_absolute_url()
    client.get(url)

    def edit():
        story.body = "<p>Cyclists too.</p><p>[quote 1]</p>"
        story.save()

    commit(edit)
    response = client.get(url)
    assert b"Cyclists too." in response.content
    assert b"Cars are back." not in response.content
    assert markup(response) == markup(full_render(client, url))


def test_a_new_story_beside_it_updates_its_links(client, story, commit):
    url = story.get_absolute_url()
    client.get(url)
    newer = make_article(headline="Ferry timetable changes", tags=["harbour"])
    commit(lambda: newer.save())
    make_comment(story, content="Approved meanwhile.")  # a save: parts reused if fresh
    response = client.get(url)
    assert b"Ferry timetable changes" in response.content
    assert markup(response) == markup(full_render(client, url))


def test_a_story_at_the_address_that_is_no_longer_live_is_not_shown(
    client, story, commit
):
    url = story.get_absolute_url()
    client.get(url)

    def unpublish():
        story.status = Article.Status.DRAFT
        story.save()

    commit(unpublish)
    assert client.get(url).status_code == 404


def test_a_comment_that_quotes_the_count_markup_cannot_change_the_count(
    client, story, commit
):
    """The JSON-LD count is filled in on every render; text a reader wrote is not."""
    url = story.get_absolute_url()
    make_comment(story, content='"commentCount": 1')
    client.get(url)
    extra = make_comment(story, content="Another.", status="pending")
    commit(lambda: extra.approve(by=None))
    response = client.get(url)
    assert markup(response) == markup(full_render(client, url))


def test_the_rebuilt_page_reads_the_storys_row_once(client, story, commit):
    """Its comment count and the proof it is still live; what the comment block
    shows of the story comes from the same row, with no field read late."""
    from comments.models import Comment

    url = story.get_absolute_url()
    client.get(url)
    held = make_comment(
        story, content="Second thoughts.", status=Comment.Status.PENDING
    )
    commit(lambda: held.approve(by=None))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert b"Second thoughts." in response.content
    story_reads = [q["sql"] for q in queries if '"articles_' in q["sql"]]
    assert len(story_reads) == 1, story_reads


def test_a_moderator_unapproving_a_comment_hides_it_on_the_next_page(
    client, story, commit
):
    url = story.get_absolute_url()
    make_comment(story, content="Stays up.")
    rude = make_comment(story, content="A rude remark.")
    assert b"A rude remark." in client.get(url).content

    commit(lambda: rude.unapprove(by=None))
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert b"A rude remark." not in response.content
    assert b"Stays up." in response.content
    assert b'"commentCount": 1' in response.content
    assert markup(response) == markup(full_render(client, url))


def test_a_commenters_corrected_name_shows_on_the_next_page(client, story, commit):
    url = story.get_absolute_url()
    comment = make_comment(story, author_name="Jon Smtih", content="Well put.")
    client.get(url)

    def correct():
        comment.author_name = "Jon Smith"
        comment.save()

    commit(correct)
    response = client.get(url)
    assert b"Jon Smith" in response.content
    assert b"Smtih" not in response.content
    assert markup(response) == markup(full_render(client, url))


def test_a_reply_link_on_the_rebuilt_page_opens_the_reply_form(client, story, commit):
    from comments.models import Comment

    url = story.get_absolute_url()
    first = make_comment(story, author_name="Ann", content="First!")
    client.get(url)
    held = make_comment(story, content="Agreed.", status=Comment.Status.PENDING)
    commit(lambda: held.approve(by=None))

    response = client.get(url, {"replytocom": first.pk})
    assert b"Leave a Reply to Ann" in response.content
    assert f'name="parent" value="{first.pk}"'.encode() in response.content
    assert b"Agreed." in response.content
    assert markup(response) == markup(
        full_render(client, url, {"replytocom": first.pk})
    )


def test_the_discussion_settings_show_on_the_next_page(client, story, commit):
    """Names and emails made optional drop their asterisks; closing old stories'
    comments removes the form; each page is the full render's markup."""
    from comments.models import Comment, DiscussionSettings

    url = story.get_absolute_url()
    before = client.get(url).content
    assert before.count(b'<span class="required">*</span>') == 4  # 3 fields + note

    discussion = DiscussionSettings.load()
    discussion.require_name_email = False
    commit(discussion.save)
    optional = client.get(url)
    assert optional.content.count(b'<span class="required">*</span>') == 2
    held = make_comment(story, content="Anonymous view.", status=Comment.Status.PENDING)
    commit(lambda: held.approve(by=None))
    rebuilt = client.get(url)
    assert b"Anonymous view." in rebuilt.content
    assert markup(rebuilt) == markup(full_render(client, url))

    discussion.close_comments_for_old_articles = True
    discussion.close_comments_days_old = 0
    commit(discussion.save)
    closed = client.get(url)
    assert b"Comments are closed." in closed.content
    assert b'id="commentform"' not in closed.content
    assert markup(closed) == markup(full_render(client, url))


def test_a_moderators_message_is_on_their_own_page_only(
    client, story, commit, django_user_model
):
    """A moderator who approves in the admin and opens the story sees the admin's
    message there; the page kept from that render carries nothing of theirs."""
    from comments.models import Comment

    url = story.get_absolute_url()
    held = make_comment(story, content="Worth a read.", status=Comment.Status.PENDING)
    moderator = Client()
    moderator.force_login(user_in_group(django_user_model, "mod", "Moderator"))
    commit(
        lambda: moderator.post(
            reverse("admin:comments_comment_changelist"),
            {"action": "approve", "_selected_action": [held.pk]},
        )
    )

    own = moderator.get(url).content.decode()
    assert "1 comment approved." in own and "Worth a read." in own
    readers = client.get(url).content.decode()
    assert "Worth a read." in readers
    assert "1 comment approved." not in readers
    another = make_comment(story, content="Me too.", status=Comment.Status.PENDING)
    commit(lambda: another.approve(by=None))
    rebuilt = client.get(url)
    assert b"1 comment approved." not in rebuilt.content
    assert markup(rebuilt) == markup(full_render(client, url))


def test_a_page_rebuilt_after_midnight_shows_the_new_date(client, commit):
    from comments.models import Comment

    evening = datetime(2026, 3, 9, 23, 59, 30, tzinfo=timezone.get_current_timezone())
    morning = evening + timedelta(minutes=1)
    with time_machine.travel(evening, tick=False):
        story = make_article(published_at=evening - timedelta(hours=2))
        url = story.get_absolute_url()
        assert dateformat.format(evening, "l j F Y").encode() in client.get(url).content
    with time_machine.travel(morning, tick=False):
        held = make_comment(
            story, content="Good morning.", status=Comment.Status.PENDING
        )
        commit(lambda: held.approve(by=None))
        response = client.get(url)
        assert b"Good morning." in response.content
        assert dateformat.format(morning, "l j F Y").encode() in response.content
        assert markup(response) == markup(full_render(client, url))


def test_a_page_rendered_while_an_edit_commits_is_not_kept(
    client, story, commit, monkeypatch
):
    """The story's row is read, an editor's save commits, then the page renders
    from the old row: that page may be served, but kept, it would show the old
    text until the story's next edit."""
    from articles import pages
    from comments.models import Comment

    url = story.get_absolute_url()
    read_navigation = pages.story_navigation

    def edit_meanwhile(article):
        navigation = read_navigation(article)
        fresh = Article.objects.get(pk=story.pk)
        fresh.body = "<p>Cyclists too.</p><p>[quote 1]</p>"
        commit(fresh.save)
        return navigation

    monkeypatch.setattr(pages, "story_navigation", edit_meanwhile)
    assert b"Cars are back." in client.get(url).content  # rendered from the old row
    monkeypatch.undo()

    held = make_comment(story, content="Good news.", status=Comment.Status.PENDING)
    commit(lambda: held.approve(by=None))
    response = client.get(url)
    assert b"Good news." in response.content
    assert b"Cyclists too." in response.content
    assert b"Cars are back." not in response.content


def _reads(queries, table: str) -> list[str]:
    return [q["sql"] for q in queries if f'"{table}"' in q["sql"]]


def _publish(story):
    story.status = Article.Status.PUBLISHED
    story.published_at = timezone.now()
    story.save()


def test_a_story_published_beside_it_rebuilds_its_links_alone(client, story, commit):
    """More in the section and related change; the story's own parts (body, quotes,
    bylines, tags, corrections) are not read again, and the new links are kept."""
    from comments.models import Comment

    url = story.get_absolute_url()
    client.get(url)
    newer = make_draft(
        headline="Ferry timetable changes", section=story.section, tags=["harbour"]
    )
    commit(lambda: _publish(newer))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert (
        response.content.count(b"Ferry timetable changes") == 3
    )  # next, more, related
    for part in ("articles_quote", "articles_byline", "articles_correction"):
        assert not _reads(queries, part), part
    assert markup(response) == markup(full_render(client, url))

    client.get(url)  # kept again, with the new links
    held = make_comment(story, content="Good news.", status=Comment.Status.PENDING)
    commit(lambda: held.approve(by=None))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert b"Good news." in response.content
    assert b"Ferry timetable changes" in response.content
    assert not _reads(queries, "taggit_taggeditem"), "the links were read again"
    assert markup(response) == markup(full_render(client, url))


def test_a_neighbour_retitled_shows_its_new_headline(client, story, commit):
    url = story.get_absolute_url()
    client.get(url)
    council = Article.objects.get(headline="Council meets")

    def retitle():
        council.headline = "Council meets in public"
        council.save()

    commit(retitle)
    response = client.get(url)
    assert b"Council meets in public" in response.content
    assert markup(response) == markup(full_render(client, url))


def test_links_read_while_a_story_is_published_beside_it_are_not_kept(
    client, story, commit, monkeypatch
):
    """The kept page's links are read again, and a publish commits before they
    render: they may be served, but kept, they would hide the new story."""
    from articles import fragments
    from comments.models import Comment

    url = story.get_absolute_url()
    client.get(url)
    retitled = Article.objects.get(headline="Council meets")
    retitled.headline = "Council meets again"
    commit(retitled.save)  # the links must be read again
    newer = make_draft(headline="Ferry timetable changes", section=story.section)
    read_navigation = fragments.story_navigation

    def publish_meanwhile(article, tag_ids=None):
        links = read_navigation(article, tag_ids=tag_ids)
        commit(lambda: _publish(newer))
        return links

    monkeypatch.setattr(fragments, "story_navigation", publish_meanwhile)
    assert b"Ferry timetable changes" not in client.get(url).content
    monkeypatch.undo()

    held = make_comment(story, content="Good news.", status=Comment.Status.PENDING)
    commit(lambda: held.approve(by=None))
    response = client.get(url)
    assert b"Good news." in response.content
    assert b"Ferry timetable changes" in response.content


def test_links_rebuilt_before_a_scheduled_story_goes_live_show_it_once_it_is(
    client, story, commit
):
    """A story scheduled beside this one changes the links, then changes them again
    when it goes live, with no write: the kept links end by that time."""
    from comments.models import Comment

    url = story.get_absolute_url()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get(url)
        scheduled = make_draft(
            headline="Ferry timetable changes", section=story.section
        )

        def schedule():
            scheduled.status = Article.Status.PUBLISHED
            scheduled.published_at = start + timedelta(minutes=2)
            scheduled.save()

        commit(schedule)
        first = client.get(url)  # the links are rendered again, and kept
        assert b"Ferry timetable changes" not in first.content
    with time_machine.travel(start + timedelta(minutes=3), tick=False):
        held = make_comment(story, content="Good news.", status=Comment.Status.PENDING)
        commit(lambda: held.approve(by=None))
        response = client.get(url)
        assert b"Good news." in response.content
        assert b"Ferry timetable changes" in response.content
        assert markup(response) == markup(full_render(client, url))
