"""A story's page, as readers, previewers and share-link holders see it."""

from datetime import timedelta

from django.db import models, router
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from articles import fragments
from articles.invalidation import comments_tag, story_page_tags
from articles.models import Article
from articles.models.common import local_day_bounds
from articles.models.relations import StoryRelation, load_for_one
from articles.navigation import story_navigation
from newsroom.cachetags import depends_on
from newsroom.prepared import Param, prepared

TEMPLATE = "articles/article_detail.html"


def render_article(request: HttpRequest, article: Article, **context) -> HttpResponse:
    """`article` comes from Article.objects.for_detail()."""
    # Related stories, previous/next and "more in this section": one query.
    navigation = story_navigation(article)
    return render(
        request,
        TEMPLATE,
        {
            "article": article,
            "related": navigation.related,
            "navigation": navigation,
            **context,
        },
    )


def live_story_query(now, start, end, slug):
    """The live story published in [start, end) under this slug, with what
    for_detail() joins (`now`… may be Params)."""
    return (
        Article.objects.select_related("section", "featured_image", "social_image")
        .published(now=now)
        .filter(published_at__gte=start, published_at__lt=end, slug=slug)
        .order_by("pk")[:1]
    )


# What for_detail() prefetches, loaded for one story by prepared queries too.
STORY_RELATIONS = ("bylines", "quotes", "tags", "corrections")


def live_story(day, slug: str) -> Article | None:
    """Article.objects.for_detail().published().on_day(day).filter(slug=slug)
    .first(), by a query compiled once per process (newsroom/prepared.py):
    building that queryset cost more than a millisecond a page, running it a tenth
    of that. tests/newsroom/test_prepared.py holds the two to the same answers."""
    using = router.db_for_read(Article)  # a replica for public pages, if any
    query = prepared(
        "live-story-page",
        lambda: live_story_query(
            Param("now", models.DateTimeField()),
            Param("start", models.DateTimeField()),
            Param("end", models.DateTimeField()),
            Param("slug", models.SlugField()),
        ),
        using=using,
    )
    start, _ = local_day_bounds(day)
    end, _ = local_day_bounds(day + timedelta(days=1))
    found = query.objects(now=timezone.now(), start=start, end=end, slug=slug)
    if not found:
        return None
    story = found[0]
    load_for_one(story, [StoryRelation(name) for name in STORY_RELATIONS])
    return story


def render_published(request: HttpRequest, day, slug: str) -> HttpResponse | None:
    """The page of the story published at this address; None if there is none.
    After a comment approval the page kept by articles/fragments.py is reused: the
    story's row and its comment block are all that is read (and its navigation,
    after a story beside it changed)."""
    kept = fragments.stored(request, day, slug)
    if kept is not None:
        guard = fragments.guard() if kept.navigation_stale else None  # before rows
        if (article := kept.live_story(day, slug)) is not None:
            if kept.navigation_stale:
                kept.renew_navigation(guard, article, day, slug)
            depends_on(*kept.all_tags(), comments_tag(article.pk))
            return HttpResponse(
                kept.page(article, fragments.comment_block(article, request))
            )
    guard = fragments.guard()  # before the rows are read
    article = live_story(day, slug)
    if article is None:
        return None
    depends_on(*story_page_tags(article))
    navigation = story_navigation(article)
    capture = fragments.Capture(guard, article, navigation)
    html = render_to_string(
        TEMPLATE,
        {
            "article": article,
            "related": navigation.related,
            "navigation": navigation,
            "story_page_capture": capture,
        },
        request,
    )
    return HttpResponse(capture.finish(request, html, day, slug))
