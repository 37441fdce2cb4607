import feedparser
import pytest
from django.urls import reverse

from comments.models import Comment
from tests.support.factories import make_article, make_comment, make_draft

pytestmark = pytest.mark.django_db


def test_site_feed_lists_approved_comments_on_published_stories_only(client):
    live = make_article(headline="Live story")
    visible = make_comment(live, content="Visible comment.")
    make_comment(live, content="Held comment.", status=Comment.Status.PENDING)
    make_comment(make_draft(), content="On a draft.")
    feed = feedparser.parse(client.get(reverse("comments:feed")).content)
    summaries = [entry.summary for entry in feed.entries]
    assert summaries == ["<p>Visible comment.</p>"]
    assert feed.entries[0].link.endswith(
        f"{live.get_absolute_url()}#comment-{visible.pk}"
    )


def test_story_feed_is_404_for_drafts_and_lists_its_own_comments(client):
    one, two = make_article(), make_article()
    make_comment(one, content="On one.")
    make_comment(two, content="On two.")
    feed = feedparser.parse(
        client.get(reverse("comments:article_feed", args=[one.pk])).content
    )
    assert [entry.summary for entry in feed.entries] == ["<p>On one.</p>"]
    draft = make_draft()
    assert (
        client.get(reverse("comments:article_feed", args=[draft.pk])).status_code == 404
    )
