"""comments/thread.py: which comments the story page lists, in what order and
nesting, without going through a page render."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from comments.forms import CommentForm
from comments.models import Comment, DiscussionSettings
from comments.preview import preview_url
from comments.thread import story_form, thread_for
from tests.support.factories import make_article, make_comment

pytestmark = pytest.mark.django_db


def shape(comments) -> list:
    """Each comment's content, with its replies nested after it."""
    return [
        (c.content_html, shape(c.thread)) if c.thread else c.content_html
        for c in comments
    ]


def build(article, **query):
    article.refresh_from_db()  # its comment_count, as the story page reads it
    return thread_for(article, RequestFactory().get("/", query))


def conversation(article):
    """Two top-level comments, the first with a reply that has a reply."""
    start = timezone.now() - timedelta(hours=1)
    first = make_comment(article, content="first", created_at=start)
    second = make_comment(
        article, content="second", created_at=start + timedelta(minutes=1)
    )
    reply = make_comment(
        article, parent=first, content="reply", created_at=start + timedelta(minutes=2)
    )
    make_comment(
        article, parent=reply, content="deeper", created_at=start + timedelta(minutes=3)
    )
    return first, second


def test_replies_nest_under_their_parent_oldest_first():
    article = make_article()
    conversation(article)
    context = build(article)
    assert shape(context["comments"]) == [
        ("<p>first</p>", [("<p>reply</p>", ["<p>deeper</p>"])]),
        "<p>second</p>",
    ]
    assert context["approved_count"] == 4


def test_newest_first_reverses_the_top_level_but_not_the_replies():
    DiscussionSettings.objects.create(comment_order="desc")
    article = make_article()
    conversation(article)
    assert shape(build(article)["comments"]) == [
        "<p>second</p>",
        ("<p>first</p>", [("<p>reply</p>", ["<p>deeper</p>"])]),
    ]


def test_a_reply_whose_parent_is_not_shown_moves_to_the_top_level():
    article = make_article()
    held = make_comment(article, content="held", status=Comment.Status.PENDING)
    make_comment(article, parent=held, content="orphan")
    assert shape(build(article)["comments"]) == ["<p>orphan</p>"]


def test_the_signed_preview_adds_the_held_comment_but_not_to_the_count():
    article = make_article()
    make_comment(article, content="approved")
    held = make_comment(article, content="mine", status=Comment.Status.PENDING)
    query = parse_qs(urlsplit(preview_url(held)).query)
    context = build(article, **{name: values[0] for name, values in query.items()})
    assert shape(context["comments"]) == ["<p>approved</p>", "<p>mine</p>"]
    assert context["approved_count"] == 1
    assert context["comments"][1].awaiting_moderation


def test_replytocom_picks_a_comment_that_may_be_answered():
    article = make_article()
    first, _ = conversation(article)
    assert build(article, replytocom=str(first.pk))["replying_to"].pk == first.pk
    assert build(article, replytocom="999999")["replying_to"] is None
    assert build(article, replytocom="nonsense")["replying_to"] is None


def test_a_story_without_comments_lists_none_and_offers_the_form():
    context = build(make_article())
    assert context["comments"] == [] and context["paging"] is None
    assert context["is_open"] and context["form"] is not None


@pytest.mark.parametrize("require_name_email", [True, False])
@pytest.mark.parametrize("replying", [False, True])
def test_the_form_under_a_story_is_the_templates_with_its_own_values(
    require_name_email, replying
):
    """The form is rendered once per kind and kept (comments/thread.py): another
    story's form came first, and this one still names this story, the comment it
    answers and a stamp of its own."""
    discussion = DiscussionSettings(require_name_email=require_name_email)
    earlier, article = make_article(), make_article()
    earlier_parent = make_comment(earlier) if replying else None
    parent = make_comment(article) if replying else None
    with time_machine.travel(timezone.now(), tick=False):  # one stamp for both
        story_form(earlier, discussion, earlier_parent)
        kept = story_form(article, discussion, parent)
        form = CommentForm(article=article, discussion=discussion, replying_to=parent)
        rendered = render_to_string(
            "comments/_form.html",
            {
                "form": form,
                "confirm_token": "",
                "require_name_email": require_name_email,
            },
        )
    assert kept == rendered
    assert f'name="article" value="{article.pk}"' in kept
