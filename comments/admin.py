"""The moderation queue and the Discussion settings page."""

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.defaultfilters import truncatechars
from django.urls import reverse

from comments.models import Comment, DiscussionSettings
from comments.moderation import can_moderate


def _transition_action(method: str, description: str, past: str):
    """An admin action that calls one model transition per selected comment."""

    @admin.action(permissions=["moderate"], description=description)
    def action(modeladmin, request, queryset):
        changed = skipped = 0
        for comment in queryset.select_related(None):
            done = getattr(comment, method)(by=request.user)
            changed += done
            skipped += not done
        noun = "comment" if changed == 1 else "comments"
        modeladmin.message_user(request, f"{changed} {noun} {past}.", messages.SUCCESS)
        if skipped:
            modeladmin.message_user(
                request,
                f"{skipped} left unchanged (not in a status this action applies to, "
                "or changed by another moderator meanwhile).",
                messages.WARNING,
            )

    action.__name__ = method
    return action


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [
        "excerpt",
        "status",
        "status_reason",
        "article",
        "author_name",
        "author_email",
        "author_url",
        "ip_address",
        "created_at",
    ]
    list_display_links = ["excerpt"]
    list_filter = [
        "status",
        ("article", admin.RelatedOnlyFieldListFilter),
        "created_at",
    ]
    search_fields = ["author_name", "author_email", "ip_address", "content"]
    date_hierarchy = "created_at"
    list_select_related = ["article"]
    list_per_page = 50
    actions = [
        _transition_action("approve", "Approve", "approved"),
        _transition_action("unapprove", "Unapprove", "unapproved"),
        _transition_action("mark_spam", "Mark as spam", "marked as spam"),
        _transition_action("not_spam", "Not spam", "restored from spam"),
        _transition_action("trash", "Move to trash", "moved to the trash"),
        _transition_action("restore", "Restore", "restored from the trash"),
        _transition_action(
            "delete_permanently",
            "Delete permanently (spam and trash only)",
            "deleted permanently",
        ),
    ]
    # Status changes only through the actions (one model method each), so the
    # article's comment count and the audit fields stay right.
    readonly_fields = [
        "article",
        "parent",
        "status",
        "status_reason",
        "user",
        "ip_address",
        "user_agent",
        "created_at",
        "moderated_at",
        "moderated_by",
    ]
    fields = [
        *readonly_fields[:4],
        "content",
        "author_name",
        "author_email",
        "author_url",
        *readonly_fields[4:],
    ]

    def get_queryset(self, request):
        return Comment.objects.moderation_queue().select_related("article")

    def get_ordering(self, request):
        # The changelist re-sorts by this unless a column is clicked: the queue's.
        return self.get_queryset(request).query.order_by

    @admin.display(description="Comment")
    def excerpt(self, obj):
        return truncatechars(" ".join(obj.content.split()), 90)

    def has_moderate_permission(self, request):
        return can_moderate(request.user)

    def has_add_permission(self, request):
        return False  # comments come from readers

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # "Delete permanently" replaces it
        return actions

    def has_delete_permission(self, request, obj=None):
        # Only "Delete permanently" (spam and trash only), through the model method.
        return False


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(admin.ModelAdmin):
    fieldsets = [
        (
            "Default article settings",
            {"fields": ["comments_open_by_default"]},
        ),
        (
            "Other comment settings",
            {
                "fields": [
                    "require_name_email",
                    "close_comments_for_old_articles",
                    "close_comments_days_old",
                    "thread_comments",
                    "thread_comments_depth",
                    "page_comments",
                    "comments_per_page",
                    "default_comments_page",
                    "comment_order",
                ]
            },
        ),
        ("Email me whenever", {"fields": ["notify_on_post", "notify_on_hold"]}),
        (
            "Before a comment appears",
            {"fields": ["comment_moderation", "comment_previously_approved"]},
        ),
        (
            "Comment moderation",
            {
                "fields": [
                    "comment_max_links",
                    "moderation_keys",
                    "min_seconds_to_submit",
                ]
            },
        ),
        ("Disallowed comment keys", {"fields": ["disallowed_keys"]}),
        ("Avatars", {"fields": ["show_avatars"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        """There is one settings row: go straight to it (created with the defaults)."""
        if not self.has_view_or_change_permission(request):
            return super().changelist_view(request, extra_context)
        settings_row, _ = DiscussionSettings.objects.get_or_create(pk=1)
        return redirect(
            reverse("admin:comments_discussionsettings_change", args=[settings_row.pk])
        )
