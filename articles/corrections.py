"""The public corrections page: every note on every live story, newest first."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from articles.models import Article, Correction
from articles.views import paginate


@require_safe
def corrections_page(request: HttpRequest) -> HttpResponse:
    notes = (
        Correction.objects.filter(article__in=Article.objects.published())
        .select_related("article")
        .order_by("-noted_at", "-id")
    )
    page = paginate(request, notes, per_page=30)
    return render(
        request, "articles/corrections.html", {"page": page, "notes": page.object_list}
    )
