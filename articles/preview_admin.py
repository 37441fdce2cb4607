"""Shared previews in the admin: a story's "Share a preview" page, revoking a link,
and every link at a glance. What a link is and when it opens is articles.previews'.
"""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from articles import previews, workflow
from articles.models import PreviewLink


class PreviewLinksAdminMixin:
    """The "Share a preview" pages of ArticleAdmin, which supplies story_or_404()."""

    def get_urls(self):
        own = [
            path(
                "<int:object_id>/preview-links/",
                self.admin_site.admin_view(self.preview_links_view),
                name="articles_article_preview_links",
            ),
            path(
                "<int:object_id>/preview-links/<int:link_id>/revoke/",
                self.admin_site.admin_view(require_POST(self.revoke_link_view)),
                name="articles_article_revoke_link",
            ),
        ]
        return own + super().get_urls()

    def render_change_form(self, request, context, *args, **kwargs):
        obj = context.get("original")
        context["may_share_preview"] = obj and workflow.allowed(
            request.user, "share_preview", obj
        )
        return super().render_change_form(request, context, *args, **kwargs)

    def preview_links_view(self, request, object_id):
        article = self.story_or_404(request, object_id, "share_preview")
        new_link = None
        if request.method == "POST":
            form = previews.PreviewLinkForm(request.POST)
            if form.is_valid():
                link = previews.create_link(
                    article,
                    request.user,
                    note=form.cleaned_data["note"],
                    hours=form.cleaned_data["hours"],
                )
                new_link = request.build_absolute_uri(previews.link_url(link))
                self.message_user(
                    request,
                    f"Preview link created; it works until "
                    f"{workflow.format_moment(link.expires_at)}.",
                    messages.SUCCESS,
                )
                form = previews.PreviewLinkForm()
        else:
            form = previews.PreviewLinkForm()
        links = [
            (link, request.build_absolute_uri(previews.link_url(link)))
            for link in article.preview_links.select_related("created_by")
        ]
        return TemplateResponse(
            request,
            "admin/articles/article/preview_links.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": article,
                "title": f"Share a preview of “{article.headline}”",
                "form": form,
                "links": links,
                "new_link": new_link,
                "now": timezone.now(),
            },
        )

    def revoke_link_view(self, request, object_id, link_id):
        article = self.story_or_404(request, object_id, "share_preview")
        previews.revoke(get_object_or_404(PreviewLink, pk=link_id, article=article))
        self.message_user(request, "The link no longer opens the preview.")
        return HttpResponseRedirect(
            reverse("admin:articles_article_preview_links", args=[article.pk])
        )


class PreviewLinkAdmin(admin.ModelAdmin):
    """All shared previews at a glance, so editors can revoke any of them."""

    list_display = [
        "article",
        "note",
        "created_by",
        "created_at",
        "expires_at",
        "revoked_at",
    ]
    list_select_related = ["article", "created_by"]
    readonly_fields = ["article", "created_by", "created_at", "expires_at"]
    fields = ["article", "note", "created_by", "created_at", "expires_at", "revoked_at"]

    def has_add_permission(self, request):
        return False  # links are made from the story's "Share a preview" page
