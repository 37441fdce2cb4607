"""Sitemaps for search engines, all built on Article.objects.published().

- /sitemap.xml: the index, listing every page of every sitemap below.
- /sitemap-articles.xml?p=N: stories, oldest first (so old pages stay stable),
  ARTICLES_PER_PAGE a page, with lastmod.
- /sitemap-sections.xml, /sitemap-tags.xml, /sitemap-authors.xml: list pages
  that have published stories (a tag used only on drafts is never listed).
- /sitemap-news.xml: the Google News sitemap, stories published in the last
  NEWS_WINDOW (48 hours).
- /robots.txt points at the index and the news sitemap.

Each request runs a fixed number of queries and reads one page of rows; nothing
loads every story.
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.db import connection
from django.db.models import Max, Window
from django.db.models.functions import Coalesce, Greatest, RowNumber
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from articles.models import Article, Author, Section
from articles.navigation import public_tags
from articles.seo import story_lastmod

ARTICLES_PER_PAGE = 5000
LIST_PAGES_PER_PAGE = 10000
NEWS_WINDOW = datetime.timedelta(hours=48)
NEWS_LIMIT = 1000  # Google News reads at most 1,000 stories per sitemap.


def _whole_seconds(moment):
    return moment.replace(microsecond=0) if moment else moment


class PublicSitemap(Sitemap):
    """URLs on SITE_URL, whatever host the crawler asked for."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class ArticleSitemap(PublicSitemap):
    limit = ARTICLES_PER_PAGE

    def items(self):
        return (
            Article.objects.published()
            .only("id", "slug", "published_at", "modified_at", "updated_at")
            .order_by("published_at", "id")
        )

    def lastmod(self, item):
        return story_lastmod(item)


class SectionSitemap(PublicSitemap):
    limit = LIST_PAGES_PER_PAGE

    def items(self):
        return (
            Section.objects.filter(articles__in=Article.objects.published())
            .annotate(last=Max("articles__published_at"))
            .order_by("position", "name")
        )

    def lastmod(self, item):
        return _whole_seconds(item.last)


class TagSitemap(PublicSitemap):
    limit = LIST_PAGES_PER_PAGE

    def items(self):
        return public_tags()

    def location(self, item):
        return reverse("articles:tag", args=[item.slug])

    def lastmod(self, item):
        return _whole_seconds(item.last)


class AuthorSitemap(PublicSitemap):
    limit = LIST_PAGES_PER_PAGE

    def items(self):
        return (
            Author.objects.filter(bylines__article__in=Article.objects.published())
            .annotate(last=Max("bylines__article__published_at"))
            .order_by("name", "id")
        )

    def lastmod(self, item):
        return _whole_seconds(item.last)


class NewsSitemap(ArticleSitemap):
    """Stories published in the last 48 hours, newest first (Google News)."""

    limit = NEWS_LIMIT

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return (
            Article.objects.published()
            .filter(published_at__gte=since)
            .only("id", "slug", "headline", "published_at", "modified_at", "updated_at")
            .order_by("-published_at", "-id")
        )


SITEMAPS = {
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}
NEWS_SITEMAPS = {"news": NewsSitemap}


def _as_datetime(value):
    """Raw SQL on SQLite returns datetimes as text."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def article_pages() -> list[datetime.datetime]:
    """The lastmod of each page of the article sitemap, in one grouped query."""
    numbered = (
        Article.objects.published()
        .annotate(
            sitemap_row=Window(RowNumber(), order_by=["published_at", "id"]),
            # seo.story_lastmod in SQL; COALESCE because SQLite's MAX() of a
            # NULL is NULL.
            sitemap_changed=Greatest(
                "published_at",
                "modified_at",
                Coalesce("updated_at", "published_at"),
            ),
        )
        .values("sitemap_row", "sitemap_changed")
    )
    inner_sql, params = numbered.query.sql_with_params()
    sql = (
        'SELECT (numbered."sitemap_row" - 1) / %s, MAX(numbered."sitemap_changed") '
        f"FROM ({inner_sql}) numbered GROUP BY 1 ORDER BY 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ARTICLES_PER_PAGE, *params])
        return [_whole_seconds(_as_datetime(last)) for _page, last in cursor.fetchall()]


def _pages(count: int, per_page: int) -> int:
    return max(1, -(-count // per_page))


def _section_url(section: str) -> str:
    return settings.SITE_URL + reverse("sitemap_section", kwargs={"section": section})


@x_robots_tag
@require_safe
@cache_control(public=True, max_age=600)
def index(request):
    """The sitemap index: every page of every sitemap, in three queries."""
    items = []
    articles_url = _section_url("articles")
    for number, last in enumerate(article_pages() or [None], start=1):
        location = articles_url if number == 1 else f"{articles_url}?p={number}"
        items.append(SitemapIndexItem(location, last))
    counts = {
        "sections": 1,
        "tags": TagSitemap().items().order_by().count(),
        "authors": AuthorSitemap().items().order_by().count(),
    }
    for section, count in counts.items():
        url = _section_url(section)
        for number in range(1, _pages(count, LIST_PAGES_PER_PAGE) + 1):
            items.append(SitemapIndexItem(url if number == 1 else f"{url}?p={number}"))
    items.append(SitemapIndexItem(settings.SITE_URL + reverse("sitemap_news")))
    return render(
        request,
        "sitemap_index.xml",
        {"sitemaps": items},
        content_type="application/xml",
    )


@require_safe
@cache_control(public=True, max_age=600)
def section(request, section: str):
    """One page (?p=N) of one sitemap; unknown sections and pages are 404."""
    return django_sitemap(
        request,
        sitemaps=SITEMAPS,
        section=section,
        template_name="articles/sitemap.xml",
    )


@require_safe
@cache_control(public=True, max_age=300)
def news(request):
    return django_sitemap(
        request,
        sitemaps=NEWS_SITEMAPS,
        section="news",
        template_name="articles/sitemap_news.xml",
    )


@require_safe
@cache_control(public=True, max_age=3600)
def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain; charset=utf-8")
