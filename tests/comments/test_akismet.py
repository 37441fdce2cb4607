"""Akismet against a fake Akismet server on 127.0.0.1 (never the internet)."""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from django.core import mail
from django.urls import reverse

from comments import akismet
from comments.models import Comment, DiscussionSettings
from comments.moderation import screen
from tests.support.comments import form_data
from tests.support.factories import make_article
from tests.support.users import user_in_group

pytestmark = pytest.mark.django_db

S = Comment.Status


class FakeAkismet(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        data = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        FakeAkismet.received.append((self.path, data))
        text = data.get("comment_content", "")
        headers = {}
        if "slow" in text:
            time.sleep(2)
            body = "false"
        elif "discard" in text:
            body, headers = "true", {"X-akismet-pro-tip": "discard"}
        elif "spam" in text:
            body = "true"
        elif "broken" in text:
            body, headers = "invalid", {"X-akismet-debug-help": "bad key"}
        elif "crash" in text:
            self.send_response(500)
            self.end_headers()
            return
        else:
            body = "false"
        self.send_response(200)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_akismet(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeAkismet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeAkismet.received = []
    settings.AKISMET_API_KEY = "test-key"
    settings.AKISMET_API_URL = f"http://127.0.0.1:{server.server_port}/1.1"
    settings.AKISMET_TIMEOUT = 1
    yield FakeAkismet
    server.shutdown()
    server.server_close()


def comment_saying(text, article=None):
    return Comment(
        article=article or make_article(),
        author_name="Ann",
        author_email="ann@example.com",
        content=text,
        ip_address="203.0.113.8",
        user_agent="Mozilla/5.0",
    )


def everyone_welcome():
    return DiscussionSettings(comment_previously_approved=False)


def test_akismet_is_off_without_a_key(settings):
    settings.AKISMET_API_KEY = ""
    assert not akismet.enabled()


def test_ham_passes_on_to_the_other_rules_and_akismet_gets_the_details(fake_akismet):
    verdict = screen(comment_saying("Lovely article"), everyone_welcome())
    assert verdict.status == S.APPROVED
    path, data = fake_akismet.received[0]
    assert path == "/1.1/comment-check"
    assert data["api_key"] == "test-key"
    assert data["comment_content"] == "Lovely article"
    assert data["user_ip"] == "203.0.113.8"
    assert data["comment_type"] == "comment"
    assert data["permalink"].startswith("http")


def test_spam_is_spam(fake_akismet):
    verdict = screen(comment_saying("buy spam"), everyone_welcome())
    assert (verdict.status, verdict.reason, verdict.notify) == (
        S.SPAM,
        "Akismet: spam",
        True,
    )


def test_discard_is_spam_without_notification(fake_akismet):
    verdict = screen(comment_saying("discard me"), everyone_welcome())
    assert verdict.status == S.SPAM and verdict.notify is False


@pytest.mark.parametrize("text", ["slow reply", "broken key", "crash now"])
def test_errors_and_timeouts_hold_the_comment_never_approve_it(fake_akismet, text):
    verdict = screen(comment_saying(text), everyone_welcome())
    assert verdict.status == S.PENDING
    assert verdict.reason == "Akismet could not be reached; held for review"


def test_unreachable_server_holds_the_comment(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.AKISMET_API_KEY = "test-key"
    settings.AKISMET_API_URL = f"http://127.0.0.1:{port}/1.1"
    assert screen(comment_saying("hello"), everyone_welcome()).status == S.PENDING


def test_discarded_comment_through_the_endpoint_is_stored_as_spam_silently(
    client, fake_akismet, django_user_model, django_capture_on_commit_callbacks
):
    user_in_group(django_user_model, "mod", "Moderator")
    article = make_article()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("comments:post"), form_data(article, comment="discard this")
        )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == S.SPAM
    assert mail.outbox == []
    assert "discard this" not in client.get(article.get_absolute_url()).content.decode()
