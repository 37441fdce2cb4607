"""A story's page, as readers, previewers and share-link holders see it."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from articles.models import Article
from articles.navigation import story_navigation


def render_article(request: HttpRequest, article: Article, **context) -> HttpResponse:
    """`article` comes from Article.objects.for_detail()."""
    # Related stories, previous/next and "more in this section": one query.
    navigation = story_navigation(article)
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "related": navigation.related,
            "navigation": navigation,
            **context,
        },
    )
