"""Partner API keys and desk tokens in the admin: create (the secret is shown
once, on the page that follows), revoke, see how much each is used."""

from django.contrib import admin, messages
from django.template.response import TemplateResponse

from api.models import ApiKey, DeskToken


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "created_at", "state", "uses", "last_used_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    actions = ["revoke"]
    readonly_fields = ["prefix", "created_at", "revoked_at", "uses", "last_used_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "rate_limit"]
        return ["name", "rate_limit", *self.readonly_fields]

    @admin.display(description="state")
    def state(self, key):
        return "Revoked" if key.revoked_at else "Active"

    @admin.display(description="uses")
    def uses(self, key):
        return key.uses

    def save_model(self, request, obj, form, change):
        if not change:
            # The secret exists only in this response: we keep its hash.
            request._new_api_key = obj.new_secret()
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        secret = getattr(request, "_new_api_key", None)
        if secret is None:
            return super().response_add(request, obj, post_url_continue)
        response = TemplateResponse(
            request,
            "api/key_created.html",
            {
                **self.admin_site.each_context(request),
                "title": "API key created",
                "key": obj,
                "secret": secret,
                "opts": self.model._meta,
            },
        )
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Revoke the selected keys (they stop working at once)")
    def revoke(self, request, queryset):
        revoked = sum(key.revoke() for key in queryset)
        self.message_user(request, f"{revoked} key(s) revoked.", messages.SUCCESS)


@admin.register(DeskToken)
class DeskTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "created_at", "state", "last_used_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username"]
    actions = ["revoke"]
    raw_id_fields = ["user"]
    readonly_fields = ["prefix", "created_at", "revoked_at", "last_used_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name"]
        return ["user", "name", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        # A token's user is fixed: a new person gets a new token.
        return self.readonly_fields if obj is None else ["user", *self.readonly_fields]

    @admin.display(description="state")
    def state(self, token):
        if token.revoked_at:
            return "Revoked"
        return "Active" if token.user.is_active else "Refused (user deactivated)"

    def save_model(self, request, obj, form, change):
        if not change:
            request._new_desk_token = obj.new_secret()
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        secret = getattr(request, "_new_desk_token", None)
        if secret is None:
            return super().response_add(request, obj, post_url_continue)
        response = TemplateResponse(
            request,
            "api/desk_token_created.html",
            {
                **self.admin_site.each_context(request),
                "title": "Desk token created",
                "token": obj,
                "secret": secret,
                "opts": self.model._meta,
            },
        )
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Revoke the selected tokens (they stop working at once)")
    def revoke(self, request, queryset):
        revoked = sum(token.revoke() for token in queryset)
        self.message_user(request, f"{revoked} token(s) revoked.", messages.SUCCESS)
