"""Webhooks in the admin: the endpoint, its events and secret, and the log of
every delivery attempt with a "replay" action."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction

from webhooks import delivery as delivering
from webhooks.models import Delivery, Event, Webhook


class WebhookForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="What this endpoint is told about.",
    )

    class Meta:
        model = Webhook
        fields = ["name", "url", "events", "is_active"]
        # A plain box: no "Currently:" link to a URL that may have been refused.
        widgets = {"url": forms.URLInput(attrs={"class": "vURLField"})}


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    form = WebhookForm
    list_display = ["name", "url", "is_active", "event_list", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    readonly_fields = ["secret", "created_at"]
    actions = ["new_secrets"]

    def get_fields(self, request, obj=None):
        # The secret is made on the first save: an add page would show another.
        fields = ["name", "url", "events", "is_active"]
        return fields if obj is None else [*fields, *self.readonly_fields]

    @admin.display(description="events")
    def event_list(self, hook):
        return ", ".join(hook.events)

    @admin.action(description="Give the selected webhooks new secrets")
    def new_secrets(self, request, queryset):
        for hook in queryset:
            hook.secret = Webhook._meta.get_field("secret").get_default()
            hook.save(update_fields=["secret"])
        self.message_user(
            request, f"New secrets for {queryset.count()} webhooks.", messages.SUCCESS
        )


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "webhook",
        "event_name",
        "attempt",
        "outcome",
        "status_code",
        "response_ms",
        "short_error",
        "retry_at",
    ]
    list_filter = ["outcome", "event", "webhook"]
    list_select_related = ["webhook"]
    search_fields = ["event_id", "webhook__name", "error"]
    date_hierarchy = "created_at"
    actions = ["replay"]
    fields = [
        "webhook",
        "event",
        "event_id",
        "attempt",
        "outcome",
        "created_at",
        "sent_at",
        "status_code",
        "response_ms",
        "error",
        "retry_at",
        "body",
    ]
    readonly_fields = fields

    @admin.display(description="event", ordering="event")
    def event_name(self, row):
        return row.event  # "story.published": what the receiver sees, and short

    @admin.display(description="error")
    def short_error(self, row):
        return row.error[:80]

    def has_add_permission(self, request):
        return False  # made by deliveries only

    def has_change_permission(self, request, obj=None):
        return False  # a log: read, replay, delete

    @admin.action(description="Replay the selected deliveries", permissions=["replay"])
    def replay(self, request, queryset):
        rows = list(queryset.select_related("webhook"))
        with transaction.atomic():
            for row in rows:
                delivering.replay(row)
        self.message_user(
            request,
            f"Queued {len(rows)} deliveries again; their attempts appear here.",
            messages.SUCCESS,
        )

    def has_replay_permission(self, request):
        return request.user.has_perm("webhooks.change_webhook")
