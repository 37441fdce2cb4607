import json
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from articles import seo
from articles.models import Article, Correction
from tests.support.discovery import UNSEEN_KINDS, published_story, unseen_story
from tests.support.factories import make_author, make_section

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"
LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld_blocks(html: str) -> dict[str, dict]:
    blocks = [json.loads(text) for text in LD_JSON.findall(html)]
    return {block["@type"]: block for block in blocks}


def meta(html: str, key: str) -> list[str]:
    pattern = rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">'
    return re.findall(pattern, html)


@pytest.fixture
def seed(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # renditions
        call_command("load_demo", verbosity=0)
    article = Article.objects.get(headline__startswith="Vladimir Putin Congratules")
    html = client.get(article.get_absolute_url()).content.decode()
    return article, html


def test_seed_story_has_a_complete_news_article(seed):
    article, html = seed
    data = json_ld_blocks(html)["NewsArticle"]
    url = SITE + article.get_absolute_url()
    assert data["@context"] == "https://schema.org"
    assert data["headline"] == article.headline
    assert data["description"] == article.standfirst
    assert data["url"] == url
    assert data["mainEntityOfPage"]["@id"] == url
    assert data["datePublished"] == "2016-11-09T18:30:00+00:00"
    assert data["dateModified"] >= data["datePublished"]
    assert data["articleSection"] == "Politics"
    assert {"Vladimir Putin", "Donald Trump", "Russia", "Election 2016"} <= set(
        data["keywords"]
    )
    assert data["inLanguage"] == "en"


def test_seed_story_image_lists_its_renditions(seed):
    article, html = seed
    images = json_ld_blocks(html)["NewsArticle"]["image"]
    picture = article.featured_image
    assert images[0]["url"] == SITE + picture.file.url
    assert images[0]["width"] == picture.width
    assert images[0]["creditText"] == "Newsroom illustration"
    social, *widths = images[1:]
    assert (social["width"], social["height"]) == (1200, 630)
    webp = [r for r in picture.renditions_of("width") if r["type"] == "image/webp"]
    assert [image["width"] for image in widths] == sorted(
        (r["width"] for r in webp), reverse=True
    )
    assert len(widths) >= 2
    assert all(image["url"].startswith(SITE + "/media/") for image in images)


def test_authors_are_people_with_their_page_and_publisher_has_a_logo(seed, client):
    article, html = seed
    data = json_ld_blocks(html)["NewsArticle"]
    author = article.byline_list[0]
    assert data["author"][0]["@type"] == "Person"
    assert data["author"][0]["name"] == author.name
    assert data["author"][0]["url"] == SITE + author.get_absolute_url()
    publisher = data["publisher"]
    assert publisher["name"] == "The Newsroom"
    logo = publisher["logo"]
    assert logo["url"] == SITE + "/static/img/logo.png"
    assert (logo["width"], logo["height"]) == seo.LOGO_SIZE
    assert client.get(author.get_absolute_url()).status_code == 200


def test_seed_story_has_breadcrumbs_home_section_story(seed):
    article, html = seed
    trail = json_ld_blocks(html)["BreadcrumbList"]["itemListElement"]
    assert [item["position"] for item in trail] == [1, 2, 3]
    assert [item["item"] for item in trail] == [
        SITE + "/",
        SITE + "/section/politics/",
        SITE + article.get_absolute_url(),
    ]


def test_seed_story_has_open_graph_twitter_canonical_and_description(seed):
    article, html = seed
    url = SITE + article.get_absolute_url()
    assert f'<link rel="canonical" href="{url}">' in html
    assert meta(html, "og:type") == ["article"]
    assert meta(html, "og:url") == [url]
    assert meta(html, "og:title") == [article.headline]
    crops = article.featured_image.renditions_of("social")
    social = max(
        (r for r in crops if r["type"] == "image/jpeg"), key=lambda r: r["width"]
    )
    assert meta(html, "og:image") == [SITE + social["url"]]
    assert meta(html, "og:image:alt") == ["putin"]
    assert meta(html, "twitter:card") == ["summary_large_image"]
    assert "Vladimir Putin" in meta(html, "article:tag")
    assert meta(html, "article:published_time") == ["2016-11-09T18:30:00+00:00"]
    description = re.search(r'<meta name="description" content="([^"]*)">', html)
    assert description.group(1) == escape(article.standfirst)


def test_corrections_appear_in_the_news_article(client):
    story = published_story()
    Correction.objects.create(article=story, text="We misspelt the ferry's name.")
    html = client.get(story.get_absolute_url()).content.decode()
    corrections = json_ld_blocks(html)["NewsArticle"]["correction"]
    assert corrections[0]["@type"] == "CorrectionComment"
    assert "misspelt the ferry" in corrections[0]["text"]


def test_story_without_image_or_section_still_has_valid_metadata(client):
    story = published_story(section=make_section(), standfirst="")
    Article.objects.filter(pk=story.pk).update(section=None)
    html = client.get(story.get_absolute_url()).content.decode()
    data = json_ld_blocks(html)["NewsArticle"]
    assert "image" not in data
    assert meta(html, "twitter:card") == ["summary"]
    assert len(json_ld_blocks(html)["BreadcrumbList"]["itemListElement"]) == 2


def test_json_ld_cannot_be_broken_out_of(client):
    evil = '</script><script>alert("x")</script><!--'
    author = make_author(name=evil)
    story = published_story(
        headline=evil, standfirst=evil, tags=[evil[:40]], authors=[author]
    )
    Correction.objects.create(article=story, text=evil)
    html = client.get(story.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    for block in LD_JSON.findall(html):
        assert "<" not in block and ">" not in block
    data = json_ld_blocks(html)["NewsArticle"]
    assert data["headline"] == evil
    assert data["author"][0]["name"] == evil


def test_json_ld_escapes_markup_characters():
    assert str(seo.json_ld({"a": "</script>&"})) == (
        '{"a": "\\u003c/script\\u003e\\u0026"}'
    )


def test_updated_story_reports_its_update_as_modified(client):
    story = published_story()
    updated = timezone.now().replace(microsecond=0)
    Article.objects.filter(pk=story.pk).update(updated_at=updated)
    html = client.get(story.get_absolute_url()).content.decode()
    data = json_ld_blocks(html)["NewsArticle"]
    assert data["dateModified"] == seo.iso(updated)


def test_home_page_describes_the_website_with_a_search_action(client):
    published_story()
    html = client.get(reverse("articles:home")).content.decode()
    website = json_ld_blocks(html)["WebSite"]
    assert website["url"] == SITE + "/"
    target = website["potentialAction"]["target"]["urlTemplate"]
    assert target == SITE + "/search/?q={search_term_string}"


def test_section_and_tag_pages_are_collection_pages(client):
    section = make_section(name="Ferries", slug="ferries")
    published_story(section=section, tags=["Boats"])
    for url, name in [("/section/ferries/", "Ferries"), ("/tag/boats/", "Boats")]:
        page = json_ld_blocks(client.get(url).content.decode())["CollectionPage"]
        assert page["name"] == name
        assert page["url"] == SITE + url


def test_preview_of_an_unpublished_story_has_no_news_metadata(client, staff_editor):
    client.force_login(staff_editor)
    draft = unseen_story("draft")
    html = client.get(reverse("articles:preview", args=[draft.pk])).content.decode()
    assert "NewsArticle" not in html
    assert "og:title" not in html


@pytest.mark.parametrize("kind", UNSEEN_KINDS)
def test_unpublished_neighbours_never_reach_a_story_page(client, kind):
    section = make_section()
    story = published_story(
        section=section, published_at=timezone.now() - timedelta(hours=3)
    )
    unseen_story(kind, section=section, tags=["Harbour"])
    html = client.get(story.get_absolute_url()).content.decode()
    assert "zanzibar" not in html.lower()
