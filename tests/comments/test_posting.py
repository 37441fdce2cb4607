"""Leaving a comment: the form under a story, and what happens to a post that is
accepted (where it is sent, what status the screening gives it, what is remembered)."""

import re
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments import moderation
from comments.models import Comment
from comments.protection import sign_timestamp
from tests.support.comments import comments_section, form_data, page, post_url
from tests.support.factories import make_article, make_comment
from tests.support.users import user_in_group

pytestmark = pytest.mark.django_db


def test_form_under_a_story_is_wordpress_leave_a_reply(client):
    article = make_article()
    html = comments_section(page(client, article))
    assert "Leave a Reply" in html
    assert "Your email address will not be published." in html
    assert "Required fields are marked" in html
    labels = re.findall(r'<label for="(comment|author|email|url)">', html)
    assert labels == ["comment", "author", "email", "url"]
    assert 'aria-describedby="email-notes"' in html
    assert 'id="email-notes"' in html
    assert 'maxlength="65525"' in html and 'maxlength="245"' in html
    assert 'maxlength="100"' in html and 'maxlength="200"' in html
    assert 'autocomplete="name"' in html and 'autocomplete="email"' in html
    assert (
        "Save my name, email, and website in this browser for the next time I comment."
        in html
    )
    assert ">Post Comment</button>" in html
    assert f'action="{post_url()}" method="post"' in html


def test_story_page_has_no_token_and_sets_no_cookie_for_anonymous_readers(client):
    article = make_article()
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_first_time_commenter_is_held_with_reason_and_sent_to_signed_preview(client):
    article = make_article()
    response = client.post(post_url(), form_data(article))
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.status_reason == "first comment from this author"
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == article.get_absolute_url()
    query = parse_qs(location.query)
    assert query["unapproved"] == [str(comment.pk)]
    assert query["moderation-hash"]
    assert location.fragment == f"comment-{comment.pk}"
    article.refresh_from_db()
    assert article.comment_count == 0


def test_known_commenter_is_approved_and_sent_to_the_comment_anchor(client):
    article = make_article()
    make_comment(article, author_name="Ann Reader", author_email="ANN@example.com")
    response = client.post(post_url(), form_data(article))
    comment = Comment.objects.latest("id")
    assert comment.status == Comment.Status.APPROVED
    assert comment.status_reason == "author has an earlier approved comment"
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"
    article.refresh_from_db()
    assert article.comment_count == 2
    assert "A thoughtful comment." in page(client, article)


def test_consent_checkbox_remembers_author_in_a_cookie(client):
    article = make_article()
    response = client.post(
        post_url(), form_data(article, cookies_consent="on", url="ann.example")
    )
    cookie = response.cookies["comment_author"]
    assert "ann%40example.com" in cookie.value
    assert cookie["samesite"] == "Lax"
    # The page never bakes the remembered values into its HTML.
    html = page(client, article)
    assert "ann@example.com" not in html and "Ann Reader" not in html


def test_without_consent_nothing_is_remembered(client):
    article = make_article()
    response = client.post(post_url(), form_data(article))
    assert "comment_author" not in response.cookies


def test_unticking_consent_forgets_the_remembered_author(client):
    article = make_article()
    client.post(post_url(), form_data(article, cookies_consent="on"))
    Comment.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    response = client.post(post_url(), form_data(article, comment="Second."))
    assert response.cookies["comment_author"].value == ""
    assert response.cookies["comment_author"]["max-age"] == 0


def test_filled_honeypot_is_spam(client):
    article = make_article()
    client.post(post_url(), form_data(article, homepage="http://spam.example"))
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.SPAM
    assert comment.status_reason == "filled in the hidden honeypot field"


def test_form_sent_too_fast_is_held(client):
    article = make_article()
    make_comment(article, author_name="Ann Reader", author_email="ann@example.com")
    client.post(post_url(), form_data(article, ts=sign_timestamp(article.pk)))
    comment = Comment.objects.latest("id")
    assert comment.status == Comment.Status.PENDING
    assert "after the page was served" in comment.status_reason


@pytest.mark.parametrize("ts", ["", "garbage", None])
def test_missing_or_forged_timestamp_is_held(client, ts):
    article = make_article()
    make_comment(article, author_name="Ann Reader", author_email="ann@example.com")
    client.post(post_url(), form_data(article, ts=ts))
    comment = Comment.objects.latest("id")
    assert comment.status == Comment.Status.PENDING
    assert comment.status_reason == "the form's timestamp was missing or invalid"


def test_timestamp_of_another_story_is_held(client):
    article, other = make_article(), make_article()
    make_comment(article, author_name="Ann Reader", author_email="ann@example.com")
    ts = sign_timestamp(other.pk, now=time.time() - 60)
    client.post(post_url(), form_data(article, ts=ts))
    assert Comment.objects.latest("id").status == Comment.Status.PENDING


def test_forwarded_for_is_ignored_unless_the_proxy_is_trusted(client, settings):
    article = make_article()
    settings.TRUSTED_PROXIES = []
    client.post(post_url(), form_data(article), HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert Comment.objects.get().ip_address == "127.0.0.1"


def test_forwarded_for_names_the_client_behind_a_trusted_proxy(client, settings):
    article = make_article()
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.2"]
    client.post(
        post_url(),
        form_data(article),
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9, 10.0.0.2",
    )
    assert Comment.objects.get().ip_address == "203.0.113.9"


def test_same_site_post_with_origin_is_accepted(client):
    article = make_article()
    response = client.post(
        post_url(), form_data(article), HTTP_ORIGIN="http://testserver"
    )
    assert response.status_code == 302


def test_anonymous_poster_needs_no_csrf_token():
    article = make_article()
    client = Client(enforce_csrf_checks=True)
    assert client.post(post_url(), form_data(article)).status_code == 302


def test_moderator_comment_is_approved_directly(client, django_user_model):
    moderator = user_in_group(django_user_model, "mod", "Moderator")
    client.force_login(moderator)
    article = make_article()
    client.post(post_url(), form_data(article))
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.APPROVED
    assert comment.status_reason == "posted by a moderator"


@pytest.mark.django_db(transaction=True)
def test_spam_checks_run_outside_the_write_transaction(client, monkeypatch):
    """A slow spam check (Akismet) must not hold SQLite's write lock for other writers."""
    article = make_article()
    seen = []
    real_screen = moderation.screen

    def recording_screen(*args, **kwargs):
        seen.append(transaction.get_connection().in_atomic_block)
        return real_screen(*args, **kwargs)

    monkeypatch.setattr(moderation, "screen", recording_screen)
    response = client.post(
        reverse("comments:post"), form_data(article), HTTP_ORIGIN="http://testserver"
    )
    assert response.status_code == 302
    assert Comment.objects.filter(article=article).count() == 1
    assert seen == [False]
