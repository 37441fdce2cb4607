from django.contrib import admin

from articles.models import Article, Author, Byline, Correction, Quote, Section


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]


class QuoteInline(admin.StackedInline):
    model = Quote
    extra = 0


class CorrectionInline(admin.TabularInline):
    model = Correction
    extra = 0


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["headline", "status", "published_at", "section"]
    list_filter = ["status", "section"]
    search_fields = ["headline", "standfirst", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    inlines = [BylineInline, QuoteInline, CorrectionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("section")
            .prefetch_related("tags")
        )


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "user"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ["speaker", "text", "source_name", "kind", "article"]
    search_fields = ["speaker", "text", "source_name"]
    list_filter = ["kind"]
