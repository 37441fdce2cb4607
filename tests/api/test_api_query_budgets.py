"""The story list and a story's detail cost a fixed number of queries, whatever
the stories carry (bylines, tags, images, quotes, corrections, comments)."""

import pytest

from articles.models import Correction
from tests.support.factories import (
    make_article,
    make_author,
    make_comment,
    make_library_image,
    make_section,
)

pytestmark = pytest.mark.django_db


def _rich_story(n, image):
    story = make_article(
        section=make_section(),
        authors=[make_author() for _ in range(n)],
        tags=[f"topic-{n}-{i}" for i in range(n)],
        quotes=[{"text": f"Quote {i}", "speaker": f"Speaker {i}"} for i in range(n)],
        featured_image=image,
        body="<p>News.</p>" + "".join(f"<p>[quote {i + 1}]</p>" for i in range(n)),
    )
    for i in range(n):
        Correction.objects.create(article=story, text=f"Note {i}")
        make_comment(story)
    return story


@pytest.mark.parametrize("stories", [1, 8])
def test_story_list_stays_within_six_queries(
    client, django_assert_max_num_queries, stories
):
    image = make_library_image()
    for n in range(stories):
        _rich_story(n + 1, image)
    for url in [
        "/api/v1/stories/?limit=100",
        "/api/v1/stories/?section=" + make_section(slug="s-budget").slug,
        "/api/v1/stories/?tag=topic-1-0&author=reporter-1",
        "/api/v1/stories/?q=news&updated_since=2000-01-01",
    ]:
        with django_assert_max_num_queries(6):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", [1, 8])
def test_story_detail_stays_within_eight_queries(
    client, django_assert_max_num_queries, size
):
    story = _rich_story(size, make_library_image())
    with django_assert_max_num_queries(8):
        data = client.get(f"/api/v1/stories/{story.pk}/").json()
    assert len(data["quotes"]) == size and len(data["corrections"]) == size
    with django_assert_max_num_queries(3):
        comments = client.get(f"/api/v1/stories/{story.pk}/comments/").json()
    assert len(comments) == size
