from datetime import timedelta
from xml.etree import ElementTree

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles import sitemaps
from articles.models import Article
from tests.support.discovery import MARKER, UNSEEN_KINDS, published_story, unseen_story
from tests.support.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
SITE = "http://127.0.0.1:8000"
SITEMAP_URLS = [
    "/sitemap.xml",
    "/sitemap-articles.xml",
    "/sitemap-sections.xml",
    "/sitemap-tags.xml",
    "/sitemap-authors.xml",
    "/sitemap-news.xml",
]


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content)


def urlset(client, url) -> dict[str, ElementTree.Element]:
    """loc -> <url> element, checking the sitemap protocol's structure."""
    root = fetch(client, url)
    assert root.tag == f"{SM}urlset"
    entries = {}
    for element in root:
        assert element.tag == f"{SM}url"
        loc = element.findtext(f"{SM}loc")
        assert loc.startswith(SITE + "/")
        lastmod = element.findtext(f"{SM}lastmod")
        if lastmod is not None:
            assert parse_datetime(lastmod).tzinfo is not None, lastmod
        entries[loc] = element
    return entries


def index_locations(client) -> list[str]:
    root = fetch(client, "/sitemap.xml")
    assert root.tag == f"{SM}sitemapindex"
    assert all(child.tag == f"{SM}sitemap" for child in root)
    return [child.findtext(f"{SM}loc") for child in root]


def test_index_lists_every_sitemap(client):
    published_story()
    assert index_locations(client) == [
        f"{SITE}/sitemap-articles.xml",
        f"{SITE}/sitemap-sections.xml",
        f"{SITE}/sitemap-tags.xml",
        f"{SITE}/sitemap-authors.xml",
        f"{SITE}/sitemap-news.xml",
    ]


def test_seed_story_is_in_the_sitemaps(client):
    call_command("load_demo", verbosity=0)
    seed = Article.objects.get(headline__startswith="Vladimir Putin Congratules")
    url = SITE + seed.get_absolute_url()
    entry = urlset(client, "/sitemap-articles.xml")[url]
    lastmod = parse_datetime(entry.findtext(f"{SM}lastmod"))
    assert lastmod == seed.modified_at.replace(microsecond=0)
    assert f"{SITE}/section/politics/" in urlset(client, "/sitemap-sections.xml")
    assert f"{SITE}/tag/vladimir-putin/" in urlset(client, "/sitemap-tags.xml")


def test_article_lastmod_follows_the_latest_change(client):
    story = published_story()
    later = timezone.now() + timedelta(minutes=5)
    Article.objects.filter(pk=story.pk).update(modified_at=later)
    entry = urlset(client, "/sitemap-articles.xml")[SITE + story.get_absolute_url()]
    assert parse_datetime(entry.findtext(f"{SM}lastmod")) == later.replace(
        microsecond=0
    )


def test_article_sitemap_is_split_into_pages(client, monkeypatch):
    monkeypatch.setattr(sitemaps, "ARTICLES_PER_PAGE", 2)
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
    now = timezone.now()
    stories = [
        published_story(headline=f"S{n}", published_at=now - timedelta(days=5 - n))
        for n in range(5)
    ]
    locations = index_locations(client)
    assert locations[:3] == [
        f"{SITE}/sitemap-articles.xml",
        f"{SITE}/sitemap-articles.xml?p=2",
        f"{SITE}/sitemap-articles.xml?p=3",
    ]
    seen = []
    for page in ["", "?p=2", "?p=3"]:
        seen += list(urlset(client, "/sitemap-articles.xml" + page))
    assert seen == [SITE + s.get_absolute_url() for s in stories]  # oldest first
    assert client.get("/sitemap-articles.xml?p=4").status_code == 404


def test_index_gives_each_article_page_its_own_lastmod(client, monkeypatch):
    monkeypatch.setattr(sitemaps, "ARTICLES_PER_PAGE", 2)
    now = timezone.now()
    for n in range(3):
        published_story(published_at=now - timedelta(days=10 - n))
    newest = published_story(published_at=now - timedelta(hours=1))
    Article.objects.exclude(pk=newest.pk).update(modified_at=now - timedelta(days=9))
    Article.objects.filter(pk=newest.pk).update(modified_at=now)
    root = fetch(client, "/sitemap.xml")
    lastmods = [child.findtext(f"{SM}lastmod") for child in root][:2]
    first, second = (parse_datetime(value) for value in lastmods)
    assert first < second == now.replace(microsecond=0)


def test_sections_tags_and_authors_sitemaps_list_their_pages(client):
    section = make_section(slug="ferries")
    author = make_author(slug="bo-writer")
    make_article(section=section, tags=["Boats"], authors=[author])
    assert list(urlset(client, "/sitemap-sections.xml")) == [f"{SITE}/section/ferries/"]
    assert list(urlset(client, "/sitemap-tags.xml")) == [f"{SITE}/tag/boats/"]
    assert list(urlset(client, "/sitemap-authors.xml")) == [f"{SITE}/author/bo-writer/"]


def test_news_sitemap_holds_the_last_48_hours_with_news_details(client, settings):
    settings.SITE_NAME = "Harbour Herald"
    settings.SITE_LANGUAGE = "en"
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        fresh = published_story(
            headline="Fresh & new", published_at=now - timedelta(hours=47)
        )
        published_story(headline="Stale", published_at=now - timedelta(hours=49))
        entries = urlset(client, "/sitemap-news.xml")
    assert list(entries) == [SITE + fresh.get_absolute_url()]
    news = entries[SITE + fresh.get_absolute_url()].find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Harbour Herald"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"
    assert news.findtext(f"{NEWS}title") == "Fresh & new"
    published = parse_datetime(news.findtext(f"{NEWS}publication_date"))
    assert published == fresh.published_at.replace(microsecond=0)


def test_news_sitemap_window_moves_with_the_clock(client):
    now = timezone.now()
    story = published_story(published_at=now - timedelta(hours=1))
    url = SITE + story.get_absolute_url()
    with time_machine.travel(now + timedelta(hours=46)):
        assert url in urlset(client, "/sitemap-news.xml")
    with time_machine.travel(now + timedelta(hours=48)):
        assert url not in urlset(client, "/sitemap-news.xml")


def test_robots_txt_points_at_the_sitemaps(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert f"Sitemap: {SITE}/sitemap.xml" in text
    assert f"Sitemap: {SITE}/sitemap-news.xml" in text
    assert "Disallow: /preview/" in text


@pytest.mark.parametrize(
    "url",
    [
        "/sitemap-articles.xml?p=abc",
        "/sitemap-articles.xml?p=0",
        "/sitemap-articles.xml?p=-1",
        "/sitemap-articles.xml?p=99999999999999999999999",
        "/sitemap-nothing.xml",
    ],
)
def test_odd_sitemap_requests_are_404_not_500(client, url):
    published_story()
    assert client.get(url).status_code == 404


def test_odd_query_strings_give_the_normal_index(client):
    published_story()
    assert client.get("/sitemap.xml?p=zzz&x=%00").status_code == 200


@pytest.mark.parametrize("kind", UNSEEN_KINDS)
def test_unpublished_stories_appear_in_no_sitemap(client, kind):
    published_story()
    unseen = unseen_story(kind, section=make_section(slug="zanzibar-desk"))
    unseen_path = unseen.get_absolute_url()
    for url in SITEMAP_URLS:
        body = client.get(url).content.decode()
        assert MARKER not in body, url
        assert unseen_path not in body, url


def test_scheduled_story_enters_the_sitemaps_when_its_time_comes(client):
    published_story()
    story = unseen_story("scheduled")
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        assert SITE + story.get_absolute_url() in urlset(
            client, "/sitemap-articles.xml"
        )
        assert SITE + story.get_absolute_url() in urlset(client, "/sitemap-news.xml")
        assert f"{SITE}/tag/zanzibar-scheduled/" in urlset(client, "/sitemap-tags.xml")


@pytest.mark.parametrize("count", [3, 30])
def test_sitemap_queries_do_not_grow_with_stories(
    client, django_assert_max_num_queries, count
):
    section = make_section()
    author = make_author()
    for n in range(count):
        make_article(section=section, authors=[author], tags=["common", f"t{n}"])
    for url in SITEMAP_URLS:
        # Index: article pages, tag count, author count. Others: count, one page.
        with django_assert_max_num_queries(3):
            assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("kind", UNSEEN_KINDS)
def test_list_page_lastmod_ignores_unpublished_stories(client, kind):
    section = make_section(slug="ferries")
    author = make_author(slug="bo-writer")
    story = published_story(
        section=section,
        tags=["Boats"],
        authors=[author],
        published_at=timezone.now() - timedelta(days=2),
    )
    unseen_story(
        kind,
        section=section,
        tags=["Boats"],
        authors=[author],
        **(
            {"published_at": timezone.now() - timedelta(hours=1)}
            if kind == "review"
            else {}
        ),
    )
    expected = story.published_at.replace(microsecond=0)
    for url, loc in [
        ("/sitemap-sections.xml", "/section/ferries/"),
        ("/sitemap-tags.xml", "/tag/boats/"),
        ("/sitemap-authors.xml", "/author/bo-writer/"),
    ]:
        entry = urlset(client, url)[SITE + loc]
        assert parse_datetime(entry.findtext(f"{SM}lastmod")) == expected, url
