"""Whatever a client sends, the API answers a clear 4xx in JSON, never a 5xx."""

import base64

import pytest
from django.test import Client

from tests.support.factories import make_article

pytestmark = pytest.mark.django_db


def raw_get(path: str, query: str):
    """A request with exactly this query string (invalid UTF-8, NUL bytes…)."""
    return Client().generic("GET", path, QUERY_STRING=query)


def forged(cursor: str) -> str:
    return base64.b64encode(cursor.encode()).decode()


BAD_QUERIES = [
    ("/api/v1/stories/", "colour=red", "Unknown query parameter 'colour'"),
    ("/api/v1/stories/1/", "page=2", "Unknown query parameter 'page'"),
    ("/api/v1/stories/", "published_after=yesterday", "published_after"),
    ("/api/v1/stories/", "updated_since=2024-13-45", "updated_since"),
    (
        "/api/v1/stories/",
        "published_after=2024-02-01&published_before=2024-01-01",
        "published_before",
    ),
    ("/api/v1/stories/", "limit=1000000", "limit"),
    ("/api/v1/stories/", "limit=0", "limit"),
    ("/api/v1/stories/", "limit=-5", "limit"),
    ("/api/v1/stories/", "limit=" + "9" * 400, "limit"),
    ("/api/v1/stories/", "q=" + "x" * 5000, "q"),
    ("/api/v1/stories/", "q=%00", "control characters"),
    ("/api/v1/stories/", "tag=a%00b", "control characters"),
    ("/api/v1/stories/", "q=%ff%fe", "not valid UTF-8"),
    ("/api/v1/quotes/", "speaker=%c3%28", "not valid UTF-8"),
    ("/api/v1/stories/", "cursor=not-a-cursor", "cursor"),
    ("/api/v1/stories/", "cursor=" + forged("p=yesterday"), "cursor"),
    (
        "/api/v1/stories/",
        "cursor=" + forged("p=2024-01-01 00:00:00%2B00:00&r=x"),
        "cursor",
    ),
    ("/api/v1/authors/", "cursor=" + forged("p=a%00b"), "cursor"),
    ("/api/v1/quotes/", "cursor=" + forged("p=1e9999"), "cursor"),
]


@pytest.mark.parametrize(("path", "query", "said"), BAD_QUERIES)
def test_bad_query_is_a_clear_400(path, query, said):
    make_article()
    response = raw_get(path, query)
    assert response.status_code == 400, response.content
    assert said in response.content.decode()
    assert response["Content-Type"] == "application/json"


def test_unknown_story_is_a_json_404(client):
    response = client.get("/api/v1/stories/999999/comments/")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_a_huge_story_id_is_a_404_not_an_overflow(client):
    assert client.get("/api/v1/stories/99999999999999999999999/").status_code == 404


def test_writes_are_refused(client):
    story = make_article()
    for method in (client.post, client.put, client.delete):
        response = method(f"/api/v1/stories/{story.pk}/")
        assert response.status_code == 405
        assert "read-only" in response.json()["detail"]


def test_a_cursor_we_gave_out_still_works_after_the_limit_changes(client):
    for _ in range(3):
        make_article()
    first = client.get("/api/v1/stories/?limit=1").json()
    assert client.get(first["next"].replace("limit=1", "limit=2")).status_code == 200
