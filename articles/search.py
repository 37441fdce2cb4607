"""Full-text search over published stories: one interface, two backends.

`search_articles(query)` is the entry point for ranked results. It returns a lazy, countable,
sliceable `SearchResults` (what `Paginator` needs) of `SearchHit`s, best first.
`narrow_to_matches(queryset, query)` keeps a list's own order and only its
matching stories (the API's `?q=`), with the same matching rule.

Each story's searchable text (headline, standfirst, body, tags, quotes and their
speakers) is copied as plain text into `SearchEntry` by `SearchEntry.objects.rebuild()`,
which `Article.save()`, `Quote.save()/delete()` and the tag signal call explicitly
(the text itself: articles/searchtext.py).

- PostgreSQL: `SearchEntry.vector` is a weighted tsvector (headline A, standfirst
  and tags B, quotes C, body D) with a GIN index; ranking by `ts_rank`, snippets by
  `ts_headline`.
- SQLite: an FTS5 table (`articles_search_fts`, porter stemming) uses
  `articles_searchentry` as its external content; triggers created in migration
  0002 (and rebuilt in 0012) keep it in sync on insert, update and delete. Ranking
  by `bm25()` with per-column weights, snippets by FTS5's `highlight()`/`snippet()`.

Snippets are cut from bounded text: every shown column holds at most
`SNIPPET_SOURCE_CHARS` characters, and what lies beyond goes to `rest`, which is
searched and ranked but never shown. FTS5's snippet() and highlight() cost grows
with the number of matches in the whole row times those in the column (1 MB
body: 1.6 s, 10 MB: 169 s), so on SQLite they run on a second FTS5 table
(`articles_search_snippets`) that indexes only the bounded shown columns, and only
for the page's hits. PostgreSQL's ts_headline() is linear (10 MB: 1.5 s) and gets
the bounded columns cut to the same length.

Reader input is never passed to the database as query syntax: it is cut to
`MAX_QUERY_LENGTH` characters and reduced to at most `MAX_TERMS` words, which
are matched as plain terms (all must match). `"`, `*`, `NEAR`, `OR`, `-` and
friends are just text.
"""

import logging
import re
from dataclasses import dataclass

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article
from articles.searchtext import (
    FTS_TABLE,
    MARK_START,
    MARK_STOP,
    MARKERS,
    SNIPPET_SOURCE_CHARS,
    SNIPPET_TABLE,
    pg_config,
    plain_text,
)

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
_WORD = re.compile(r"\w+")


def clean_query(raw) -> str:
    """The reader's query as shown back to them: capped, single-spaced."""
    text = str(raw or "")
    if len(text) > MAX_QUERY_LENGTH:
        # Cut at the limit, and drop a word the cut split in two.
        cut = text[:MAX_QUERY_LENGTH]
        if not text[MAX_QUERY_LENGTH].isspace() and " " in cut.strip():
            cut = cut.rsplit(None, 1)[0]
        text = cut
    return plain_text(text)


def query_terms(raw) -> list[str]:
    """The words we search for: at most MAX_TERMS distinct words, no syntax."""
    terms = []
    for word in _WORD.findall(clean_query(raw).lower()):
        if word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def highlighted(text: str) -> SafeString:
    """Escape a backend's marked-up text, then turn the markers into <mark>."""
    safe = escape(text or "")
    if safe.count(MARK_START) != safe.count(MARK_STOP):
        return mark_safe(MARKERS.sub("", safe))
    return mark_safe(safe.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>"))


@dataclass
class SearchHit:
    article: object
    headline: SafeString
    snippet: SafeString
    rank: float


class SearchResults:
    """Hits for a list of terms, best first. Lazy: nothing runs until counted or sliced."""

    def __init__(self, terms: list[str]):
        self.terms = terms
        self._count = None

    def count(self) -> int:
        if self._count is None:
            self._count = self._count_matches() if self.terms else 0
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("SearchResults supports slices only.")
        offset = key.start or 0
        limit = (key.stop if key.stop is not None else self.count()) - offset
        if not self.terms or limit <= 0:
            return []
        return self._fetch(offset, limit)

    def _count_matches(self) -> int:
        raise NotImplementedError

    def narrow(self, queryset):
        """`queryset` (stories) kept to those matching the terms, in its own order."""
        raise NotImplementedError

    def _fetch(self, offset: int, limit: int) -> list[SearchHit]:
        raise NotImplementedError


class EmptyResults(SearchResults):
    def __init__(self, terms=None):
        super().__init__([])


class PostgresResults(SearchResults):
    """tsvector @@ plainto_tsquery, ranked by ts_rank, snippets by ts_headline."""

    def _queryset(self):
        from django.contrib.postgres.search import SearchQuery

        query = SearchQuery(
            " ".join(self.terms), search_type="plain", config=pg_config()
        )
        return Article.objects.published().filter(search_entry__vector=query), query

    def _count_matches(self) -> int:
        return self._queryset()[0].count()

    def narrow(self, queryset):
        return queryset.filter(search_entry__vector=self._queryset()[1])

    def _fetch(self, offset, limit):
        from django.contrib.postgres.search import SearchHeadline, SearchRank
        from django.db.models import F, TextField, Value
        from django.db.models.functions import Concat, Left

        queryset, query = self._queryset()
        marks = {"start_sel": MARK_START, "stop_sel": MARK_STOP, "config": pg_config()}
        queryset = (
            queryset.select_related("section")
            .defer("body")  # a hit shows none of it, and it may be megabytes
            .annotate(
                rank=SearchRank(F("search_entry__vector"), query),
                marked_headline=SearchHeadline(
                    "search_entry__headline", query, highlight_all=True, **marks
                ),
                marked_snippet=SearchHeadline(
                    Left(
                        Concat(
                            "search_entry__standfirst",
                            Value(" "),
                            "search_entry__body",
                            Value(" "),
                            "search_entry__quotes",
                            output_field=TextField(),
                        ),
                        SNIPPET_SOURCE_CHARS,
                    ),
                    query,
                    max_words=35,
                    min_words=15,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                    **marks,
                ),
            )
            .order_by("-rank", "-published_at", "-id")
        )
        return [
            SearchHit(
                article=article,
                headline=highlighted(article.marked_headline),
                snippet=highlighted(article.marked_snippet),
                rank=article.rank,
            )
            for article in queryset[offset : offset + limit]
        ]


class SQLiteResults(SearchResults):
    """FTS5 MATCH over quoted terms, ranked by bm25 with column weights."""

    # headline, standfirst, body, tags, quotes, rest (body-like)
    WEIGHTS = "10.0, 4.0, 1.0, 4.0, 2.0, 1.0"

    def _match(self) -> str:
        # Each term becomes an FTS5 string ("..."), so nothing in it is syntax.
        return " ".join('"{}"'.format(term.replace('"', '""')) for term in self.terms)

    def _published_ids(self):
        """Published story ids, for `+rowid IN (…)`. The unary plus keeps SQLite
        from handing the list to FTS5 as rowid lookups, one MATCH per published
        story (24 ms at 2,000 stories, linear in the archive), instead of
        filtering the matches."""
        return Article.objects.published().values("pk").query.sql_with_params()

    def narrow(self, queryset):
        from django.db.models.expressions import RawSQL

        matches = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
        return queryset.filter(pk__in=RawSQL(matches, [self._match()]))

    def _count_matches(self) -> int:
        published_sql, params = self._published_ids()
        sql = (
            f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
            f"AND +rowid IN ({published_sql})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self._match(), *params])
            return cursor.fetchone()[0]

    def _fetch(self, offset, limit):
        published_sql, params = self._published_ids()
        t = FTS_TABLE
        sql = (
            f"SELECT rowid, bm25({t}, {self.WEIGHTS}) AS score "
            f"FROM {t} WHERE {t} MATCH %s AND +rowid IN ({published_sql}) "
            f"ORDER BY score, rowid DESC LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self._match(), *params, limit, offset])
            ranked = cursor.fetchall()
        marked = self._marked([pk for pk, _score in ranked])
        # Fetch the page's stories through published() again: nothing slips by.
        articles = (
            Article.objects.published()
            .select_related("section")
            .defer("body")  # a hit shows none of it, and it may be megabytes
            .in_bulk([pk for pk, _score in ranked])
        )
        hits = []
        for pk, score in ranked:
            if pk not in articles:
                continue
            article = articles[pk]
            headline, snippets = marked.get(pk, (plain_text(article.headline), []))
            # The first snippet with a match: body, then quotes, then standfirst.
            with_match = [s for s in snippets if s and MARK_START in s]
            snippet = with_match[0] if with_match else _opening(article.standfirst)
            hits.append(
                SearchHit(
                    article=article,
                    headline=highlighted(headline),
                    snippet=highlighted(snippet),
                    rank=-score,
                )
            )
        return hits

    def _marked(self, ids: list[int]) -> dict[int, tuple[str, list[str]]]:
        """Each story's marked headline and body, quotes and standfirst snippets,
        from the snippet table (bounded text, any of the terms)."""
        if not ids:
            return {}
        t = SNIPPET_TABLE
        any_term = " OR ".join(
            '"{}"'.format(term.replace('"', '""')) for term in self.terms
        )
        sql = (
            f"SELECT rowid, highlight({t}, 0, %s, %s), "
            f"snippet({t}, 2, %s, %s, '…', 32), "
            f"snippet({t}, 3, %s, %s, '…', 32), "
            f"snippet({t}, 1, %s, %s, '…', 32) "
            f"FROM {t} WHERE {t} MATCH %s AND rowid IN ({', '.join(['%s'] * len(ids))})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*[MARK_START, MARK_STOP] * 4, any_term, *ids])
            return {pk: (headline, snippets) for pk, headline, *snippets in cursor}


def _opening(text: str, words: int = 32) -> str:
    """The first words of a text, for a hit whose shown text has no match."""
    cut = plain_text(text).split(" ")
    return " ".join(cut[:words]) + (" …" if len(cut) > words else "")


BACKENDS = {"postgresql": PostgresResults, "sqlite": SQLiteResults}


def narrow_to_matches(queryset, query):
    """The stories of `queryset` matching every word of `query`, in the queryset's
    own order (the API lists them newest first); none for a query without words."""
    terms = query_terms(query)
    backend = BACKENDS.get(connection.vendor)
    if not terms or backend is None:
        return queryset.none()
    return backend(terms).narrow(queryset)


def search_articles(query) -> SearchResults:
    """Published stories matching every word of `query`, most relevant first."""
    terms = query_terms(query)
    backend = BACKENDS.get(connection.vendor)
    if backend is None:
        logger.warning("No search backend for %s; search is empty.", connection.vendor)
        return EmptyResults()
    return backend(terms)
