from datetime import timedelta

import feedparser
import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.support.discovery import (
    MARKER,
    UNSEEN_KINDS,
    published_story,
    unseen_story,
)
from tests.support.factories import (
    make_article,
    make_author,
    make_library_image,
    make_section,
)

pytestmark = pytest.mark.django_db

SEED_HEADLINE = "Vladimir Putin Congratules Trump on His Shocking Win"
FEED_NAMES = ["articles:feed", "articles:feed_atom"]


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, (url, feed.get("bozo_exception"))
    return response, feed


def every_feed_url(section, tag_slug, author):
    return [
        reverse("articles:feed"),
        reverse("articles:feed_atom"),
        reverse("articles:section_feed", args=[section.slug]),
        reverse("articles:section_feed_atom", args=[section.slug]),
        reverse("articles:tag_feed", args=[tag_slug]),
        reverse("articles:tag_feed_atom", args=[tag_slug]),
        reverse("articles:author_feed", args=[author.slug]),
        reverse("articles:author_feed_atom", args=[author.slug]),
    ]


def test_seed_story_is_in_every_feed_it_belongs_to(client):
    call_command("load_demo", verbosity=0)
    seed = Article.objects.get(headline=SEED_HEADLINE)
    author = seed.byline_list[0]
    for url in every_feed_url(seed.section, "vladimir-putin", author):
        _, feed = parse(client, url)
        titles = [entry.title for entry in feed.entries]
        assert SEED_HEADLINE in titles, url


@pytest.mark.parametrize("name", FEED_NAMES)
def test_feed_entry_carries_link_summary_dates_author_and_tags(client, name):
    author = make_author(name="Ann Reporter")
    story = published_story(
        headline="Ferry returns", standfirst="The ferry is back.", authors=[author]
    )
    _, feed = parse(client, reverse(name))
    entry = feed.entries[0]
    assert entry.title == "Ferry returns"
    assert entry.link == "http://127.0.0.1:8000" + story.get_absolute_url()
    assert "The ferry is back." in entry.summary
    assert entry.author == "Ann Reporter"
    assert "Harbour" in [tag.term for tag in entry.tags]
    assert entry.published_parsed[:4] == story.published_at.utctimetuple()[:4]


def test_feed_is_newest_first(client):
    now = timezone.now()
    published_story(headline="Older", published_at=now - timedelta(days=2))
    published_story(headline="Newer", published_at=now - timedelta(hours=1))
    _, feed = parse(client, reverse("articles:feed"))
    assert [e.title for e in feed.entries] == ["Newer", "Older"]


def test_headline_with_markup_characters_survives_the_feed(client):
    published_story(headline='Q&A: <why> the ferry "stopped"')
    for name in FEED_NAMES:
        _, feed = parse(client, reverse(name))
        assert feed.entries[0].title == 'Q&A: <why> the ferry "stopped"'


def test_feeds_carry_only_the_excerpt_by_default(client, settings):
    settings.FEED_FULL_CONTENT = False
    published_story(standfirst="Summary only.", body="<p>The whole body text.</p>")
    for name in FEED_NAMES:
        response, feed = parse(client, reverse(name))
        assert b"The whole body text." not in response.content
        assert "Summary only." in feed.entries[0].summary


@pytest.mark.parametrize("name", FEED_NAMES)
def test_feeds_carry_the_full_story_when_the_setting_is_on(client, settings, name):
    settings.FEED_FULL_CONTENT = True
    published_story(
        body="<p>The whole <strong>body</strong> text.</p><p>[quote 1]</p>",
        quotes=[{"text": "We sail at dawn.", "speaker": "Captain Ahab"}],
    )
    _, feed = parse(client, reverse(name))
    content = feed.entries[0].content[0].value
    assert "The whole <strong>body</strong> text." in content
    assert "We sail at dawn." in content


@pytest.mark.parametrize("name", FEED_NAMES)
def test_featured_image_is_an_enclosure_and_media_content(client, name):
    published_story(featured_image=make_library_image(alt_text="A red square"))
    _, feed = parse(client, reverse(name))
    entry = feed.entries[0]
    enclosure = entry.enclosures[0]
    assert enclosure.href.startswith("http://127.0.0.1:8000/media/library/")
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) > 0
    media = entry.media_content[0]
    assert media["medium"] == "image"
    assert media["url"].endswith(".webp")
    assert media["width"] == "1200"


def test_enclosure_length_is_the_uploads_size_without_asking_the_storage(
    client, monkeypatch
):
    from django.core.files.storage import FileSystemStorage

    story = published_story(featured_image=make_library_image())
    image = story.featured_image
    on_disk = image.file.storage.size(image.file.name)

    def no_size(self, name):  # an S3 HEAD per item is what this avoids
        raise AssertionError("the feed asked the storage for a size")

    monkeypatch.setattr(FileSystemStorage, "size", no_size)
    _, feed = parse(client, reverse("articles:feed"))
    assert int(feed.entries[0].enclosures[0].length) == on_disk


def test_section_tag_and_author_feeds_hold_only_their_stories(client):
    section = make_section(name="Ferries", slug="ferries")
    author = make_author(name="Bo Writer", slug="bo-writer")
    mine = make_article(
        headline="Mine", section=section, tags=["Boats"], authors=[author]
    )
    make_article(headline="Other", section=make_section(), tags=["Trains"])
    for url in every_feed_url(section, "boats", author)[2:]:  # not the site feeds
        _, feed = parse(client, url)
        assert [e.title for e in feed.entries] == [mine.headline], url


@pytest.mark.parametrize(
    "url",
    [
        "/section/no-such-section/feed/",
        "/tag/no-such-tag/feed/atom/",
        "/author/nobody/feed/",
        "/tag/%00/feed/",
        "/author/a%00b/feed/atom/",
        "/tag/" + "x" * 300 + "/feed/",
    ],
)
def test_unknown_section_tag_or_author_feed_is_404(client, url):
    assert client.get(url).status_code == 404


def test_odd_query_strings_give_the_normal_feed(client):
    published_story(headline="Ferry returns")
    for query in ["?page=-1", "?q=%00", "?format=<script>", "?a=1&a=2&" + "x" * 2000]:
        response = client.get(reverse("articles:feed") + query)
        assert response.status_code == 200
        assert feedparser.parse(response.content).entries[0].title == "Ferry returns"


@pytest.mark.parametrize("kind", UNSEEN_KINDS)
def test_unpublished_stories_appear_in_no_feed(client, kind):
    section = make_section()
    author = make_author()
    published_story(section=section, tags=["Zanzibar shared"], authors=[author])
    unseen_story(kind, section=section, tags=["Zanzibar shared"], authors=[author])
    for url in every_feed_url(section, "zanzibar-shared", author):
        response, feed = parse(client, url)
        assert MARKER not in " ".join(e.title.lower() for e in feed.entries), url
        assert b"Zanzibar " + kind.encode() not in response.content, url


@pytest.mark.parametrize("kind", UNSEEN_KINDS)
def test_tag_or_author_known_only_from_unpublished_stories_has_no_feed(client, kind):
    published_story()
    unseen_story(kind)
    for url in [
        reverse("articles:tag_feed", args=[f"zanzibar-{kind}"]),
        reverse("articles:author_feed_atom", args=[f"zanzibar-writer-{kind}"]),
    ]:
        assert client.get(url).status_code == 404, url


def test_scheduled_story_enters_the_feed_when_its_time_comes(client):
    published_story(headline="Already out")
    unseen_story("scheduled")
    _, feed = parse(client, reverse("articles:feed"))
    assert len(feed.entries) == 1
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        _, feed = parse(client, reverse("articles:feed"))
        assert feed.entries[0].title == "Zanzibar scheduled headline"


def _fill(count):
    section = make_section(slug="busy")
    author = make_author(slug="busy-writer")
    for n in range(count):
        make_article(
            section=section,
            authors=[author],
            tags=["common", f"t{n}"],
            featured_image=make_library_image() if n < 2 else None,
            body="<p>Body.</p><p>[quote 1]</p>",
            quotes=[{"text": "Said.", "speaker": f"Speaker {n}"}],
        )
    return section, author


@pytest.mark.parametrize("full_content", [False, True])
@pytest.mark.parametrize("count", [3, 25])
def test_feed_queries_do_not_grow_with_stories(
    client, settings, django_assert_max_num_queries, count, full_content
):
    settings.FEED_FULL_CONTENT = full_content
    section, author = _fill(count)
    for url in every_feed_url(section, "common", author):
        # 3 for the site feed (stories, tags, bylines), +1 for the section or
        # author, +2 for a tag (it, and whether a published story carries it), +1
        # for quotes with full content. The budget is 6.
        with django_assert_max_num_queries(6):
            assert client.get(url).status_code == 200


def test_list_pages_announce_their_feeds(client):
    section = make_section(slug="ferries")
    author = make_author(slug="bo-writer")
    make_article(section=section, tags=["Boats"], authors=[author])
    pages = {
        reverse("articles:home"): reverse("articles:feed"),
        reverse("articles:section", args=["ferries"]): "/section/ferries/feed/",
        reverse("articles:tag", args=["boats"]): "/tag/boats/feed/atom/",
        reverse("articles:author", args=["bo-writer"]): "/author/bo-writer/feed/",
    }
    for page, feed_url in pages.items():
        html = client.get(page).content.decode()
        assert '<link rel="alternate" type="application/' in html
        assert f'href="{feed_url}"' in html, page


def test_story_and_home_pages_announce_the_comment_feeds(client):
    story = published_story()
    html = client.get(story.get_absolute_url()).content.decode()
    assert f'href="/comments/article/{story.pk}/feed/"' in html
    home = client.get(reverse("articles:home")).content.decode()
    assert 'href="/comments/feed/"' in home
