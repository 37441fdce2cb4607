"""No draft, story in review, scheduled or expired story, nor anything that hangs
off one (quotes, corrections, comments, a tag or an author only it has), ever
reaches an API reader, on any endpoint."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Correction
from tests.support.factories import make_article, make_author, make_comment

pytestmark = pytest.mark.django_db

SECRET = "Zanzibarsecret"


def _hidden(kind):
    now = timezone.now()
    states = {
        "draft": {"status": Article.Status.DRAFT, "published_at": None},
        "review": {"status": Article.Status.REVIEW, "published_at": None},
        "scheduled": {"published_at": now + timedelta(days=1)},
        "expired": {
            "published_at": now - timedelta(days=2),
            "expires_at": now - timedelta(days=1),
        },
        # Published once, then taken back: the publish time stays.
        "unpublished": {
            "status": Article.Status.DRAFT,
            "published_at": now - timedelta(days=1),
        },
    }
    author = make_author(name=f"{SECRET} writer", slug=f"{SECRET.lower()}-writer")
    story = make_article(
        headline=f"{SECRET} headline",
        standfirst=f"{SECRET} standfirst",
        body=f"<p>{SECRET} body</p>",
        tags=[f"{SECRET.lower()}-topic"],
        authors=[author],
        quotes=[{"text": f"{SECRET} quote", "speaker": f"{SECRET} speaker"}],
        **states[kind],
    )
    Correction.objects.create(article=story, text=f"{SECRET} correction")
    make_comment(story, content=f"{SECRET} comment")
    return story


LISTS = [
    "/api/v1/stories/",
    f"/api/v1/stories/?q={SECRET}",
    f"/api/v1/stories/?tag={SECRET.lower()}-topic",
    f"/api/v1/stories/?author={SECRET.lower()}-writer",
    "/api/v1/stories/?updated_since=2000-01-01",
    "/api/v1/tags/",
    "/api/v1/authors/",
    "/api/v1/quotes/",
    f"/api/v1/quotes/?speaker={SECRET.lower()}-speaker",
    "/api/v1/corrections/",
    "/api/v1/sections/",
]


@pytest.mark.parametrize(
    "kind", ["draft", "review", "scheduled", "expired", "unpublished"]
)
def test_a_story_readers_cannot_see_is_on_no_endpoint(client, kind):
    make_article(headline="A live story", tags=["live"])
    story = _hidden(kind)

    for url in LISTS:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET.lower() not in response.content.decode().lower(), url
    for url in [
        f"/api/v1/stories/{story.pk}/",
        f"/api/v1/stories/{story.pk}/comments/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert SECRET.lower() not in response.content.decode().lower(), url


def test_the_same_story_once_live_is_everywhere(client):
    """The matrix's control: the secret does show once the story is published."""
    story = _hidden("scheduled")
    Article.objects.filter(pk=story.pk).update(
        published_at=timezone.now() - timedelta(minutes=1)
    )

    for url in LISTS[:-1]:  # a section list shows no story text
        assert SECRET.lower() in client.get(url).content.decode().lower(), url
    assert client.get(f"/api/v1/stories/{story.pk}/comments/").status_code == 200
