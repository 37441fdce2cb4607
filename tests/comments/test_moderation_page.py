"""The comment page in the admin: its moderation buttons, the reply, its title and
"In reply to", and the queue's narrow columns and shortcut script."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, DiscussionSettings
from tests.support.factories import make_article, make_comment
from tests.support.users import user_in_group, user_with_perms

pytestmark = pytest.mark.django_db

S = Comment.Status
QUEUE = reverse("admin:comments_comment_changelist")


def page_url(comment):
    return reverse("admin:comments_comment_change", args=[comment.pk])


def moderate_url(comment_or_pk):
    pk = getattr(comment_or_pk, "pk", comment_or_pk)
    return reverse("admin:comments_comment_moderate", args=[pk])


def reply_url(comment_or_pk):
    pk = getattr(comment_or_pk, "pk", comment_or_pk)
    return reverse("admin:comments_comment_reply", args=[pk])


@pytest.fixture
def moderator(django_user_model):
    user = user_in_group(django_user_model, "mod", "Moderator")
    user.first_name, user.last_name = "Maria", "Moderator"
    user.save()
    return user


@pytest.fixture
def story():
    return make_article(headline="Putin congratulates Trump")


def status_of(comment):
    return Comment.objects.get(pk=comment.pk).status


# --- the buttons ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "buttons"),
    [
        (S.PENDING, ["approve", "mark_spam", "trash"]),
        (S.APPROVED, ["unapprove", "mark_spam", "trash"]),
        (S.SPAM, ["not_spam", "trash"]),
        (S.TRASH, ["mark_spam", "restore"]),
    ],
)
def test_page_offers_the_buttons_that_apply_to_the_status(
    client, moderator, story, status, buttons
):
    client.force_login(moderator)
    comment = make_comment(story, status=status)
    html = client.get(page_url(comment)).content.decode()
    assert re.findall(r'name="transition" value="(\w+)"', html) == buttons
    assert f'action="{moderate_url(comment)}"' in html
    assert 'href="#reply"' in html


@pytest.mark.parametrize(
    ("method", "end", "done"),
    [
        ("approve", S.APPROVED, "approved"),
        ("mark_spam", S.SPAM, "marked as spam"),
        ("trash", S.TRASH, "moved to the trash"),
    ],
)
def test_button_calls_the_model_method_and_goes_on_to_the_next_pending_comment(
    client, moderator, story, method, end, done
):
    client.force_login(moderator)
    now = timezone.now()
    comment = make_comment(
        story, status=S.PENDING, author_name="Larry", created_at=now - timedelta(2)
    )
    following = make_comment(story, status=S.PENDING, created_at=now)
    response = client.post(moderate_url(comment), {"transition": method})
    assert response.status_code == 302
    assert response["Location"] == page_url(following)
    assert status_of(comment) == end
    assert status_of(following) == S.PENDING
    moderated = Comment.objects.get(pk=comment.pk)
    assert moderated.moderated_by == moderator
    html = client.get(response["Location"]).content.decode()
    assert (
        f"Comment by Larry on “Putin congratulates Trump” {done}. "
        "Here is the next pending comment." in html
    )


def test_button_on_the_last_pending_comment_returns_to_the_queue(
    client, moderator, story
):
    client.force_login(moderator)
    comment = make_comment(story, status=S.PENDING)
    response = client.post(moderate_url(comment), {"transition": "approve"})
    assert response["Location"] == QUEUE
    assert story.__class__.objects.get(pk=story.pk).comment_count == 1
    html = client.get(QUEUE).content.decode()
    assert "approved. No more comments await moderation." in html


def test_button_that_no_longer_applies_changes_nothing_and_says_so(
    client, moderator, story
):
    client.force_login(moderator)
    comment = make_comment(story, status=S.APPROVED)  # approved by a colleague
    response = client.post(
        moderate_url(comment), {"transition": "approve"}, follow=True
    )
    assert response.redirect_chain[-1][0] == page_url(comment)
    assert "Nothing changed: “Approve” does not apply" in response.content.decode()
    assert status_of(comment) == S.APPROVED


def test_unknown_transition_is_a_bad_request(client, moderator, story):
    client.force_login(moderator)
    comment = make_comment(story, status=S.PENDING)
    for forged in ["delete_permanently", "save", ""]:
        response = client.post(moderate_url(comment), {"transition": forged})
        assert response.status_code == 400
    assert Comment.objects.filter(pk=comment.pk, status=S.PENDING).exists()


# --- who may press them ----------------------------------------------------------


def _no_moderation_right(django_user_model, role):
    if role == "viewer":  # may open and edit the comment, not moderate it
        return user_with_perms(
            django_user_model,
            "viewer",
            "comments.view_comment",
            "comments.change_comment",
        )
    return user_in_group(django_user_model, role.lower(), role)


@pytest.mark.parametrize("role", ["Editor", "Contributor", "viewer"])
def test_forged_post_without_the_moderation_right_is_403(
    client, django_user_model, story, role
):
    user = _no_moderation_right(django_user_model, role)
    client.force_login(user)
    parent = make_comment(story, status=S.APPROVED)
    pending = make_comment(story, status=S.PENDING)
    response = client.post(moderate_url(pending), {"transition": "approve"})
    assert response.status_code == 403
    assert status_of(pending) == S.PENDING
    response = client.post(reply_url(parent), {"content": "Forged reply"})
    assert response.status_code == 403
    assert not Comment.objects.filter(parent=parent).exists()


def test_staff_who_may_only_edit_sees_no_buttons_and_no_reply(
    client, django_user_model, story
):
    client.force_login(_no_moderation_right(django_user_model, "viewer"))
    comment = make_comment(story, status=S.PENDING)
    html = client.get(page_url(comment)).content.decode()
    assert 'name="transition"' not in html
    assert 'id="reply"' not in html


def test_anonymous_post_is_sent_to_the_login_page(client, story):
    comment = make_comment(story, status=S.PENDING)
    for url, data in [
        (moderate_url(comment), {"transition": "approve"}),
        (reply_url(comment), {"content": "Hello"}),
    ]:
        response = client.post(url, data)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    assert status_of(comment) == S.PENDING
    assert Comment.objects.count() == 1


def test_get_instead_of_post_is_405(client, moderator, story):
    client.force_login(moderator)
    comment = make_comment(story, status=S.PENDING)
    assert client.get(moderate_url(comment)).status_code == 405
    assert client.get(reply_url(comment)).status_code == 405
    assert status_of(comment) == S.PENDING


def test_unknown_comment_is_404(client, moderator):
    client.force_login(moderator)
    assert client.post(moderate_url(987654), {"transition": "approve"}).status_code == (
        404
    )
    assert client.post(reply_url(987654), {"content": "Hi"}).status_code == 404


def test_post_without_the_csrf_token_is_refused(moderator, story):
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    comment = make_comment(story, status=S.PENDING)
    response = client.post(moderate_url(comment), {"transition": "approve"})
    assert response.status_code == 403
    response = client.post(reply_url(comment), {"content": "Hi"})
    assert response.status_code == 403
    assert status_of(comment) == S.PENDING
    assert Comment.objects.count() == 1


def test_superuser_may_moderate_from_the_page(client, superuser, story):
    client.force_login(superuser)
    comment = make_comment(story, status=S.PENDING)
    client.post(moderate_url(comment), {"transition": "trash"})
    assert status_of(comment) == S.TRASH


# --- the reply -------------------------------------------------------------------


def test_reply_is_published_under_the_comment_as_the_moderator(
    client, moderator, story
):
    client.force_login(moderator)
    parent = make_comment(story, author_name="Larry")
    response = client.post(
        reply_url(parent),
        # Name and email come from the account, whatever the form sends.
        {"content": "Thanks, Larry.", "author_name": "Someone else"},
        follow=True,
    )
    reply = Comment.objects.get(parent=parent)
    assert reply.status == S.APPROVED
    assert reply.status_reason == "posted by a moderator"
    assert (reply.author_name, reply.author_email) == (
        "Maria Moderator",
        "mod@example.com",
    )
    assert reply.user == moderator
    assert reply.depth == parent.depth + 1
    assert reply.content_html == "<p>Thanks, Larry.</p>"
    html = response.content.decode()
    assert "Your reply to Larry is published" in html
    assert f'<a href="{reply.get_absolute_url()}">see it on the story</a>' in html
    assert response.redirect_chain[-1][0] == QUEUE  # nothing else is pending
    assert story.__class__.objects.get(pk=story.pk).comment_count == 2


def test_reply_shows_on_the_story_page_at_once_even_when_it_was_cached(
    client, moderator, story, settings, tmp_path
):
    settings.PAGE_CACHE_SECONDS = 300
    settings.VAR_DIR = tmp_path
    parent = make_comment(story)
    reader = Client()
    reader.get(story.get_absolute_url())
    cached = reader.get(story.get_absolute_url())
    assert cached["X-Page-Cache"] == "hit"
    client.force_login(moderator)
    client.post(reply_url(parent), {"content": "A reply from the desk."})
    fresh = reader.get(story.get_absolute_url())
    assert fresh["X-Page-Cache"] != "hit"
    assert "A reply from the desk." in fresh.content.decode()


@pytest.mark.parametrize("text", ["", "   \n ", "\u200b\u200b"])
def test_empty_reply_is_refused_with_a_message(client, moderator, story, text):
    client.force_login(moderator)
    parent = make_comment(story)
    response = client.post(reply_url(parent), {"content": text}, follow=True)
    assert response.redirect_chain[-1][0] == page_url(parent) + "#reply"
    assert "Not posted: Your reply is empty" in response.content.decode()
    assert not Comment.objects.filter(parent=parent).exists()


def test_reply_deeper_than_the_thread_allows_is_refused_with_a_message(
    client, moderator, story
):
    DiscussionSettings.objects.create(thread_comments_depth=2)
    client.force_login(moderator)
    top = make_comment(story)
    deepest = make_comment(story, parent=top)
    html = client.get(page_url(deepest)).content.decode()
    assert "This conversation cannot be nested any deeper." in html
    assert f'action="{reply_url(deepest)}"' not in html  # no form to fill in vain
    response = client.post(reply_url(deepest), {"content": "Too deep"}, follow=True)
    assert "Not posted: This conversation cannot be nested any deeper." in (
        response.content.decode()
    )
    assert not Comment.objects.filter(parent=deepest).exists()
    client.post(reply_url(top), {"content": "Deep enough"})
    assert Comment.objects.get(content="Deep enough").depth == 2


def test_reply_to_a_comment_readers_cannot_see_is_refused(client, moderator, story):
    client.force_login(moderator)
    pending = make_comment(story, status=S.PENDING)
    response = client.post(reply_url(pending), {"content": "Hello"}, follow=True)
    assert "You can only reply to a published comment." in response.content.decode()
    assert not Comment.objects.filter(parent=pending).exists()


def test_hostile_html_in_a_reply_is_cleaned_like_any_comment(client, moderator, story):
    client.force_login(moderator)
    parent = make_comment(story)
    hostile = (
        '<script>alert(1)</script><img src=x onerror="alert(2)">'
        '<a href="javascript:alert(3)" onclick="alert(4)">link</a> '
        '<a href="https://example.com/">ok</a> \u202eevil'
    )
    client.post(reply_url(parent), {"content": hostile})
    html = Comment.objects.get(parent=parent).content_html
    for bad in ["<script", "<img", "onerror", "onclick", "javascript:", "\u202e"]:
        assert bad not in html
    assert '<a href="https://example.com/" rel="nofollow ugc">ok</a>' in html
    page = Client().get(story.get_absolute_url()).content.decode()
    assert "alert(1)</script>" not in page and "onerror" not in page


def test_the_same_reply_twice_is_refused_as_a_duplicate(client, moderator, story):
    client.force_login(moderator)
    parent = make_comment(story)
    client.post(reply_url(parent), {"content": "Thanks."})
    response = client.post(reply_url(parent), {"content": "Thanks."}, follow=True)
    assert "Not posted: Duplicate comment detected" in response.content.decode()
    assert Comment.objects.filter(parent=parent).count() == 1


# --- the title and "In reply to" --------------------------------------------------


def test_page_title_names_the_author_and_the_story_escaped(client, moderator):
    client.force_login(moderator)
    story = make_article(headline="<script>alert(1)</script> & “quotes”")
    comment = make_comment(story, author_name="<b>Larry</b>")
    html = client.get(page_url(comment)).content.decode()
    heading = (
        "Comment by &lt;b&gt;Larry&lt;/b&gt; on "
        "“&lt;script&gt;alert(1)&lt;/script&gt; &amp; “quotes””"
    )
    assert f"<h1>{heading}</h1>" in html
    assert f"<title>{heading} |" in html
    assert "<script>alert(1)" not in html and "<b>Larry" not in html
    assert " on 1" not in html


def test_in_reply_to_shows_the_parent_escaped_and_linked(client, moderator, story):
    client.force_login(moderator)
    parent = make_comment(
        story,
        author_name='<img src=x onerror="alert(1)">',
        content="I <em>disagree</em> & <script>alert(2)</script> strongly.",
    )
    reply = make_comment(story, parent=parent)
    html = client.get(page_url(reply)).content.decode()
    row = html[html.index("In reply to:") :][:600]
    assert f'<a href="{page_url(parent)}">' in row
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</a>" in row
    assert "“I disagree &amp; strongly.”" in row  # nh3 drops the script
    assert "<img" not in row and "<script" not in row and "<em>" not in row


def test_top_level_comment_says_it_replies_to_nobody(client, moderator, story):
    client.force_login(moderator)
    html = client.get(page_url(make_comment(story))).content.decode()
    assert "Nobody: a comment on the story itself." in html


def test_comment_page_queries_stay_few(
    client, moderator, story, django_assert_max_num_queries
):
    parent = make_comment(story)
    reply = make_comment(story, parent=parent, status=S.PENDING)
    client.force_login(moderator)
    DiscussionSettings.load()  # warm, as it is in production
    # The user, their permissions (own, groups), the comment with its story and
    # parent in one query, and the content type for "View on site" (cached per
    # process after the first page). The buttons, "In reply to" and the reply
    # form's depth check add none.
    with django_assert_max_num_queries(5):
        assert client.get(page_url(reply)).status_code == 200


# --- the queue -------------------------------------------------------------------


def test_queue_cuts_long_values_and_keeps_them_whole_on_hover(client, moderator, story):
    client.force_login(moderator)
    long_email = "a-very-long-address-" * 4 + "@example.com"
    make_comment(story, author_email=long_email, author_name="<i>Larry</i>")
    html = client.get(QUEUE).content.decode()
    assert f'<span class="clip clip--email" title="{long_email}">{long_email}' in html
    assert 'title="&lt;i&gt;Larry&lt;/i&gt;"' in html
    assert "<i>Larry" not in html


def test_queue_loads_the_shortcuts_as_a_file_and_no_inline_script(
    client, moderator, story
):
    client.force_login(moderator)
    make_comment(story, status=S.PENDING)
    html = client.get(QUEUE).content.decode()
    assert '<script src="/static/js/moderation.js">' in html
    assert 'id="moderation-keys"' in html  # the "?" help
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert inline == []
    # Without JavaScript the same work is the actions menu.
    assert '<option value="approve">Approve</option>' in html
