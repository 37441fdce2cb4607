"""The reading site. Every public view starts from Article.objects.published()."""

from datetime import date

from django.contrib.auth.decorators import permission_required
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe
from taggit.models import Tag

from articles.models import Article, Author, Byline, Section, local_day_bounds

PAGE_SIZE = 12


def paginate(request: HttpRequest, queryset, per_page: int = PAGE_SIZE):
    """The requested page of a list; a page that does not exist is a 404, not a 500."""
    paginator = Paginator(queryset, per_page, allow_empty_first_page=True)
    raw = request.GET.get("page", "1")
    if not raw.isascii() or not raw.isdigit():
        raise Http404("No such page.")
    try:
        return paginator.page(int(raw))
    except (InvalidPage, OverflowError, ValueError) as exc:
        raise Http404("No such page.") from exc


def story_list(
    request, template: str, queryset, allow_empty: bool = True, **context
) -> HttpResponse:
    page = paginate(request, queryset.for_listing().defer("body"))
    if not allow_empty and page.paginator.count == 0:
        raise Http404("No published stories here.")
    return render(
        request, template, {"page": page, "articles": page.object_list, **context}
    )


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return story_list(request, "articles/home.html", Article.objects.published())


def _detail_queryset():
    return Article.objects.select_related("section").prefetch_related(
        "tags",
        "quotes",
        "corrections",
        "bylines__author",
    )


def _related_stories(article: Article, limit: int = 4):
    tag_ids = [tag.pk for tag in article.tags.all()]
    if not tag_ids:
        return []
    return list(
        Article.objects.published()
        .filter(tags__in=tag_ids)
        .exclude(pk=article.pk)
        .annotate(shared_tags=Count("tags"))
        .order_by("-shared_tags", "-published_at")
        .select_related("section")[:limit]
    )


def render_article(request: HttpRequest, article: Article, **context) -> HttpResponse:
    return render(
        request,
        "articles/article_detail.html",
        {"article": article, "related": _related_stories(article), **context},
    )


@require_safe
def article_detail(request, year: int, month: int, day: int, slug: str) -> HttpResponse:
    try:
        story_day = date(year, month, day)
    except ValueError as exc:
        raise Http404("No such date.") from exc
    article = _detail_queryset().published().on_day(story_day).filter(slug=slug).first()
    if article is None:
        raise Http404("No story at this address.")
    return render_article(request, article)


@require_safe
@permission_required("articles.change_article", raise_exception=True)
def article_preview(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(_detail_queryset(), pk=pk)
    response = render_article(request, article, preview=True)
    add_never_cache_headers(response)  # an editor's preview must never be cached
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def section_detail(request: HttpRequest, slug: str) -> HttpResponse:
    section = get_object_or_404(Section, slug=slug)
    return story_list(
        request,
        "articles/section_detail.html",
        Article.objects.published().filter(section=section),
        section=section,
    )


@require_safe
def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    stories = Article.objects.published().filter(tags=tag)
    # A tag used only on drafts does not exist for readers.
    return story_list(
        request, "articles/tag_detail.html", stories, allow_empty=False, tag=tag
    )


@require_safe
def author_detail(request: HttpRequest, slug: str) -> HttpResponse:
    author = get_object_or_404(Author, slug=slug)
    stories = Article.objects.published().filter(
        pk__in=Byline.objects.filter(author=author).values("article_id")
    )
    return story_list(
        request,
        "articles/author_detail.html",
        stories,
        allow_empty=False,
        author=author,
    )


def _archive(request, template: str, start: date, end: date, **context) -> HttpResponse:
    range_start, _ = local_day_bounds(start)
    range_end, _ = local_day_bounds(end)
    stories = Article.objects.published().filter(
        published_at__gte=range_start, published_at__lt=range_end
    )
    return story_list(request, template, stories, archive_start=start, **context)


@require_safe
def archive_year(request: HttpRequest, year: int) -> HttpResponse:
    if not 1 <= year < 9999:
        raise Http404("No such year.")
    return _archive(
        request,
        "articles/archive.html",
        date(year, 1, 1),
        date(year + 1, 1, 1),
        period="year",
    )


@require_safe
def archive_month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    if not (1 <= year < 9999 and 1 <= month <= 12):
        raise Http404("No such month.")
    end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return _archive(
        request, "articles/archive.html", date(year, month, 1), end, period="month"
    )


@require_safe
def archive_day(request: HttpRequest, year: int, month: int, day: int) -> HttpResponse:
    try:
        start = date(year, month, day)
        end = date.fromordinal(start.toordinal() + 1)
    except (ValueError, OverflowError) as exc:
        raise Http404("No such day.") from exc
    return _archive(request, "articles/archive.html", start, end, period="day")


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    latest = Article.objects.published().select_related("section")[:5]
    return render(request, "404.html", {"latest": latest}, status=404)
