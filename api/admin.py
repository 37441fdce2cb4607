"""Partner API keys and desk tokens in the admin: create (the secret is shown
once, on the page that follows), revoke, see how much each is used."""

from django.contrib import admin, messages
from django.template.response import TemplateResponse

from api.models import ApiKey, DeskToken


class ShownOnceAdmin(admin.ModelAdmin):
    """The admin of a credential whose secret is shown once, on the page after it
    is added, and kept only as a hash (API keys, desk tokens)."""

    created_template = ""
    created_title = ""
    created_name = ""  # the credential's name in the template

    def save_model(self, request, obj, form, change):
        if not change:
            # The secret exists only in this response: we keep its hash.
            request._new_secret = obj.new_secret()
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        secret = getattr(request, "_new_secret", None)
        if secret is None:
            return super().response_add(request, obj, post_url_continue)
        response = TemplateResponse(
            request,
            self.created_template,
            {
                **self.admin_site.each_context(request),
                "title": self.created_title,
                self.created_name: obj,
                "secret": secret,
                "opts": self.model._meta,
            },
        )
        response["Cache-Control"] = "no-store"
        return response


@admin.register(ApiKey)
class ApiKeyAdmin(ShownOnceAdmin):
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

    created_template = "api/key_created.html"
    created_title = "API key created"
    created_name = "key"

    @admin.action(description="Revoke the selected keys (they stop working at once)")
    def revoke(self, request, queryset):
        revoked = sum(key.revoke() for key in queryset)
        self.message_user(request, f"{revoked} key(s) revoked.", messages.SUCCESS)


@admin.register(DeskToken)
class DeskTokenAdmin(ShownOnceAdmin):
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

    created_template = "api/desk_token_created.html"
    created_title = "Desk token created"
    created_name = "token"

    @admin.action(description="Revoke the selected tokens (they stop working at once)")
    def revoke(self, request, queryset):
        revoked = sum(token.revoke() for token in queryset)
        self.message_user(request, f"{revoked} token(s) revoked.", messages.SUCCESS)
