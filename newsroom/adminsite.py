"""The admin site: Django's, with action posts that cannot be forged into a 500.

Django's changelist filters the selected rows with ``pk__in=<posted values>``, so
``_selected_action=abc`` (a ValueError), or an id beyond the column's range (an
OverflowError on SQLite, a DataError on PostgreSQL) answers 500 on every admin
changelist, the third-party ones (auth, taggit, axes) included. Every registered
admin gets the check below, so no changelist can forget it.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import ValidationError


class ForgeryProofActions:
    """Refuse an action post whose selected ids are not ids of this model."""

    def response_action(self, request, queryset):
        pk = self.model._meta.pk
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                pk.run_validators(pk.to_python(value))
        except (ValidationError, ValueError, TypeError, OverflowError):
            self.message_user(
                request,
                "The selection was not a list of items on this page; nothing was done.",
                messages.WARNING,
            )
            return None  # the changelist redirects back to itself
        return super().response_action(request, queryset)


class WideChangeList:
    """For a list with many columns: no app sidebar beside it, so it fits a 1366 px
    screen (the breadcrumbs and Home still lead everywhere)."""

    def changelist_view(self, request, extra_context=None):
        extra_context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        return super().changelist_view(request, extra_context)


class NewsroomAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, ForgeryProofActions):
            admin_class = type(
                admin_class.__name__,
                (ForgeryProofActions, admin_class),
                {"__module__": admin_class.__module__},
            )
        super().register(model_or_iterable, admin_class, **options)


class NewsroomAdminConfig(AdminConfig):
    default_site = "newsroom.adminsite.NewsroomAdminSite"
