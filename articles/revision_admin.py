"""A story's history in the admin: its versions, a word diff of any two (the
body's HTML-aware, articles/richdiff.py), Restore (in place of django-reversion's
revert form) and recovering deleted stories.

What a revision stores, and how versions are compared and restored, is
articles.revisions'; who may do it is articles.workflow's.
"""

import reversion
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from reversion.models import Version

from articles import revisions, workflow


class RevisionHistoryAdminMixin:
    """History, compare and restore pages for ArticleAdmin, which puts this before
    VersionAdmin and supplies story_or_404()."""

    object_history_template = "admin/articles/article/object_history.html"

    def get_urls(self):
        own = [
            path(
                "<int:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="articles_article_compare",
            ),
        ]
        return own + super().get_urls()

    def history_view(self, request, object_id, extra_context=None):
        article = self.story_or_404(request, object_id, "view")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "object": article,
            "module_name": "Articles",
            "has_view_permission": True,
            "title": f"History: {article.headline}",
            "versions": revisions.versions_of(article),
            "may_restore": workflow.allowed(request.user, "restore", article),
        }
        return TemplateResponse(request, self.object_history_template, context)

    def compare_view(self, request, object_id):
        article = self.story_or_404(request, object_id, "view")
        versions = revisions.versions_of(article)
        try:
            old = versions.get(pk=int(request.GET.get("from", "")))
            new = versions.get(pk=int(request.GET.get("to", "")))
        except (ValueError, Version.DoesNotExist) as exc:
            raise Http404("Choose two versions of this story.") from exc
        if old.revision.date_created > new.revision.date_created:
            old, new = new, old
        return self._diff_response(
            request,
            article,
            title=f"Changes to “{article.headline}”",
            old_label=self._version_label(old),
            new_label=self._version_label(new),
            changes=revisions.differences(
                revisions.snapshot_of_version(old),
                revisions.snapshot_of_version(new),
                bodies=(revisions.body_of_version(old), revisions.body_of_version(new)),
            ),
        )

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """An old version against the story as it is now, with Restore."""
        article = self.story_or_404(request, object_id, "view")
        version = get_object_or_404(revisions.versions_of(article), pk=version_id)
        if request.method == "POST":
            if not workflow.allowed(request.user, "restore", article):
                raise PermissionDenied
            warnings = revisions.restore(article, version, request.user)
            for warning in warnings:
                self.message_user(request, warning, messages.WARNING)
            self.message_user(
                request,
                f"Restored the version of {self._version_label(version)} as a new "
                "revision.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(
                reverse("admin:articles_article_change", args=[article.pk])
            )
        return self._diff_response(
            request,
            article,
            title=f"Restore “{article.headline}”?",
            old_label="now",
            new_label=self._version_label(version),
            changes=revisions.differences(
                revisions.snapshot_of_article(article),
                revisions.snapshot_of_version(version),
                bodies=(article.body, revisions.body_of_version(version)),
            ),
            restore_version=version
            if workflow.allowed(request.user, "restore", article)
            else None,
        )

    def _diff_response(self, request, article, **context):
        return TemplateResponse(
            request,
            "admin/articles/article/compare.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": article,
                **context,
            },
        )

    @staticmethod
    def _version_label(version):
        user = version.revision.user
        by = f" by {user.get_username()}" if user else ""
        return f"{workflow.format_moment(version.revision.date_created)}{by}"

    # Deleted stories come back only through editors.

    def recoverlist_view(self, request, extra_context=None):
        if not workflow.may_recover(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not workflow.may_recover(request.user):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    # A transition saved with the form names its revision ("Published."):
    # VersionAdmin would rename it after the admin's log entry ("Changed Headline.").

    def log_addition(self, request, obj, message):
        return _keeping_revision_name(super().log_addition, request, obj, message)

    def log_change(self, request, obj, message):
        return _keeping_revision_name(super().log_change, request, obj, message)


def _keeping_revision_name(log, *args):
    name = reversion.get_comment() if reversion.is_active() else ""
    entry = log(*args)
    if name:
        reversion.set_comment(name)
    return entry
