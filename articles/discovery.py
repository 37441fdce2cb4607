"""Reader views for finding stories: search, the quote library, the topic index."""

from django.conf import settings
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from articles.models import Quote
from articles.navigation import is_slug, public_tags
from articles.search import MAX_QUERY_LENGTH, clean_query, search_articles
from articles.views import paginate
from newsroom.ratelimit import client_ip, rate_limited, retry_after

SEARCH_PAGE_SIZE = 10
QUOTES_PAGE_SIZE = 20
SPEAKERS_PAGE_SIZE = 50
TAGS_PAGE_SIZE = 200


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("q", "")
    query = clean_query(raw)
    if query and rate_limited(
        f"search:{client_ip(request)}",
        settings.SEARCH_RATE_LIMIT,
        settings.SEARCH_RATE_WINDOW,
    ):
        return too_many_searches(request, query)
    page = paginate(request, search_articles(query), SEARCH_PAGE_SIZE)
    response = render(
        request,
        "articles/search.html",
        {
            "query": query,
            "page": page,
            "hits": page.object_list,
            "shortened": len(raw) > MAX_QUERY_LENGTH,
            "max_length": MAX_QUERY_LENGTH,
        },
    )
    response["X-Robots-Tag"] = "noindex, follow"
    return response


def too_many_searches(request: HttpRequest, query: str) -> HttpResponse:
    """429: this address searched more than SEARCH_RATE_LIMIT times in the window.
    Never cached, so nobody else behind a shared cache sees it."""
    wait = retry_after(settings.SEARCH_RATE_WINDOW)
    response = render(
        request,
        "articles/search_limited.html",
        {"query": query, "retry_after": wait, "max_length": MAX_QUERY_LENGTH},
        status=429,
    )
    response["Retry-After"] = str(wait)
    response["X-Robots-Tag"] = "noindex, follow"
    add_never_cache_headers(response)
    return response


@require_safe
def quote_index(request: HttpRequest) -> HttpResponse:
    """Everyone quoted in published stories, most recently quoted first."""
    speakers = (
        Quote.objects.published()
        .values("speaker_slug")
        .annotate(
            name=Max("speaker"),
            quote_count=Count("id"),
            latest=Max("article__published_at"),
        )
        .order_by("-latest", "speaker_slug")
    )
    page = paginate(request, speakers, SPEAKERS_PAGE_SIZE)
    recent = []
    if page.number == 1:
        recent = list(
            Quote.objects.published()
            .select_related("article")
            .order_by("-article__published_at", "-article_id", "number")[:5]
        )
    return render(
        request,
        "articles/quotes.html",
        {"page": page, "speakers": page.object_list, "recent": recent},
    )


@require_safe
def speaker_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Everything one person was quoted saying in published stories, newest first."""
    if not is_slug(slug):
        raise Http404("No such speaker.")
    quotes = (
        Quote.objects.published()
        .filter(speaker_slug=slug)
        .select_related("article", "article__section")
        .order_by("-article__published_at", "-article_id", "number")
    )
    page = paginate(request, quotes, QUOTES_PAGE_SIZE)
    if not page.paginator.count:  # unknown, or quoted only in unpublished stories
        raise Http404("Nobody by that name is quoted in a published story.")
    quotes = list(page.object_list)
    newest = quotes[0]
    return render(
        request,
        "articles/quotes_speaker.html",
        {
            "page": page,
            "quotes": quotes,
            "speaker": newest.speaker,
            "speaker_role": newest.speaker_role,
            "speaker_slug": slug,
        },
    )


@require_safe
def tag_index(request: HttpRequest) -> HttpResponse:
    """Every topic with published stories, with how many."""
    page = paginate(request, public_tags(), TAGS_PAGE_SIZE)
    return render(
        request, "articles/tag_index.html", {"page": page, "tags": page.object_list}
    )
