import datetime
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Quote
from tests.support.discovery import UNSEEN_KINDS, published_story, unseen_story

pytestmark = pytest.mark.django_db


def test_putins_page_lists_the_kremlin_statement_linking_back_to_the_story(client):
    call_command("load_demo", verbosity=0)
    seed = Article.objects.get(headline__startswith="Vladimir Putin Congratules")
    quote = seed.quotes.get(speaker="Vladimir Putin")
    response = client.get("/quotes/vladimir-putin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Vladimir Putin</h1>" in html
    assert quote.text.split("\n")[0][:40] in html
    assert f'href="{seed.get_absolute_url()}#quote-{quote.number}"' in html
    assert quote.source_url in html
    assert "Kremlin press release" in html
    assert "President of Russia" in html


def test_a_storys_quote_links_to_its_speakers_page(client):
    call_command("load_demo", verbosity=0)
    seed = Article.objects.get(headline__startswith="Vladimir Putin Congratules")
    html = client.get(seed.get_absolute_url()).content.decode()
    assert 'href="/quotes/vladimir-putin/"' in html
    assert 'href="/quotes/garry-kasparov/"' in html


def test_speaker_page_is_newest_first(client):
    now = timezone.now()
    published_story(
        headline="Older story",
        published_at=now - timedelta(days=3),
        quotes=[{"text": "First words.", "speaker": "Ida Mayor"}],
    )
    published_story(
        headline="Newer story",
        published_at=now - timedelta(days=1),
        quotes=[
            {"text": "Latest words.", "speaker": "Ida Mayor", "speaker_role": "Mayor"}
        ],
    )
    html = client.get("/quotes/ida-mayor/").content.decode()
    assert html.index("Latest words.") < html.index("First words.")
    assert "2 quotes" in html
    assert "Mayor" in html


def test_quote_index_lists_speakers_with_counts(client):
    published_story(
        quotes=[
            {"text": "One.", "speaker": "Ida Mayor"},
            {"text": "Two.", "speaker": "Ida Mayor"},
            {"text": "Three.", "speaker": "Olaf Harbourmaster"},
        ]
    )
    html = client.get(reverse("articles:quotes")).content.decode()
    assert 'href="/quotes/ida-mayor/">Ida Mayor</a> <span class="meta">2 quotes' in html
    assert 'href="/quotes/olaf-harbourmaster/"' in html


def test_non_latin_speaker_has_a_page(client):
    published_story(quotes=[{"text": "Мы рады.", "speaker": "Дмитрий Песков"}])
    slug = Quote.objects.get().speaker_slug
    response = client.get(reverse("articles:speaker", args=[slug]))
    assert response.status_code == 200
    assert "Мы рады." in response.content.decode()


@pytest.mark.parametrize("slug", ["nobody", "-", "x" * 300, "%00", "vladimir putin"])
def test_unknown_speaker_is_404(client, slug):
    assert client.get(f"/quotes/{slug}/").status_code == 404


def test_bad_page_of_a_speaker_is_404(client):
    published_story(quotes=[{"text": "Hi.", "speaker": "Ida"}])
    assert client.get("/quotes/ida/?page=9").status_code == 404
    assert client.get("/quotes/ida/?page=x").status_code == 404


def test_quote_markup_is_escaped(client):
    published_story(
        quotes=[{"text": "<img src=x onerror=alert(1)>", "speaker": "<b>Eve</b>"}]
    )
    html = client.get(reverse("articles:quotes")).content.decode()
    assert "<img src=x" not in html and "<b>Eve</b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


@pytest.mark.parametrize("kind", UNSEEN_KINDS)
def test_quotes_in_unpublished_stories_appear_nowhere(client, kind):
    published_story(quotes=[{"text": "Public words.", "speaker": "Zanzibar Speaker"}])
    unseen_story(kind)
    speaker_page = f"/quotes/zanzibar-speaker-{kind}/"
    assert client.get(speaker_page).status_code == 404
    index = client.get(reverse("articles:quotes")).content.decode()
    assert "Zanzibar words." not in index
    assert speaker_page not in index
    shared = client.get("/quotes/zanzibar-speaker/").content.decode()
    assert "Public words." in shared and "Zanzibar words." not in shared


def test_scheduled_quote_appears_when_its_story_is_published(client):
    unseen_story("scheduled")
    url = "/quotes/zanzibar-speaker-scheduled/"
    assert client.get(url).status_code == 404
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("count", [2, 20])
def test_speaker_page_queries_do_not_grow(
    client, django_assert_max_num_queries, count, settings, tmp_path
):
    settings.VAR_DIR = tmp_path  # the cache version file, away from other test runs
    for n in range(count):
        published_story(
            quotes=[
                {
                    "text": f"Words {n}.",
                    "speaker": "Ida",
                    "said_on": datetime.date(2024, 1, 1),
                }
            ]
        )
    client.get(reverse("articles:quotes"))  # warm the site-wide cached navigation
    with django_assert_max_num_queries(3):
        assert client.get("/quotes/ida/").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(reverse("articles:quotes")).status_code == 200
