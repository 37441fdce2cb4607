"""The desk's workflow in the admin: the story page's buttons (Send for review,
Publish now, Schedule, Unpublish) and the same transitions as bulk actions.

Who may do what is articles.workflow's; the transitions are Article.apply().
"""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article

# The story page's workflow buttons: POST name "_workflow", value → label.
WORKFLOW_BUTTONS = {
    "submit": "Send for review",
    "publish": "Publish now",
    "schedule": "Schedule at the publish time",
    "unpublish": "Unpublish",
}


def run_transition(article, action, user, *, with_edits=False):
    """One workflow transition (raises workflow.Refused); a schedule is for the
    story's publish time, and a story sent for review tells the editors."""
    article.apply(action, by=user, when=article.published_at, with_edits=with_edits)
    if action == "submit":
        workflow.notify_reviewers_on_commit(article, user)


def _report(request, modeladmin, done, refused, verb):
    if done:
        names = ", ".join(f"“{a.headline}”" for a in done)
        modeladmin.message_user(
            request, f"{verb.capitalize()} {len(done)}: {names}.", messages.SUCCESS
        )
    if refused:
        reasons = " ".join(reason for _, reason in refused)
        modeladmin.message_user(
            request,
            f"Refused {len(refused)}: {reasons}",
            messages.WARNING,
        )


def _bulk(modeladmin, request, queryset, action, verb):
    done, refused = [], []
    for article in queryset:
        try:
            run_transition(article, action, request.user)
        except workflow.Refused as exc:
            refused.append((article, str(exc)))
        else:
            done.append(article)
    _report(request, modeladmin, done, refused, verb)


class WorkflowAdminMixin:
    """The workflow buttons and bulk actions of ArticleAdmin, which puts this
    before VersionAdmin and lists the actions."""

    # A button click: the form's edits and the transition, in one save.

    def save_model(self, request, obj, form, change):
        button = request.POST.get("_workflow")
        if button not in WORKFLOW_BUTTONS:
            super().save_model(request, obj, form, change)
            return
        try:
            # The transition sets its fields on the edited story, then saves it
            # (inside the admin's revision).
            run_transition(obj, button, request.user, with_edits=True)
        except workflow.Refused as exc:
            super().save_model(request, obj, form, change)
            message = f"Your changes were saved, but: {exc}"
            self.message_user(request, message, messages.ERROR)
        else:
            message = f"“{obj.headline}” is now {workflow.describe_status(obj)}."
            self.message_user(request, message, messages.SUCCESS)

    # After a button (save_model said how it went): back to the story.

    def response_change(self, request, obj):
        if request.POST.get("_workflow") in WORKFLOW_BUTTONS:
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if request.POST.get("_workflow") in WORKFLOW_BUTTONS:
            return HttpResponseRedirect(
                reverse("admin:articles_article_change", args=[obj.pk])
            )
        return super().response_add(request, obj, post_url_continue)

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        story = context.get("original") or Article()
        user = request.user
        now = timezone.now()
        context["workflow_buttons"] = [
            (action, label)
            for action, label in WORKFLOW_BUTTONS.items()
            if workflow.allowed(user, action, story)
            and story.may_start(action, now)
            and (add or workflow.allowed(user, "change", story))
        ]
        return super().render_change_form(request, context, add, change, **kwargs)

    # Bulk actions: per-story permission, a report of what was done and refused.

    def has_publish_permission(self, request):
        return workflow.may_publish_anything(request.user)

    def has_submit_permission(self, request):
        return workflow.may_write(request.user)

    @admin.action(
        description="Send selected stories for review", permissions=["submit"]
    )
    def submit_selected(self, request, queryset):
        _bulk(self, request, queryset, "submit", "sent for review")

    @admin.action(description="Publish selected stories now", permissions=["publish"])
    def publish_selected(self, request, queryset):
        _bulk(self, request, queryset, "publish", "published")

    @admin.action(description="Unpublish selected stories", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        _bulk(self, request, queryset, "unpublish", "unpublished")
