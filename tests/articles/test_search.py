from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article, Quote, SearchEntry
from articles.search import MAX_QUERY_LENGTH, query_terms, search_articles
from articles.searchtext import SHOWN_FIELDS, SNIPPET_SOURCE_CHARS, SNIPPET_TABLE
from tests.support.discovery import MARKER, UNSEEN_KINDS, published_story, unseen_story
from tests.support.factories import make_article

pytestmark = pytest.mark.django_db

SEARCH = reverse("articles:search")


def headlines(query) -> list[str]:
    results = search_articles(query)
    return [hit.article.headline for hit in results[: results.count()]]


def test_search_uses_the_engine_of_the_database_in_use():
    published_story()
    results = search_articles("ferry")
    expected = {"sqlite": "SQLiteResults", "postgresql": "PostgresResults"}
    assert type(results).__name__ == expected[connection.vendor]


def test_seed_story_is_found_by_words_from_each_part(client):
    call_command("load_demo", verbosity=0)
    seed = "Vladimir Putin Congratules Trump on His Shocking Win"
    for query in [
        "putin shocking",  # headline
        "telegram",  # standfirst
        "NBC",  # body
        "Election 2016",  # tag
        "Kasparov winter",  # quote speaker and text
        "Kremlin",  # quote source / body
    ]:
        assert seed in headlines(query), query


def test_headline_match_ranks_above_a_single_body_mention():
    make_article(
        headline="Council budget approved",
        body="<p>The town council met on Tuesday and argued about parking.</p>",
    )
    make_article(
        headline="Lighthouse keeper retires",
        body="<p>After forty years, the keeper hands over the lamp. "
        "A ferry brought his family.</p>",
    )
    make_article(
        headline="Ferry timetable changes",
        body="<p>Sailings move to the afternoon in winter.</p>",
    )
    assert headlines("ferry") == [
        "Ferry timetable changes",
        "Lighthouse keeper retires",
    ]


def test_every_word_must_match():
    make_article(headline="Ferry fares rise")
    make_article(headline="Ferry strike ends")
    assert headlines("ferry strike") == ["Ferry strike ends"]


def test_stemming_finds_other_forms_of_a_word():
    make_article(headline="Fishermen protest new quotas")
    assert headlines("protesting") == ["Fishermen protest new quotas"]


def test_tags_and_quotes_are_searchable_and_follow_edits():
    story = make_article(headline="Harbour news", tags=["Lighthouses"])
    assert headlines("lighthouses") == ["Harbour news"]
    story.tags.set(["Ferries"])
    assert headlines("lighthouses") == []
    quote = Quote.objects.create(article=story, text="Splendid waves.", speaker="Ida")
    assert headlines("splendid") == ["Harbour news"]
    quote.delete()
    assert headlines("splendid") == []


def test_editing_or_deleting_a_story_updates_the_index():
    story = make_article(headline="Old words")
    story.headline = "Fresh words"
    story.save()
    assert headlines("old") == []
    assert headlines("fresh") == ["Fresh words"]
    story.delete()
    assert headlines("fresh") == []


def test_search_page_highlights_matches_and_links_the_story(client):
    story = make_article(headline="Ferry timetable changes")
    html = client.get(SEARCH, {"q": "ferry"}).content.decode()
    assert "<mark>Ferry</mark> timetable changes" in html
    assert f'href="{story.get_absolute_url()}"' in html
    assert "1 story match" in html


def test_highlighting_cannot_inject_markup(client):
    make_article(
        headline="<script>alert(1)</script> ferry",
        standfirst="",
        body="<p>ferry &lt;img src=x onerror=alert(1)&gt; \ue000bold\ue001</p>",
    )
    html = client.get(SEARCH, {"q": "ferry alert"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>ferry</mark>" in html


def test_search_results_are_paginated_and_keep_the_query(client):
    for n in range(12):
        make_article(headline=f"Ferry story {n}")
    first = client.get(SEARCH, {"q": "ferry"}).content.decode()
    assert "12 stories match" in first
    assert 'href="?q=ferry&amp;page=2"' in first
    second = client.get(SEARCH, {"q": "ferry", "page": "2"})
    assert second.status_code == 200
    assert second.content.decode().count('class="search-result"') == 2


def test_bad_page_numbers_are_404(client):
    make_article(headline="Ferry")
    for page in ["0", "x", "99", "-1"]:
        assert client.get(SEARCH, {"q": "ferry", "page": page}).status_code == 404


def test_empty_search_shows_a_friendly_page(client):
    response = client.get(SEARCH)
    assert response.status_code == 200
    assert "Type a word or two" in response.content.decode()


def test_no_match_shows_a_friendly_page(client):
    make_article(headline="Ferry")
    html = client.get(SEARCH, {"q": "zeppelin"}).content.decode()
    assert "No stories match “zeppelin”" in html


def test_long_queries_are_cut_to_the_limit(client):
    make_article(headline="Ferry")
    response = client.get(SEARCH, {"q": "ferry " * 1000})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"first {MAX_QUERY_LENGTH} characters" in html
    assert "1 story match" in html


def test_query_syntax_is_treated_as_words():
    assert query_terms('"ferry" OR NEAR(a b) -x * ^col:') == [
        "ferry",
        "or",
        "near",
        "a",
        "b",
        "x",
        "col",
    ]
    assert len(query_terms(" ".join(f"w{n}" for n in range(100)))) == 12


HOSTILE = [
    "",
    " ",
    '"',
    '""""',
    "*",
    "ferry*",
    "NEAR",
    "NEAR(ferry harbour, 2)",
    "-",
    "-ferry",
    "OR",
    "ferry OR",
    "AND NOT",
    "headline:ferry",
    "{headline}: ferry",
    "^ferry",
    "'; DROP TABLE articles_article; --",
    "1' OR '1'='1",
    "%",
    "_",
    "\\",
    "\x00",
    "<script>alert(1)</script>",
    "&amp;",
    "паром",
    "渡轮",
    "العبارة",
    "🚢",
    "x" * 10_000,
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_give_a_page_never_an_error(client, query):
    make_article(headline="Ferry", body="<p>паром 渡轮</p>")
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200


def test_non_latin_words_are_found():
    make_article(headline="Паром вернулся в гавань")
    assert headlines("паром") == ["Паром вернулся в гавань"]


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(query=st.text(max_size=300))
def test_any_text_at_all_gives_a_search_page(client, query):
    with override_settings(SEARCH_RATE_LIMIT=0):  # 150 searches from one address
        response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200


@pytest.mark.parametrize("kind", UNSEEN_KINDS)
def test_unpublished_stories_are_never_found(client, kind):
    published_story(headline="Zanzibar is on the map")
    unseen_story(kind)
    for query in ["zanzibar", f"zanzibar {kind}", "speaker", "writer"]:
        found = headlines(query)
        assert all(kind not in headline for headline in found), query
    html = client.get(SEARCH, {"q": "zanzibar"}).content.decode()
    assert "1 story match" in html
    assert f"{MARKER.title()} {kind} headline" not in html


def test_expired_stories_are_not_found():
    now = timezone.now()
    make_article(
        headline="Ferry gone",
        published_at=now - timedelta(days=2),
        expires_at=now - timedelta(hours=1),
    )
    assert headlines("ferry") == []


def test_scheduled_story_is_found_when_its_time_comes():
    unseen_story("scheduled")
    assert headlines("zanzibar") == []
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        assert headlines("zanzibar") == ["Zanzibar scheduled headline"]


def test_search_page_queries_do_not_grow_with_results(
    client, django_assert_max_num_queries, settings, tmp_path
):
    settings.VAR_DIR = tmp_path  # the cache version file, away from other test runs
    for n in range(15):
        make_article(headline=f"Ferry {n}", tags=["boats", f"t{n}"])
    client.get(SEARCH)  # warm the site-wide cached navigation
    with django_assert_max_num_queries(4):
        assert client.get(SEARCH, {"q": "ferry"}).status_code == 200


def test_site_header_has_a_search_box(client):
    html = client.get(reverse("articles:home")).content.decode()
    assert 'role="search"' in html
    assert f'action="{SEARCH}"' in html
    assert 'name="q"' in html


def test_rebuild_command_restores_a_lost_index():
    story = make_article(headline="Ferry")
    Article.objects.filter(pk=story.pk).update(headline="Zeppelin")
    call_command("rebuild_search_index", verbosity=0)
    assert headlines("zeppelin") == ["Zeppelin"]


def test_bulk_indexing_covers_tags_and_quotes_added_without_save():
    stories = [make_article(headline=f"Harbour {n}") for n in range(3)]
    Quote.objects.bulk_create(
        [Quote(article=stories[1], number=1, text="Gulls everywhere.", speaker="Ida")]
    )
    assert headlines("gulls") == []
    assert SearchEntry.objects.rebuild([s.pk for s in stories]) == 3
    assert headlines("gulls") == ["Harbour 1"]


def test_paragraphs_do_not_run_together_in_snippets():
    make_article(headline="Harbour", body="<p>The end.</p><p>Ferry time.</p>")
    snippet = search_articles("ferry")[0:1][0].snippet
    assert "end. <mark>Ferry</mark>" in snippet


# --- A very long story cannot stall search ------------------------------------


def long_story(**overrides):
    """A legacy story far over the body limit, saved without validation."""
    paragraph = "<p>Lorem ipsum dolor sit amet, the ferry sails at dawn.</p>"
    body = paragraph * (3 * SNIPPET_SOURCE_CHARS // len(paragraph))
    return make_article(
        headline="The longest story", body=body + "<p>Zeppelin ending.</p>", **overrides
    )


def test_snippets_are_cut_from_a_bounded_part_of_a_very_long_story():
    story = long_story(
        quotes=[{"text": "Waves. " * SNIPPET_SOURCE_CHARS, "speaker": "Ida"}]
    )
    entry = SearchEntry.objects.get(article=story)
    for name in SHOWN_FIELDS:
        assert len(getattr(entry, name)) <= SNIPPET_SOURCE_CHARS, name
    if connection.vendor == "sqlite":
        # What FTS5's snippet() reads: its cost grows with the square of this.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT max(length(body), length(quotes)) FROM {SNIPPET_TABLE} "
                "WHERE rowid = %s",
                [story.pk],
            )
            assert cursor.fetchone()[0] <= SNIPPET_SOURCE_CHARS
    hit = search_articles("ferry")[0:1][0]
    assert "<mark>ferry</mark>" in hit.snippet
    assert len(hit.snippet) < 1000


def test_a_word_beyond_the_snippet_bound_is_still_found():
    long_story(standfirst="A very long read.")
    make_article(headline="Short story")
    [hit] = search_articles("zeppelin")[0:1]
    assert hit.article.headline == "The longest story"
    # The story's opening, unmarked: the match lies beyond what snippets read.
    assert hit.snippet.startswith("A very long read.")
    assert "<mark>" not in hit.snippet


def test_search_hits_never_load_story_bodies():
    long_story()
    [hit] = search_articles("zeppelin")[0:1]
    assert "body" in hit.article.get_deferred_fields()


# --- Per-IP search limit ----------------------------------------------------


def test_too_many_searches_from_one_address_get_a_friendly_429(client, settings):
    settings.SEARCH_RATE_LIMIT = 2
    settings.SEARCH_RATE_WINDOW = 60
    make_article(headline="Ferry")
    for word in ["ferry", "harbour"]:
        assert client.get(SEARCH, {"q": word}).status_code == 200
    refused = client.get(SEARCH, {"q": "lighthouse"})
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    html = refused.content.decode()
    assert "try again in" in html
    assert 'value="lighthouse"' in html  # the search box keeps what they typed
    assert "no-store" in refused["Cache-Control"]
    other = client.get(SEARCH, {"q": "ferry"}, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200


def test_the_empty_search_page_does_not_count_against_the_limit(client, settings):
    settings.SEARCH_RATE_LIMIT = 1
    for _ in range(3):
        assert client.get(SEARCH).status_code == 200
    assert client.get(SEARCH, {"q": "ferry"}).status_code == 200


def test_a_refused_search_is_never_served_from_the_page_cache(
    client, settings, tmp_path
):
    settings.PAGE_CACHE_SECONDS = 300
    settings.VAR_DIR = tmp_path
    settings.SEARCH_RATE_LIMIT = 1
    make_article(headline="Ferry")
    assert client.get(SEARCH, {"q": "harbour"}).status_code == 200
    assert client.get(SEARCH, {"q": "ferry"}).status_code == 429
    # Another reader asking the same thing gets the results, not the refusal.
    other = client.get(SEARCH, {"q": "ferry"}, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200
    assert "1 story match" in other.content.decode()


def test_search_limit_zero_switches_it_off(client, settings):
    settings.SEARCH_RATE_LIMIT = 0
    for n in range(5):
        assert client.get(SEARCH, {"q": f"ferry{n}"}).status_code == 200
