"""The reading site. Every public view starts from Article.objects.published()."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe
from taggit.models import Tag

from articles import invalidation, workflow
from articles.models import (
    Article,
    ArticleRedirect,
    Author,
    Section,
)
from articles.navigation import is_slug
from articles.pages import render_article, render_published
from articles.previews import mark_preview
from newsroom.cachetags import depends_on
from newsroom.pagecache import remember

PAGE_SIZE = 12


class PublicListPaginator(Paginator):
    """Counting 100,000 published stories is the slowest query of a big list page,
    and the total only changes with the content: remember it until then."""

    def __init__(self, *args, count_key: str, listed_in: str | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key
        self.listed_in = listed_in

    @cached_property
    def count(self) -> int:
        tags = [self.listed_in] if self.listed_in else None
        return remember(self.count_key, self.object_list.count, timed=True, tags=tags)


def paginate(
    request: HttpRequest,
    queryset,
    per_page: int = PAGE_SIZE,
    public: bool = False,
    listed_in: str | None = None,
):
    """The requested page of a list; a page that does not exist is a 404, not a 500.

    public=True: the list is the same for every reader (published stories only), so
    its total may be shared through the cache, keyed by the address, until the
    list `listed_in` (a cache tag, articles/invalidation.py) changes."""
    if public:
        query = request.GET.copy()
        query.pop("page", None)
        paginator = PublicListPaginator(
            queryset,
            per_page,
            allow_empty_first_page=True,
            count_key=f"list-count:{request.path}?{query.urlencode()}",
            listed_in=listed_in,
        )
    else:
        paginator = Paginator(queryset, per_page, allow_empty_first_page=True)
    raw = request.GET.get("page", "1")
    if not raw.isascii() or not raw.isdigit():
        raise Http404("No such page.")
    try:
        return paginator.page(int(raw))
    except (InvalidPage, OverflowError, ValueError) as exc:
        raise Http404("No such page.") from exc


def story_list(
    request,
    template: str,
    queryset,
    allow_empty: bool = True,
    listed_in: str = invalidation.HOME,
    **context,
) -> HttpResponse:
    """A page of a public list: cached until a story joins, leaves or moves in
    `listed_in`, or one it shows changes (articles/invalidation.py)."""
    depends_on(listed_in)
    page = paginate(
        request,
        queryset.for_listing().defer("body"),
        public=True,
        listed_in=listed_in,
    )
    if not allow_empty and page.paginator.count == 0:
        raise Http404("No published stories here.")
    return render(
        request, template, {"page": page, "articles": page.object_list, **context}
    )


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return story_list(request, "articles/home.html", Article.objects.published())


@require_safe
def article_detail(request, year: int, month: int, day: int, slug: str) -> HttpResponse:
    if not is_slug(slug):  # e.g. a NUL byte, which PostgreSQL refuses
        raise Http404("No story at this address.")
    try:
        story_day = date(year, month, day)
    except ValueError as exc:
        raise Http404("No such date.") from exc
    page = render_published(request, story_day, slug)
    if page is not None:
        return page
    # A live story whose slug or date changed keeps its old address working.
    moved = (
        ArticleRedirect.objects.filter(
            day=story_day, slug=slug, article__in=Article.objects.published()
        )
        .select_related("article")
        .first()
    )
    if moved is None:
        raise Http404("No story at this address.")
    return redirect(moved.article, permanent=True)


@require_safe
def article_preview(request: HttpRequest, pk: int) -> HttpResponse:
    if not workflow.may_write(request.user):
        raise PermissionDenied
    # Editors preview any story, contributors and authors their own.
    article = get_object_or_404(
        Article.objects.for_detail().for_desk(request.user), pk=pk
    )
    return mark_preview(render_article(request, article, preview=True))


@require_safe
def section_detail(request: HttpRequest, slug: str) -> HttpResponse:
    section = get_object_or_404(Section, slug=slug)
    return story_list(
        request,
        "articles/section_detail.html",
        Article.objects.published().filter(section=section),
        listed_in=invalidation.section_tag(section.pk),
        section=section,
    )


@require_safe
def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    if not is_slug(slug):  # e.g. a NUL byte, which PostgreSQL refuses
        raise Http404("No such topic.")
    tag = get_object_or_404(Tag, slug=slug)
    stories = Article.objects.published().tagged(tag)
    # A tag used only on drafts does not exist for readers.
    return story_list(
        request,
        "articles/tag_detail.html",
        stories,
        allow_empty=False,
        listed_in=invalidation.topic_tag(tag.pk),
        tag=tag,
    )


@require_safe
def author_detail(request: HttpRequest, slug: str) -> HttpResponse:
    if not is_slug(slug):
        raise Http404("No such author.")
    author = get_object_or_404(Author, slug=slug)
    stories = Article.objects.published().bylined(author=author)
    return story_list(
        request,
        "articles/author_detail.html",
        stories,
        allow_empty=False,
        listed_in=invalidation.author_tag(author.pk),
        author=author,
    )


def _archive(request, template: str, start: date, end: date, **context) -> HttpResponse:
    stories = Article.objects.published().between_days(start, end)
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
