"""The story list's filters in the admin: desk status, byline and tag."""

from django.contrib import admin
from taggit.models import Tag

from articles.models import Author


class DeskStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft"),
            ("review", "In review"),
            ("scheduled", "Scheduled"),
            ("live", "Live"),
            ("expired", "Expired"),
        ]

    def queryset(self, request, queryset):
        return {
            "draft": queryset.drafts,
            "review": queryset.in_review,
            "scheduled": queryset.scheduled,
            "live": queryset.published,
            "expired": queryset.expired,
        }.get(self.value(), queryset.all)()


class BylineFilter(admin.SimpleListFilter):
    title = "byline"
    parameter_name = "author"

    def lookups(self, request, model_admin):
        return [(str(a.pk), a.name) for a in Author.objects.all()]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.bylined(author_id=self.value())
        return queryset


class TagFilter(admin.SimpleListFilter):
    title = "tag"
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        return [(t.slug, t.name) for t in Tag.objects.order_by("name")[:200]]

    def queryset(self, request, queryset):
        return queryset.filter(tags__slug=self.value()) if self.value() else queryset
