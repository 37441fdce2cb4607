"""Old WordPress addresses of an imported site, answered with a permanent redirect."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_safe

from articles.models import Section
from articles.navigation import is_slug
from wordpress.models import WordPressImport


@require_safe
def category(request: HttpRequest, path: str) -> HttpResponse:
    """An imported site's /category/parent/child/ link: the section of the last slug."""
    slug = path.rstrip("/").rsplit("/", 1)[-1]
    if not is_slug(slug):
        raise Http404("No such section.")
    return redirect(get_object_or_404(Section, slug=slug), permanent=True)


def post_by_id(request: HttpRequest) -> HttpResponse:
    """WordPress's plain link to a post, /?p=123: the story it became."""
    article = WordPressImport.published_story(request.GET["p"])
    if article is None:
        raise Http404("No story at this address.")
    return redirect(article, permanent=True)
