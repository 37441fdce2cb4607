"""Shareable preview links: signed, expiring, revocable, read-only.

A link carries only a signed reference to a PreviewLink row; the row decides
whether it still opens (expiry, revocation). A tampered, expired or revoked link
is a plain 404 that says nothing about the story.
"""

from datetime import timedelta

from django import forms
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from articles.models import Article, PreviewLink
from articles.pages import render_article

SALT = "articles.preview-link"
DEFAULT_HOURS = 48
MAX_HOURS = 24 * 14


class PreviewLinkForm(forms.Form):
    note = forms.CharField(
        label="For", max_length=200, required=False, help_text="e.g. our lawyer"
    )
    hours = forms.IntegerField(
        label="Valid for (hours)",
        min_value=1,
        max_value=MAX_HOURS,
        initial=DEFAULT_HOURS,
    )


def create_link(article, user, *, note: str = "", hours: int = DEFAULT_HOURS):
    return PreviewLink.objects.create(
        article=article,
        created_by=user,
        note=note,
        expires_at=timezone.now() + timedelta(hours=hours),
    )


def revoke(link: PreviewLink) -> None:
    """The link stops opening the preview (revoking it again keeps the first time)."""
    link.revoked_at = link.revoked_at or timezone.now()
    link.save(update_fields=["revoked_at"])


def token_for(link: PreviewLink) -> str:
    return signing.dumps(link.pk, salt=SALT, compress=True)


def link_url(link: PreviewLink) -> str:
    return reverse("articles:shared_preview", args=[token_for(link)])


def mark_preview(response: HttpResponse) -> HttpResponse:
    """Previews are never cached and never indexed."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def shared_preview(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link_id = signing.loads(token, salt=SALT)
    except signing.BadSignature as exc:
        raise Http404("No such preview.") from exc
    link = PreviewLink.objects.active().filter(pk=link_id).first()
    if link is None:
        raise Http404("No such preview.")
    article = Article.objects.for_detail().get(pk=link.article_id)
    response = render_article(
        request, article, preview=True, shared_preview_until=link.expires_at
    )
    return mark_preview(response)
