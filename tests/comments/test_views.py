import re
import threading
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.models import Comment, DiscussionSettings
from comments.protection import sign_timestamp
from tests.comments.helpers import form_data
from tests.conftest import user_in_group
from tests.factories import make_article, make_comment, make_draft

pytestmark = pytest.mark.django_db


def post_url():
    return reverse("comments:post")


def page(client, article, **query):
    return client.get(article.get_absolute_url(), query).content.decode()


def comments_section(html: str) -> str:
    return html[html.index('<section id="comments"') :]


# --- the form ---------------------------------------------------------------------


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


# --- posting ----------------------------------------------------------------------


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


def test_held_comment_is_visible_to_its_author_only_through_the_signed_link():
    article = make_article()
    author, other = Client(), Client()
    response = author.post(post_url(), form_data(article, comment="Only mine to see."))
    preview = author.get(response["Location"])
    assert "Only mine to see." in preview.content.decode()
    assert "Your comment is awaiting moderation." in preview.content.decode()
    assert "no-store" in preview["Cache-Control"]
    assert "private" in preview["Cache-Control"]

    plain = other.get(article.get_absolute_url()).content.decode()
    assert "Only mine to see." not in plain
    assert "awaiting moderation" not in plain
    # The plain page never contains it, not even the author's copy: their browser
    # adds it (static/js/comments.js, from the held-comments endpoint).
    assert "Only mine to see." not in page(author, article)


def test_a_forged_or_borrowed_preview_link_shows_nothing():
    article = make_article()
    response = Client().post(post_url(), form_data(article, comment="Secret draft."))
    comment = Comment.objects.get()
    query = parse_qs(urlsplit(response["Location"]).query)
    forged = {"unapproved": comment.pk, "moderation-hash": "1:forged"}
    assert "Secret draft." not in page(Client(), article, **forged)
    other = make_comment(make_article(), status=Comment.Status.PENDING)
    swapped = {"unapproved": other.pk, "moderation-hash": query["moderation-hash"][0]}
    assert other.content not in page(Client(), article, **swapped)


def test_preview_link_expires_after_ten_minutes():
    article = make_article()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        response = Client().post(post_url(), form_data(article, comment="Short-lived."))
        traveller.shift(timedelta(minutes=9))
        assert "Short-lived." in Client().get(response["Location"]).content.decode()
        traveller.shift(timedelta(minutes=2))
        assert "Short-lived." not in Client().get(response["Location"]).content.decode()


def test_approved_comment_shows_link_avatar_permalink_and_time(client):
    article = make_article()
    comment = make_comment(
        article, author_name="Zoë Writer", author_url="https://zoe.example/"
    )
    html = comments_section(page(client, article))
    assert (
        '<a href="https://zoe.example/" rel="external nofollow ugc" class="url">Zoë Writer</a>'
        in html
    )
    assert f'href="#comment-{comment.pk}"' in html
    assert '<time datetime="' in html
    assert '<span class="avatar avatar--' in html and ">ZW</span>" in html
    assert "gravatar" not in html


def test_comment_links_get_nofollow_ugc_and_scripts_are_removed(client):
    article = make_article()
    make_comment(
        article,
        content='<a href="http://x.example/">x</a> <script>alert(1)</script>'
        '<a href="javascript:alert(2)">y</a>\n\nSecond <strong>para</strong>',
    )
    html = comments_section(page(client, article))
    assert 'rel="nofollow ugc"' in html
    assert "<script>alert" not in html and "javascript:" not in html
    assert "<p>Second <strong>para</strong></p>" in html


def test_only_approved_comments_are_listed_oldest_first(client):
    article = make_article()
    now = timezone.now()
    make_comment(article, content="Later one.", created_at=now)
    make_comment(article, content="Earlier one.", created_at=now - timedelta(hours=1))
    for status in ("pending", "spam", "trash"):
        make_comment(article, content=f"Hidden {status}.", status=status)
    html = comments_section(page(client, article))
    assert html.index("Earlier one.") < html.index("Later one.")
    assert "Hidden" not in html
    assert "2 thoughts on" in html


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


# --- bad input --------------------------------------------------------------------


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


# --- abuse protection ---------------------------------------------------------------


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
    from comments import posting

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
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(
            "threads on the in-memory SQLite test database fail with 'table is "
            "locked' (shared cache ignores the busy timeout); the race is covered "
            "by the test above on SQLite and by this one on PostgreSQL"
        )
    article = make_article()
    data = form_data(article)
    barrier = threading.Barrier(4)
    statuses = []

    def send(n):
        try:
            client = Client(REMOTE_ADDR=f"198.51.100.{n}")
            barrier.wait(timeout=10)
            statuses.append(client.post(post_url(), data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(1, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Comment.objects.count() == 1
    assert statuses.count(302) == 1
    assert set(statuses) <= {302, 409, 429}


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


def test_same_site_post_with_origin_is_accepted(client):
    article = make_article()
    response = client.post(
        post_url(), form_data(article), HTTP_ORIGIN="http://testserver"
    )
    assert response.status_code == 302


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


# --- threads ----------------------------------------------------------------------


def test_reply_to_approved_comment_is_threaded(client):
    article = make_article()
    parent = make_comment(
        article, author_name="Ann Reader", author_email="ann@example.com"
    )
    client.post(post_url(), form_data(article, parent=str(parent.pk), comment="Reply!"))
    reply = Comment.objects.latest("id")
    assert reply.parent == parent and reply.depth == 2
    html = comments_section(page(client, article))
    assert re.search(rf'<ol class="children">\s*<li id="comment-{reply.pk}"', html)


@pytest.mark.parametrize("status", ["pending", "spam", "trash"])
def test_reply_to_unpublished_comment_is_refused(client, status):
    article = make_article()
    parent = make_comment(article, status=status)
    response = client.post(post_url(), form_data(article, parent=str(parent.pk)))
    assert response.status_code == 400
    assert "You can only reply to a published comment." in response.content.decode()
    assert Comment.objects.count() == 1


def test_reply_to_a_comment_of_another_story_is_refused(client):
    article = make_article()
    elsewhere = make_comment(make_article())
    response = client.post(post_url(), form_data(article, parent=str(elsewhere.pk)))
    assert response.status_code == 400
    assert "That comment belongs to another story." in response.content.decode()


def test_replies_stop_at_the_configured_depth(client):
    DiscussionSettings.objects.create(thread_comments_depth=2)
    article = make_article()
    top = make_comment(article)
    second = make_comment(article, parent=top)
    response = client.post(post_url(), form_data(article, parent=str(second.pk)))
    assert response.status_code == 400
    html = comments_section(page(client, article))
    assert f"replytocom={top.pk}" in html
    assert f"replytocom={second.pk}" not in html


def test_reply_link_without_javascript_names_the_comment_author(client):
    article = make_article()
    parent = make_comment(article, author_name="Boris")
    html = comments_section(page(client, article, replytocom=parent.pk))
    assert "Leave a Reply to Boris" in html
    assert f'name="parent" value="{parent.pk}"' in html
    assert ">Cancel reply</a>" in html
    assert re.search(r'id="cancel-comment-reply-link" href="[^"]+#respond">', html)


def test_top_level_comments_can_be_paged(client):
    DiscussionSettings.objects.create(
        page_comments=True, comments_per_page=2, default_comments_page="oldest"
    )
    article = make_article()
    now = timezone.now()
    for n in range(5):
        make_comment(
            article, content=f"Number {n}.", created_at=now + timedelta(minutes=n)
        )
    first = comments_section(page(client, article))
    assert "Number 0." in first and "Number 2." not in first
    assert "Page 1 of 3" in first
    last = comments_section(page(client, article, cpage="3"))
    assert "Number 4." in last and "Number 0." not in last
    assert "Number 0." in comments_section(page(client, article, cpage="nonsense"))


# --- notifications ----------------------------------------------------------------


def test_held_comment_emails_moderators_after_commit(
    client, django_user_model, django_capture_on_commit_callbacks
):
    user_in_group(django_user_model, "mod", "Moderator")
    article = make_article(headline="Budget day")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(post_url(), form_data(article, comment="Hold me please."))
        assert mail.outbox == []  # nothing is sent before the commit
    assert callbacks
    comment = Comment.objects.get()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mod@example.com"]
    assert "Please moderate: “Budget day”" in message.subject
    assert "Hold me please." in message.body
    assert "Reason: first comment from this author" in message.body
    assert f"/admin/comments/comment/{comment.pk}/change/" in message.body
    assert article.get_absolute_url() in message.body


def test_a_header_injection_attempt_in_the_name_is_harmless(
    client, django_user_model, django_capture_on_commit_callbacks
):
    user_in_group(django_user_model, "mod", "Moderator")
    article = make_article()
    data = form_data(article, author="Eve\r\nBcc: victim@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(post_url(), data).status_code == 302
    comment = Comment.objects.get()
    assert "\n" not in comment.author_name
    message = mail.outbox[0]
    assert message.bcc == [] and message.to == ["mod@example.com"]
    assert "Bcc" not in str(message.message()).split("\n\n", 1)[0]


def test_imported_name_with_newlines_still_notifies(django_user_model):
    from comments.notifications import notify_moderators

    user_in_group(django_user_model, "mod", "Moderator")
    comment = make_comment(
        make_article(headline="Line\r\nBcc: x@y"),
        author_name="Eve\r\nBcc: x@y",
        status=Comment.Status.PENDING,
    )
    assert notify_moderators.call(comment.pk) == 1
    assert "\n" not in mail.outbox[0].subject


def test_no_email_when_notifications_are_switched_off(
    client, django_user_model, django_capture_on_commit_callbacks
):
    user_in_group(django_user_model, "mod", "Moderator")
    DiscussionSettings.objects.create(notify_on_hold=False, notify_on_post=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(post_url(), form_data(make_article()))
    assert Comment.objects.exists() and mail.outbox == []


def test_approved_comment_emails_only_when_every_post_is_notified(
    client, django_user_model, django_capture_on_commit_callbacks
):
    user_in_group(django_user_model, "mod", "Moderator")
    DiscussionSettings.objects.create(
        notify_on_post=False, comment_previously_approved=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(post_url(), form_data(make_article()))
    assert Comment.objects.get().status == Comment.Status.APPROVED
    assert mail.outbox == []


# --- query counts -----------------------------------------------------------------


def _threaded_comments(article, count):
    parents = []
    for n in range(count):
        parent = parents[n % len(parents)] if parents and n % 3 else None
        comment = make_comment(article, parent=parent)
        if comment.depth < 4:
            parents.append(comment)


@pytest.fixture
def own_content_version(settings, tmp_path):
    # The page cache's content version is a file in VAR_DIR; a private one keeps
    # other test runs on this machine from invalidating our warm caches mid-test.
    settings.VAR_DIR = tmp_path


def test_story_page_queries_do_not_grow_with_comments(
    client, django_assert_max_num_queries, own_content_version
):
    quiet = make_article()
    busy = make_article()
    _threaded_comments(busy, 300)
    from django.test.utils import CaptureQueriesContext

    # Warm every cache both pages use (settings, navigation), then compare.
    client.get(quiet.get_absolute_url())
    client.get(busy.get_absolute_url())

    with CaptureQueriesContext(connection) as without:
        client.get(quiet.get_absolute_url())
    with CaptureQueriesContext(connection) as with_comments:
        response = client.get(busy.get_absolute_url())
    assert response.content.decode().count('class="comment depth-') == 300
    assert len(with_comments) == len(without)
    with django_assert_max_num_queries(8):
        client.get(busy.get_absolute_url())


def _comment_queries(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if "comments_comment" in q["sql"] or "comments_discussionsettings" in q["sql"]
    ]


def test_comments_cost_one_query_even_on_a_cold_cache(client, own_content_version):
    from django.core.cache import cache
    from django.test.utils import CaptureQueriesContext

    quiet, busy = make_article(), make_article()
    _threaded_comments(busy, 300)
    counts = []
    for article in (quiet, busy):
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            client.get(article.get_absolute_url())
        assert len(_comment_queries(cold)) == 1  # settings ride along when cold
        with CaptureQueriesContext(connection) as warm:
            client.get(article.get_absolute_url())
        assert len(_comment_queries(warm)) == 1
        counts.append((len(cold), len(warm)))
    assert counts[0] == counts[1]  # 300 threaded comments cost nothing extra


def test_settings_read_along_with_the_comments_are_the_saved_ones(client):
    from django.core.cache import cache

    DiscussionSettings.objects.create(
        show_avatars=False, thread_comments_depth=2, comment_order="desc"
    )
    article = make_article()
    now = timezone.now()
    first = make_comment(
        article, content="Oldest.", created_at=now - timedelta(hours=2)
    )
    make_comment(article, content="Newest.", created_at=now - timedelta(hours=1))
    reply = make_comment(article, parent=first, content="A reply.")
    cache.clear()
    html = comments_section(page(client, article))
    assert html.index("Newest.") < html.index("Oldest.")
    assert 'class="avatar' not in html
    assert f"replytocom={first.pk}" in html and f"replytocom={reply.pk}" not in html


def test_comment_counts_in_story_lists_cost_no_extra_queries(client):
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        story = make_article()
        make_comment(story)
        make_comment(story)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("articles:home")).content.decode()
    assert html.count("2 comments") == 3
    # The count is the stored Article.comment_count: no comment table is read.
    assert not _comment_queries(queries)


@pytest.mark.django_db(transaction=True)
def test_spam_checks_run_outside_the_write_transaction(client, monkeypatch):
    """A slow spam check (Akismet) must not hold SQLite's write lock for other writers."""
    from django.db import transaction

    from comments import moderation

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


def test_moderators_are_found_by_group_by_own_permission_or_as_superuser(
    django_user_model,
):
    from django.contrib.auth.models import Permission

    from comments.notifications import moderator_emails

    user_in_group(django_user_model, "grouped", "Moderator")
    direct = django_user_model.objects.create_user("direct", "direct@example.com")
    direct.user_permissions.add(Permission.objects.get(codename="moderate_comment"))
    django_user_model.objects.create_superuser("boss", "boss@example.com", "pw")
    django_user_model.objects.create_user("reader", "reader@example.com")
    gone = user_in_group(django_user_model, "gone", "Moderator")
    gone.is_active = False
    gone.save()

    assert moderator_emails() == [
        "boss@example.com",
        "direct@example.com",
        "grouped@example.com",
    ]
