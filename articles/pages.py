"""A story's page, as readers, previewers and share-link holders see it."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from articles import fragments
from articles.invalidation import comments_tag, story_page_tags
from articles.models import Article
from articles.navigation import story_navigation
from newsroom.cachetags import depends_on

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


def render_published(request: HttpRequest, day, slug: str) -> HttpResponse | None:
    """The page of the story published at this address; None if there is none.
    After a comment approval the page kept by articles/fragments.py is reused: the
    story's row and its comment block are all that is read."""
    kept = fragments.stored(request, day, slug)
    if kept is not None and (article := kept.live_story(day, slug)) is not None:
        depends_on(*kept.depends_on, comments_tag(article.pk))
        return HttpResponse(
            kept.page(article, fragments.comment_block(article, request))
        )
    guard = fragments.guard()  # before the rows are read
    article = (
        Article.objects.for_detail().published().on_day(day).filter(slug=slug).first()
    )
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
