"""What an app reading the API gets: published stories with everything their page
shows, filtered and paged, and the lists around them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Correction
from comments.models import Comment
from tests.support.factories import (
    make_article,
    make_author,
    make_comment,
    make_library_image,
    make_section,
)

pytestmark = pytest.mark.django_db
SITE = "http://127.0.0.1:8000"


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def headlines(page):
    return [story["headline"] for story in page["results"]]


def test_story_detail_has_body_with_quotes_and_absolute_addresses(client):
    section = make_section(name="Politics", slug="politics")
    author = make_author(name="Ann Reporter", slug="ann-reporter", role="Mayor-watcher")
    story = make_article(
        headline="Harbour bridge reopens",
        section=section,
        authors=[author],
        tags=["harbour"],
        quotes=[{"text": "It is open.", "speaker": "The Mayor"}],
        body='<p>See <a href="/section/politics/">politics</a>.</p><p>[quote 1]</p>',
    )
    Correction.objects.create(article=story, text="The bridge is 2 km long.")

    data = get(client, f"/api/v1/stories/{story.pk}/")

    assert data["headline"] == "Harbour bridge reopens"
    assert f'href="{SITE}/section/politics/"' in data["body_html"]
    assert "It is open." in data["body_html"] and "[quote 1]" not in data["body_html"]
    assert data["quotes"][0]["speaker"] == "The Mayor"
    assert data["corrections"][0]["text"] == "The bridge is 2 km long."
    assert data["updated_at"] is not None
    assert data["bylines"] == [
        {
            "id": author.pk,
            "slug": "ann-reporter",
            "name": "Ann Reporter",
            "role": "Mayor-watcher",
        }
    ]
    assert data["section"]["slug"] == "politics"
    assert data["tags"] == [{"slug": "harbour", "name": "harbour"}]
    assert data["canonical_url"] == SITE + story.get_absolute_url()
    assert data["comments_url"] == f"{SITE}/api/v1/stories/{story.pk}/comments/"


def test_story_shows_its_featured_image_with_renditions(client):
    image = make_library_image(
        alt_text="Crowds on the bridge", credit="A. Photographer"
    )
    story = make_article(featured_image=image)

    picture = get(client, f"/api/v1/stories/{story.pk}/")["featured_image"]

    assert picture["alt"] == "Crowds on the bridge"
    assert picture["credit"] == "A. Photographer"
    assert picture["url"].startswith(SITE + "/media/")
    assert picture["renditions"], "renditions listed"
    assert all(r["url"].startswith(SITE) for r in picture["renditions"])
    assert {"image/webp"} <= {r["type"] for r in picture["renditions"]}
    assert "thumb" not in {r["kind"] for r in picture["renditions"]}


def test_story_list_is_newest_first_and_pages_with_a_cursor(client):
    now = timezone.now()
    for n in range(5):
        make_article(headline=f"Story {n}", published_at=now - timedelta(hours=5 - n))

    first = get(client, "/api/v1/stories/", limit=2)
    assert headlines(first) == ["Story 4", "Story 3"]
    second = client.get(first["next"]).json()
    assert headlines(second) == ["Story 2", "Story 1"]
    third = client.get(second["next"]).json()
    assert headlines(third) == ["Story 0"] and third["next"] is None
    assert headlines(client.get(third["previous"]).json()) == ["Story 2", "Story 1"]


def test_stories_filter_by_section_tag_and_author(client):
    politics = make_section(slug="politics")
    ann = make_author(slug="ann")
    make_article(headline="In politics", section=politics)
    make_article(headline="Tagged", tags=["harbour"])
    make_article(headline="By Ann", authors=[ann])

    assert headlines(get(client, "/api/v1/stories/", section="politics")) == [
        "In politics"
    ]
    assert headlines(get(client, "/api/v1/stories/", tag="harbour")) == ["Tagged"]
    assert headlines(get(client, "/api/v1/stories/", author="ann")) == ["By Ann"]
    assert headlines(get(client, "/api/v1/stories/", section="nowhere")) == []


def test_stories_filter_by_date_range_and_updated_since(client):
    now = timezone.now()
    make_article(headline="Last week", published_at=now - timedelta(days=7))
    make_article(headline="Yesterday", published_at=now - timedelta(days=1))

    recent = get(
        client,
        "/api/v1/stories/",
        published_after=(now - timedelta(days=2)).isoformat(),
        published_before=now.isoformat(),
    )
    assert headlines(recent) == ["Yesterday"]
    assert (
        headlines(
            get(
                client,
                "/api/v1/stories/",
                updated_since=(now + timedelta(minutes=1)).isoformat(),
            )
        )
        == []
    )
    assert (
        len(get(client, "/api/v1/stories/", updated_since="2000-01-01")["results"]) == 2
    )


def test_search_finds_published_stories_by_their_words(client):
    make_article(headline="Harbour bridge reopens", body="<p>Cars are back.</p>")
    make_article(headline="Budget vote delayed")

    assert headlines(get(client, "/api/v1/stories/", q="bridge cars")) == [
        "Harbour bridge reopens"
    ]
    assert headlines(get(client, "/api/v1/stories/", q="NEAR OR *")) == []


def test_comments_are_threaded_and_never_show_email_or_ip(client):
    story = make_article()
    first = make_comment(story, author_name="Ada", author_email="ada@example.com")
    reply = make_comment(story, parent=first, author_name="")
    make_comment(story, status=Comment.Status.PENDING, content="Held back")
    make_comment(story, status=Comment.Status.SPAM, content="Buy now")

    response = client.get(f"/api/v1/stories/{story.pk}/comments/")
    thread = response.json()

    assert [c["author_name"] for c in thread] == ["Ada"]
    assert thread[0]["replies"][0]["id"] == reply.pk
    assert thread[0]["replies"][0]["author_name"] == "Anonymous"
    body = response.content.decode()
    assert "example.com" not in body and "203.0.113" not in body
    assert "Held back" not in body and "Buy now" not in body


def test_quotes_filter_by_speaker(client):
    make_article(quotes=[{"text": "Open.", "speaker": "The Mayor"}])
    make_article(quotes=[{"text": "Closed.", "speaker": "The Minister"}])

    quotes = get(client, "/api/v1/quotes/", speaker="the-mayor")["results"]

    assert [q["text"] for q in quotes] == ["Open."]
    assert quotes[0]["story"]["api_url"].startswith(SITE + "/api/v1/stories/")


def test_sections_tags_authors_and_corrections_are_listed(client):
    politics = make_section(name="Politics", slug="politics")
    ann = make_author(name="Ann", slug="ann")
    story = make_article(section=politics, authors=[ann], tags=["harbour", "bridges"])
    Correction.objects.create(article=story, text="Fixed a name.")

    assert [s["slug"] for s in get(client, "/api/v1/sections/")] == ["politics"]
    tags = get(client, "/api/v1/tags/")["results"]
    assert [(t["slug"], t["story_count"]) for t in tags] == [
        ("bridges", 1),
        ("harbour", 1),
    ]
    assert [a["slug"] for a in get(client, "/api/v1/authors/")["results"]] == ["ann"]
    corrections = get(client, "/api/v1/corrections/")["results"]
    assert corrections[0]["text"] == "Fixed a name."
    assert corrections[0]["story"]["id"] == story.pk


def test_authors_and_tags_page_by_name(client):
    for name in ["Cleo", "Ann", "Bea"]:
        make_article(authors=[make_author(name=name, slug=name.lower())])

    first = get(client, "/api/v1/authors/", limit=2)
    assert [a["name"] for a in first["results"]] == ["Ann", "Bea"]
    assert [a["name"] for a in client.get(first["next"]).json()["results"]] == ["Cleo"]
