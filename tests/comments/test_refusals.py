"""Posts that are refused, and how: bad input, a missing or closed story, the rate
limit, another site, a logged-in poster's missing token, duplicates and floods."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from articles.models import Article
from comments import posting
from comments.models import Comment, DiscussionSettings
from tests.support.comments import form_data, page, post_url
from tests.support.concurrency import all_at_once, skip_on_in_memory_sqlite
from tests.support.factories import make_article, make_comment, make_draft

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("author", None, "Please enter your name."),
        ("author", "   ", "Please enter your name."),
        ("email", None, "Please enter your email address."),
        ("email", "not-an-email", "Please enter a valid email address."),
        ("author", "n" * 246, "at most 245 characters"),
        ("email", "e" * 95 + "@x.com", "at most 100 characters"),
        ("url", "http://example.com/" + "p" * 190, "at most 200 characters"),
        ("url", "javascript:alert(1)", "Only http and https addresses are allowed."),
    ],
)
def test_bad_field_is_shown_again_with_its_error_and_the_text_kept(
    client, field, value, message
):
    article = make_article()
    data = form_data(article, comment="Do not lose me.", **{field: value})
    response = client.post(post_url(), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "Do not lose me.</textarea>" in html
    assert not Comment.objects.exists()


def test_empty_or_too_long_comment_is_refused(client):
    article = make_article()
    assert (
        client.post(post_url(), form_data(article, comment="  \n ")).status_code == 400
    )
    long = form_data(article, comment="x" * 65526)
    response = client.post(post_url(), long)
    assert response.status_code == 400
    assert "at most 65525 characters" in response.content.decode()
    assert (
        client.post(post_url(), form_data(article, comment="x" * 65525)).status_code
        == 302
    )


@pytest.mark.parametrize(
    "make",
    [
        make_draft,
        lambda: make_article(published_at=timezone.now() + timedelta(days=1)),
        lambda: make_article(status=Article.Status.REVIEW),
    ],
)
def test_comment_on_unpublished_story_is_404_and_writes_nothing(client, make):
    article = make()
    response = client.post(post_url(), form_data(article))
    assert response.status_code == 404
    assert not Comment.objects.exists()


@pytest.mark.parametrize("article_id", ["999999", "abc", "", "-1", "1" * 40, "٣"])
def test_comment_on_missing_story_is_404(client, article_id):
    make_article()
    response = client.post(post_url(), {"article": article_id, "comment": "Hi"})
    assert response.status_code == 404


def test_comments_closed_on_the_story_is_403(client):
    article = make_article(allow_comments=False)
    response = client.post(post_url(), form_data(article))
    assert response.status_code == 403
    assert "Comments are closed." in response.content.decode()
    assert not Comment.objects.exists()
    html = page(client, article)
    assert "Comments are closed." in html and "Leave a Reply" not in html


def test_comments_close_on_old_stories_when_switched_on(client):
    DiscussionSettings.objects.create(
        close_comments_for_old_articles=True, close_comments_days_old=14
    )
    old = make_article(published_at=timezone.now() - timedelta(days=15))
    fresh = make_article(published_at=timezone.now() - timedelta(days=13))
    assert client.post(post_url(), form_data(old)).status_code == 403
    assert (
        client.post(post_url(), form_data(fresh, email="b@example.com")).status_code
        == 302
    )


def test_get_on_the_post_url_is_405(client):
    assert client.get(post_url()).status_code == 405


def test_per_ip_rate_limit_returns_429(client, settings):
    settings.COMMENTS_RATE_LIMIT = 2
    article = make_article()
    for n in range(2):
        client.post(post_url(), form_data(article, email=f"p{n}@example.com"))
    response = client.post(post_url(), form_data(article, email="p9@example.com"))
    assert response.status_code == 429
    other_ip = Client(REMOTE_ADDR="198.51.100.77")
    assert (
        other_ip.post(post_url(), form_data(article, email="q@example.com")).status_code
        == 302
    )


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_REFERER": "https://evil.example/page"},
    ],
)
def test_cross_site_post_is_refused(client, headers):
    article = make_article()
    response = client.post(post_url(), form_data(article), **headers)
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_logged_in_poster_without_csrf_token_is_asked_to_confirm(django_user_model):
    user = django_user_model.objects.create_user("reader", "r@example.com", "pw")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    article = make_article()
    response = client.post(post_url(), form_data(article, comment="Keep this."))
    html = response.content.decode()
    assert response.status_code == 403
    assert not Comment.objects.exists()
    assert "Keep this.</textarea>" in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    data = form_data(article, comment="Keep this.", csrfmiddlewaretoken=token)
    assert client.post(post_url(), data).status_code == 302
    assert Comment.objects.get().user == user


def test_second_comment_from_same_ip_within_15_seconds_is_429_at_the_edge(client):
    article = make_article()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        assert client.post(post_url(), form_data(article)).status_code == 302
        traveller.shift(timedelta(seconds=14.9))
        again = form_data(article, comment="Quick follow-up.", email="b@example.com")
        response = client.post(post_url(), again)
        assert response.status_code == 429
        assert (
            "You are posting comments too quickly. Slow down."
            in response.content.decode()
        )
        assert "Quick follow-up.</textarea>" in response.content.decode()
        traveller.shift(timedelta(seconds=0.2))
        assert client.post(post_url(), again).status_code == 302


def test_same_email_from_another_ip_within_15_seconds_is_429():
    article = make_article()
    Client(REMOTE_ADDR="198.51.100.1").post(post_url(), form_data(article))
    response = Client(REMOTE_ADDR="198.51.100.2").post(
        post_url(), form_data(article, comment="Another thing.")
    )
    assert response.status_code == 429


def test_same_email_in_other_capitals_from_another_ip_is_429():
    article = make_article()
    Client(REMOTE_ADDR="198.51.100.1").post(
        post_url(), form_data(article, email="Ann.Reader@Example.com")
    )
    response = Client(REMOTE_ADDR="198.51.100.2").post(
        post_url(),
        form_data(article, comment="Another thing.", email="ann.reader@example.COM "),
    )
    assert response.status_code == 429


def test_duplicate_comment_is_409_but_a_reply_with_same_text_is_not():
    article = make_article()
    parent = make_comment(article)
    first = Client(REMOTE_ADDR="198.51.100.1")
    assert first.post(post_url(), form_data(article)).status_code == 302
    response = Client(REMOTE_ADDR="198.51.100.2").post(post_url(), form_data(article))
    assert response.status_code == 409
    assert "Duplicate comment detected" in response.content.decode()
    Comment.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    reply = form_data(article, parent=str(parent.pk))
    assert Client(REMOTE_ADDR="198.51.100.3").post(post_url(), reply).status_code == 302
    assert Comment.objects.count() == 3


def test_trashed_comment_does_not_block_saying_it_again():
    article = make_article()
    make_comment(
        article,
        author_name="Ann Reader",
        author_email="ann@example.com",
        content="A thoughtful comment.",
        status=Comment.Status.TRASH,
    )
    assert Client().post(post_url(), form_data(article)).status_code == 302


def test_identical_post_that_passed_the_duplicate_check_meanwhile_is_409(
    client, monkeypatch
):
    """The race itself: both requests checked before either inserted. The unique
    index on the fingerprint lets exactly one row in (SQLite and PostgreSQL)."""
    monkeypatch.setattr(posting, "is_duplicate", lambda comment: False)
    monkeypatch.setattr(posting, "is_flood", lambda comment, now: False)
    article = make_article()
    assert client.post(post_url(), form_data(article)).status_code == 302
    second = Client(REMOTE_ADDR="198.51.100.9").post(post_url(), form_data(article))
    assert second.status_code == 409
    assert "Duplicate comment detected" in second.content.decode()
    assert Comment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_identical_posts_at_the_same_moment_make_exactly_one_row():
    skip_on_in_memory_sqlite(
        "shared cache ignores the busy timeout. The race is covered by the test "
        "above on SQLite and by this one on PostgreSQL"
    )
    article = make_article()
    data = form_data(article)
    statuses = []

    def send(n):
        client = Client(REMOTE_ADDR=f"198.51.100.{n}")
        statuses.append(client.post(post_url(), data).status_code)

    assert all_at_once(send, range(1, 5), timeout=10) == []
    assert Comment.objects.count() == 1
    assert statuses.count(302) == 1
    assert set(statuses) <= {302, 409, 429}
