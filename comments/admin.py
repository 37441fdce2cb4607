"""The moderation queue and the Discussion settings page."""

from html import unescape

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.html import format_html, strip_tags

from comments.models import Comment, DiscussionSettings
from comments.moderation import can_moderate
from comments.moderation_admin import TRANSITIONS, ModerationPageAdminMixin, change_url
from newsroom.adminsite import WideChangeList


def _clipped(value: str, kind: str):
    """A queue cell cut to its column's width by CSS (css/moderation.css), with
    the whole value on hover, so the table fits a 1366 px screen."""
    if not value:
        return "-"
    return format_html(
        '<span class="clip clip--{}" title="{}">{}</span>', kind, value, value
    )


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
class CommentAdmin(WideChangeList, ModerationPageAdminMixin, admin.ModelAdmin):
    # WordPress's columns: the author's details and the status's reason stacked in
    # one cell each, so the queue fits a 1366 px screen beside the filters.
    list_display = ["excerpt", "author", "status_with_reason", "story", "created_at"]
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
        *(
            _transition_action(method, description, past)
            for method, (_, description, past) in TRANSITIONS.items()
        ),
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
        "in_reply_to",
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

    class Media:
        # The queue's keyboard shortcuts and the narrow columns; no inline script
        # (the CSP forbids it), and everything still works with JavaScript off.
        css = {"all": ["css/moderation.css"]}
        js = ["js/moderation.js"]

    def get_queryset(self, request):
        # The parent: the comment page's "In reply to" (a LEFT JOIN, no query).
        return Comment.objects.moderation_queue().select_related("article", "parent")

    def get_ordering(self, request):
        # The changelist re-sorts by this unless a column is clicked: the queue's.
        return self.get_queryset(request).query.order_by

    @admin.display(description="Comment")
    def excerpt(self, obj):
        return _clipped(truncatechars(" ".join(obj.content.split()), 300), "excerpt")

    @admin.display(description="Author", ordering="author_name")
    def author(self, obj):
        return format_html(
            "<strong>{}</strong><br>{}<br>{}<br>{}",
            _clipped(obj.author_name, "name"),
            _clipped(obj.author_email, "email"),
            _clipped(obj.author_url, "url"),
            _clipped(obj.ip_address, "ip"),
        )

    @admin.display(description="Status", ordering="status")
    def status_with_reason(self, obj):
        return format_html(
            "{}<br>{}", obj.get_status_display(), _clipped(obj.status_reason, "reason")
        )

    @admin.display(description="Story", ordering="article")
    def story(self, obj):
        return _clipped(obj.article.headline, "story")

    @admin.display(description="In reply to")
    def in_reply_to(self, obj):
        parent = obj.parent
        if parent is None:
            return "Nobody: a comment on the story itself."
        text = " ".join(unescape(strip_tags(parent.content_html)).split())
        status = "" if parent.status == Comment.Status.APPROVED else parent.status
        return format_html(
            '<a href="{}">{}</a>{}: “{}”',
            change_url(parent),
            parent.display_name,
            f" ({status})" if status else "",
            truncatechars(text, 160),
        )

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
