"""A held comment shown to its own author, and to no one else, through the signed,
short-lived link the post redirects to."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from comments.models import Comment
from tests.support.comments import form_data, page, post_url
from tests.support.factories import make_article, make_comment

pytestmark = pytest.mark.django_db


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
