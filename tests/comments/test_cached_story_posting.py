"""Posting a comment from a story page the way production serves it: DEBUG off, the
anonymous page cache on, the form read from the cached page (first and second
request), and what the reader sees after an error, a held comment and a reload."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from tests.support.concurrency import all_at_once, skip_on_in_memory_sqlite
from tests.support.factories import make_article, make_comment

pytestmark = pytest.mark.django_db
HELD_COOKIE = "comments_held"  # sent only to the comment endpoints


@pytest.fixture(autouse=True)
def production(settings, tmp_path):
    settings.DEBUG = False
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_MAX_AGE = 10
    settings.VAR_DIR = tmp_path  # the version stamp of the local-memory cache


def cached_form(article) -> dict:
    """The form's fields as an anonymous reader gets them: the second request to
    the story is a page-cache hit."""
    url = article.get_absolute_url()
    Client().get(url)
    page = Client().get(url)
    assert page["X-Page-Cache"] == "hit"
    html = page.content.decode()
    hidden = dict(
        re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html)
    )
    return {
        "article": hidden["article"],
        "ts": hidden["ts"],
        "parent": "",
        "homepage": "",
        "comment": "A thoughtful comment.",
        "author": "Ann Reader",
        "email": "ann@example.com",
        "url": "",
    }


def post(data, client=None, **headers):
    return (client or Client()).post(reverse("comments:post"), data, **headers)


def fresh_stamp(article, client=None) -> str:
    """What comments.js does when the reader first focuses the form."""
    response = (client or Client()).get(
        reverse("comments:stamp"), {"article": article.pk}
    )
    assert response.status_code == 200
    return response.json()["ts"]


def held_on(article, client):
    """What comments.js asks for on a story this browser saw a held comment on."""
    response = client.get(reverse("comments:held"), {"article": article.pk})
    assert response.status_code == 200
    return response


# 1. Errors answer at the form, with the text kept -----------------------------------


def test_an_empty_comment_is_answered_by_a_page_that_starts_with_the_error():
    article = make_article(headline="Harbour bridge reopens", body="<p>Cars.</p>")
    data = cached_form(article) | {"comment": "   ", "author": "Keep Myname"}
    response = post(data)
    html = response.content.decode()
    assert response.status_code == 400
    first_heading = re.search(r"<h1[^>]*>(.*?)</h1>", html).group(1)
    assert first_heading == "Your comment was not posted"
    assert "Harbour bridge reopens</h1>" not in html  # not the story's top
    assert html.index("Please type your comment.") < html.index('id="commentform"')
    assert 'value="Keep Myname"' in html


def test_a_flood_refusal_keeps_the_text_and_says_when_to_try_again():
    article = make_article()
    data = cached_form(article)
    assert post(data, REMOTE_ADDR="198.51.100.1").status_code == 302
    again = data | {"comment": "My second thought, kept."}
    response = post(again, REMOTE_ADDR="198.51.100.1")
    html = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"] == "15"
    message = html.index("You are posting comments too quickly. Slow down.")
    assert message < html.index("My second thought, kept.</textarea>")
    assert re.search(r"<h1[^>]*>Your comment was not posted</h1>", html)


def test_the_per_ip_limit_answers_429_with_retry_after_and_the_text(settings):
    settings.COMMENTS_RATE_LIMIT = 1
    settings.COMMENTS_RATE_WINDOW = 600
    article = make_article()
    data = cached_form(article)
    post(data)
    response = post(data | {"comment": "Limited but kept.", "email": "b@example.com"})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 600
    html = response.content.decode()
    assert "Limited but kept.</textarea>" in html
    assert 'value="b@example.com" readonly' in html


# 2. A held comment stays visible to its author -------------------------------------


def test_a_held_comment_is_shown_to_its_author_after_the_signed_link_expires():
    article = make_article()
    author, stranger = Client(), Client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        posted = post(cached_form(article) | {"comment": "Mine, held."}, author)
        assert Comment.objects.get().status == Comment.Status.PENDING
        cookie = posted.cookies[HELD_COOKIE]
        # Sent only to the comment endpoints: story pages stay cacheable.
        assert cookie["path"] == "/comments/" and cookie["httponly"]
        traveller.shift(timedelta(days=2))
        shown = held_on(article, author).json()["comments"]
        assert [item["id"] for item in shown] == [Comment.objects.get().pk]
        assert "Mine, held." in shown[0]["html"]
        assert "Your comment is awaiting moderation." in shown[0]["html"]
        assert held_on(article, stranger).json() == {"comments": []}
        assert held_on(make_article(), author).json() == {"comments": []}


def test_the_held_comments_answer_is_never_stored_by_the_page_cache():
    article = make_article()
    author = Client()
    post(cached_form(article) | {"comment": "Only for me."}, author)
    for _ in range(2):
        response = held_on(article, author)
        assert response.get("X-Page-Cache") != "hit"
        assert "no-store" in response["Cache-Control"]
    shared = Client().get(article.get_absolute_url())
    assert "Only for me." not in shared.content.decode()
    anonymous = held_on(article, Client())
    assert anonymous.json() == {"comments": []}


@pytest.mark.parametrize("decision", ["approve", "trash", "mark_spam"])
def test_a_moderators_decision_ends_the_held_view_and_its_cookie(decision):
    article = make_article()
    author = Client()
    post(cached_form(article) | {"comment": "Decided soon."}, author)
    getattr(Comment.objects.get(), decision)()
    response = held_on(article, author)
    assert response.json() == {"comments": []}
    assert response.cookies[HELD_COOKIE].value == ""  # forgotten


def test_a_comment_the_screening_binned_still_looks_held_to_its_author():
    """A spammer learns nothing: the honeypot's spam shows as awaiting moderation."""
    article = make_article()
    author = Client()
    post(cached_form(article) | {"homepage": "http://spam.example"}, author)
    assert Comment.objects.get().status == Comment.Status.SPAM
    shown = held_on(article, author).json()["comments"]
    assert "awaiting moderation" in shown[0]["html"]


def test_a_forged_held_cookie_shows_nothing():
    article = make_article()
    secret = make_comment(article, status=Comment.Status.PENDING)
    thief = Client()
    thief.cookies[HELD_COOKIE] = str(secret.pk)
    assert held_on(article, thief).json() == {"comments": []}


# 3. The "too fast" rule on cached pages ---------------------------------------------


def test_a_form_sent_too_fast_after_the_fresh_stamp_is_held_on_a_cached_page():
    article = make_article()
    make_comment(article, author_name="Ann Reader", author_email="ann@example.com")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        data = cached_form(article)  # the stamp in the page: its render time
        traveller.shift(timedelta(minutes=2))  # the page sat in the cache
        data["ts"] = fresh_stamp(article)  # the reader focuses the form...
        traveller.shift(timedelta(seconds=1))  # ...and a bot sends at once
        post(data)
    comment = Comment.objects.latest("id")
    assert comment.status == Comment.Status.PENDING
    assert "after the page was served" in comment.status_reason


def test_a_reader_who_took_their_time_is_not_held_for_speed():
    article = make_article()
    make_comment(article, author_name="Ann Reader", author_email="ann@example.com")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        data = cached_form(article)
        data["ts"] = fresh_stamp(article)
        traveller.shift(timedelta(seconds=20))
        post(data)
    assert Comment.objects.latest("id").status == Comment.Status.APPROVED


def test_without_javascript_the_cached_stamp_still_lets_a_reader_comment():
    """No fresh stamp (no JS): the rule fails open on a cached page's stamp."""
    article = make_article()
    make_comment(article, author_name="Ann Reader", author_email="ann@example.com")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        data = cached_form(article)
        traveller.shift(timedelta(minutes=2))
        assert post(data).status_code == 302
    assert Comment.objects.latest("id").status == Comment.Status.APPROVED


def test_the_stamp_is_never_cached_and_refuses_nonsense():
    article = make_article()
    first = Client().get(reverse("comments:stamp"), {"article": article.pk})
    second = Client().get(reverse("comments:stamp"), {"article": article.pk})
    assert second.get("X-Page-Cache") != "hit"
    assert "no-store" in second["Cache-Control"]
    assert first.json()["ts"]
    for nonsense in ("", "abc", "9" * 40, "-1", "٣"):
        response = Client().get(reverse("comments:stamp"), {"article": nonsense})
        assert response.status_code == 404


# 4. The flood rule holds under concurrency -----------------------------------------


@pytest.mark.django_db(transaction=True)
def test_sixteen_concurrent_posts_with_one_email_from_many_addresses_store_one():
    skip_on_in_memory_sqlite(
        "SQLite's BEGIN IMMEDIATE serialises the check and the insert"
    )
    article = make_article()
    data = cached_form(article)
    statuses = []

    def send(n):
        client = Client(REMOTE_ADDR=f"198.51.100.{n}")
        different = data | {"comment": f"Thought number {n}."}
        statuses.append(client.post(reverse("comments:post"), different).status_code)

    assert all_at_once(send, range(1, 17)) == []
    assert Comment.objects.count() == 1
    assert sorted(statuses) == [302] + [429] * 15


def test_a_flood_that_passed_the_early_check_is_refused_at_the_save(monkeypatch):
    """The race, made deterministic: both posts passed the early check."""
    from comments import posting

    monkeypatch.setattr(posting, "comment_refusal", lambda *args, **kwargs: None)
    article = make_article()
    data = cached_form(article)
    assert post(data, REMOTE_ADDR="198.51.100.1").status_code == 302
    later = data | {"comment": "Something else entirely."}
    response = post(later, REMOTE_ADDR="198.51.100.2")
    assert response.status_code == 429
    assert Comment.objects.count() == 1


# 6. Invisible and direction-changing characters -------------------------------------


@pytest.mark.parametrize("invisible", ["\u200b", "\u200b\u200c\u2060\ufeff", "\u3164 "])
def test_a_comment_of_only_invisible_characters_is_refused(invisible):
    article = make_article()
    response = post(cached_form(article) | {"comment": invisible})
    assert response.status_code == 400
    assert "Your comment has no visible text" in response.content.decode()
    assert not Comment.objects.exists()


def test_bidi_overrides_are_stripped_from_the_comment_and_the_name():
    article = make_article()
    data = cached_form(article) | {
        "comment": "Price: \u202e0001\u202c dollars \u2067x\u2069",
        "author": "Ann \u202eredaeR\u202c",
    }
    assert post(data).status_code == 302
    comment = Comment.objects.get()
    assert comment.content == "Price: 0001 dollars x"
    assert comment.author_name == "Ann redaeR"
    assert not re.search("[\u202a-\u202e\u2066-\u2069]", comment.content_html)


def test_a_name_of_only_invisible_characters_is_refused():
    article = make_article()
    response = post(cached_form(article) | {"author": "\u200d\u200d"})
    assert response.status_code == 400
    assert "Please enter your name." in response.content.decode()
