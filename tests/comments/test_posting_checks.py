"""comments/posting.py: each refusal for the input that earns it, None for a good
post. The view tests prove the pages, statuses and headers built from them."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.utils import timezone

from comments import posting
from comments.forms import CommentForm
from comments.models import Comment, DiscussionSettings
from tests.support.comments import form_data
from tests.support.factories import make_article, make_comment, make_draft

pytestmark = pytest.mark.django_db


def rules(**overrides):
    return DiscussionSettings(**overrides)


def post_request(user=None, **headers):
    request = RequestFactory().post("/comments/post/", **headers)
    request.user = user or AnonymousUser()
    return request


def new_comment(article, **fields):
    values = {
        "author_name": "Ann Reader",
        "author_email": "ann@example.com",
        "content": "Nice piece.",
        "ip_address": "203.0.113.7",
    } | fields
    return Comment(article=article, **values)


# --- before the form is read ---------------------------------------------------------


def test_a_good_request_is_not_refused():
    assert posting.request_refusal(post_request(), "203.0.113.7", limited=True) is None


def test_the_rate_limit_refuses_with_the_end_of_the_window(settings):
    settings.COMMENTS_RATE_LIMIT, settings.COMMENTS_RATE_WINDOW = 1, 600
    request = post_request()
    assert posting.request_refusal(request, "203.0.113.7", limited=True) is None
    refused = posting.request_refusal(request, "203.0.113.7", limited=True)
    assert (refused.message, refused.status) == (posting.FLOOD_MESSAGE, 429)
    assert 0 < refused.retry_after <= 600


def test_moderators_are_not_rate_limited(settings):
    settings.COMMENTS_RATE_LIMIT = 1
    for _ in range(3):
        assert (
            posting.request_refusal(post_request(), "203.0.113.7", limited=False)
            is None
        )


def test_a_form_sent_from_another_site_is_refused():
    request = post_request(HTTP_ORIGIN="https://evil.example")
    refused = posting.request_refusal(request, "203.0.113.7", limited=True)
    assert refused is posting.CROSS_SITE
    assert refused.status == 403


# --- the story ------------------------------------------------------------------------


def test_comments_open_on_published_story_only():
    now = timezone.now()
    settings = rules()
    assert posting.comments_open(make_article(), now, settings)
    assert not posting.comments_open(make_draft(), now, settings)
    assert not posting.comments_open(make_article(allow_comments=False), now, settings)
    future = make_article(published_at=now + timedelta(hours=1))
    assert not posting.comments_open(future, now, settings)


def test_comments_close_after_n_days_when_switched_on():
    now = timezone.now()
    article = make_article(published_at=now - timedelta(days=14, seconds=1))
    assert posting.comments_open(article, now, rules())
    closing = rules(close_comments_for_old_articles=True, close_comments_days_old=14)
    assert not posting.comments_open(article, now, closing)
    assert posting.comments_open(article, now - timedelta(seconds=2), closing)


def test_a_closed_story_refuses_with_403():
    now = timezone.now()
    assert posting.story_refusal(make_article(), now, rules()) is None
    closed = make_article(allow_comments=False)
    assert posting.story_refusal(closed, now, rules()) is posting.CLOSED
    assert posting.CLOSED.status == 403


# --- the form -------------------------------------------------------------------------


def test_a_valid_form_from_an_anonymous_reader_is_not_refused():
    article = make_article()
    form = CommentForm(form_data(article), article=article, discussion=rules())
    assert posting.form_refusal(post_request(), form) is None


def test_a_bad_field_is_a_400_whose_message_the_form_errors_give():
    article = make_article()
    form = CommentForm(
        form_data(article, comment=""), article=article, discussion=rules()
    )
    assert posting.form_refusal(post_request(), form) is posting.INVALID
    assert (posting.INVALID.message, posting.INVALID.status) == ("", 400)


def test_a_logged_in_poster_without_a_token_is_asked_to_confirm(django_user_model):
    user = django_user_model.objects.create_user("ann", "ann@example.com", "pw")
    article = make_article()
    form = CommentForm(form_data(article), article=article, discussion=rules())
    refused = posting.form_refusal(post_request(user), form)
    assert refused.status == 403
    assert refused.message == (
        "You are logged in as ann: please press “Post Comment” again to confirm."
    )


def test_a_logged_in_poster_with_a_token_is_not_refused(django_user_model):
    user = django_user_model.objects.create_user("ann", "ann@example.com", "pw")
    article = make_article()
    token = get_token(post_request())  # any valid token, sent as cookie and field
    request = post_request(user, HTTP_X_CSRFTOKEN=token)
    request.COOKIES["csrftoken"] = token
    form = CommentForm(form_data(article), article=article, discussion=rules())
    assert posting.form_refusal(request, form) is None


# --- the comment ----------------------------------------------------------------------


def test_a_new_comment_from_a_quiet_author_is_not_refused():
    article = make_article()
    now = timezone.now()
    comment = new_comment(article)
    assert posting.comment_refusal(comment, now, flood_applies=True) is None


def test_the_same_text_again_is_a_duplicate_even_inside_the_flood_window():
    article = make_article()
    now = timezone.now()
    new_comment(article).save()
    again = new_comment(article)
    assert posting.comment_refusal(again, now, flood_applies=True) is posting.DUPLICATE
    assert posting.DUPLICATE.status == 409


def test_a_second_comment_within_15_seconds_is_a_flood_with_retry_after():
    article = make_article()
    now = timezone.now()
    make_comment(
        article,
        ip_address="198.51.100.1",
        author_email="ann@example.com",
        created_at=now - timedelta(seconds=14),
    )
    comment = new_comment(article, ip_address="198.51.100.2", content="More.")
    refused = posting.comment_refusal(comment, now, flood_applies=True)
    assert refused is posting.FLOOD
    assert (refused.status, refused.retry_after) == (429, 15)


def test_the_flood_window_ends_after_15_seconds():
    article = make_article()
    now = timezone.now()
    make_comment(
        article, ip_address="203.0.113.7", created_at=now - timedelta(seconds=16)
    )
    assert (
        posting.comment_refusal(new_comment(article), now, flood_applies=True) is None
    )


def test_moderators_are_exempt_from_the_flood_rule_but_not_from_duplicates():
    article = make_article()
    now = timezone.now()
    make_comment(
        article, ip_address="203.0.113.7", created_at=now - timedelta(seconds=1)
    )
    assert (
        posting.comment_refusal(new_comment(article), now, flood_applies=False) is None
    )
    new_comment(article).save()
    refused = posting.comment_refusal(new_comment(article), now, flood_applies=False)
    assert refused is posting.DUPLICATE


def test_a_trashed_comment_is_no_duplicate():
    article = make_article()
    new_comment(article, status=Comment.Status.TRASH).save()
    assert not posting.is_duplicate(new_comment(article))
