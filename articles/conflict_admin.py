"""Refused saves in the story admin: the conflict screen (theirs against mine,
field by field, and the three choices), the form with their version and my text
to copy from, and the revision message of the save that settles it. What is kept
and compared is articles.conflicts'."""

import reversion
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from articles import conflicts
from articles.autosave_admin import clock


class ConflictAdminMixin:
    """For ArticleAdmin, which puts this before the autosave mixin and supplies
    story_or_404()."""

    def get_urls(self):
        own = [
            path(
                "<int:object_id>/conflict/",
                self.admin_site.admin_view(self.conflict_view),
                name="articles_article_conflict",
            )
        ]
        return own + super().get_urls()

    def conflict_view(self, request, object_id):
        article = self.story_or_404(request, object_id, "change")
        change_url = reverse("admin:articles_article_change", args=[article.pk])
        conflict = conflicts.pending(request.user, article)
        if conflict is None:
            self.message_user(
                request,
                "Nothing to choose: your text for this story was saved or discarded.",
                messages.INFO,
            )
            return HttpResponseRedirect(change_url)
        if request.method == "POST" and request.POST.get("choice") == "theirs":
            conflicts.keep_theirs(request.user, article)
            name, _ = conflicts.last_save(article)
            self.message_user(
                request,
                f"Kept {name}'s version; your changes were discarded.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(change_url)
        return TemplateResponse(
            request,
            "admin/articles/article/conflict.html",
            self.conflict_context(request, article, conflict),
        )

    def conflict_context(self, request, article, conflict) -> dict:
        name, moment = conflicts.last_save(article)
        change_url = reverse("admin:articles_article_change", args=[article.pk])
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,  # as saved: the heading shows their headline
            "title": f"Not saved: “{article.headline}” was saved by {name}",
            "their_name": name,
            "their_time": clock(moment),
            "refused_at": clock(conflict.refused_at),
            "change_url": change_url,
            "token": article.modified_at.isoformat(),
            "resent": conflicts.resent_fields(conflict),
            **conflicts.comparison(article, conflict),
        }

    # The refused save goes to the conflict screen (a GET: Back and reload are safe).

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        form = context["adminform"].form
        story = context.get("original")
        if request.method == "POST" and change and form.refused_as_stale:
            token = request.POST.get("loaded_modified_at", "")
            conflicts.record(request.user, story, request.POST, token)
            url = reverse("admin:articles_article_conflict", args=[story.pk])
            return HttpResponseRedirect(url)
        choice = request.POST.get("_conflict") if request.method == "POST" else None
        pending = None
        if change and request.method == "GET" and request.GET.get("pieces"):
            pending = conflicts.pending(request.user, story)
            if pending is not None:
                choice = conflicts.MERGED
                context["conflict_pieces"] = conflicts.pieces(story, pending)
                context["conflict_refused_at"] = clock(pending.refused_at)
        if choice in (conflicts.OVERWRITE, conflicts.MERGED):
            context["conflict_choice"] = choice
        response = super().render_change_form(request, context, add, change, **kwargs)
        offer = response.context_data.get("autosave_offer")
        if pending is not None:
            response.context_data.pop("autosave_offer", None)  # it is this text
        elif offer and story and offer["slot"].base_token != story_token(story):
            # The offered text started from an older version: a refused save.
            response.context_data["conflict_url"] = reverse(
                "admin:articles_article_conflict", args=[story.pk]
            )
        return response

    def save_model(self, request, obj, form, change):
        choice = request.POST.get("_conflict") if change else None
        note = ""
        if choice in (conflicts.OVERWRITE, conflicts.MERGED):
            note = conflicts.resolution_note(obj, choice)  # before this save
        super().save_model(request, obj, form, change)
        if change:
            conflicts.forget(request.user, obj)
        if note and reversion.is_active():
            reversion.set_comment(f"{reversion.get_comment()} {note}".strip())


def story_token(story) -> str:
    return story.modified_at.isoformat() if story.modified_at else ""
