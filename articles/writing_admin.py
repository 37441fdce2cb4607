"""Writing comforts in the story admin: the tag search behind the tag box's
suggestions, and the story list's thumbnail, "last edited" and headline columns.
What counts as a word or a tag is articles.writing's."""

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, NullIf, Trim
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from reversion.models import Version

from articles import workflow, writing
from articles.models import Article

# The list's thumbnails: this wide, from the smallest stored rendition.
THUMBNAIL_WIDTH = 48


def with_last_editor(queryset):
    """Stories with `last_editor`: the name of whoever saved their newest revision,
    in the same query (a correlated subquery on reversion's versions)."""
    user = "revision__user__"
    newest = (
        Version.objects.get_for_model(Article)
        .filter(object_id=Cast(OuterRef("pk"), CharField()))
        .order_by("-revision__date_created", "-pk")
        .annotate(
            name=Coalesce(
                NullIf(
                    Trim(Concat(f"{user}first_name", Value(" "), f"{user}last_name")),
                    Value(""),
                ),
                f"{user}username",
            )
        )
    )
    return queryset.annotate(last_editor=Subquery(newest.values("name")[:1]))


class StoryChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        return with_last_editor(super().get_queryset(request, exclude_parameters))


def smallest_rendition(article) -> dict | None:
    """The library's thumbnail of the featured image, else its narrowest width,
    if any is made yet (the list never loads an original, which may be tens of
    megabytes)."""
    image = article.featured_image
    if image is None:
        return None
    widths = image.renditions_of("width")
    narrowest = min(widths, key=lambda rendition: rendition["width"], default=None)
    return image.thumbnail or narrowest


class WritingAdminMixin:
    """For ArticleAdmin: the tag search URL and the list's columns."""

    def get_urls(self):
        own = [
            path(
                "tags/",
                never_cache(self.tag_search_view),
                name="articles_article_tags",
            ),
        ]
        return own + super().get_urls()

    def tag_search_view(self, request):
        """Existing tags starting with ?q=, as JSON, for anyone who writes stories.

        Not behind admin_view: a script asks, so a refusal is a 403, not the
        login page."""
        if not (
            self.admin_site.has_permission(request) and workflow.may_write(request.user)
        ):
            return JsonResponse({"error": "Staff who write stories only."}, status=403)
        try:
            query = writing.clean_tag_query(request.GET.get("q", ""))
        except ValueError as error:
            return JsonResponse({"error": str(error)}, status=400)
        return JsonResponse({"tags": writing.matching_tags(query)})

    def get_changelist(self, request, **kwargs):
        return StoryChangeList

    @admin.display(description="headline", ordering="headline")
    def headline_column(self, obj):
        # The thumbnail beside the headline, which desk.css clamps to two lines
        # (the whole headline is in the tooltip): one column, so the list fits a
        # 1366 px screen with the side menu and the filters open.
        return format_html(
            '<span class="desk-story">{}<span class="desk-headline-cell" title="{}">'
            "{}</span></span>",
            self.thumbnail(obj),
            obj.headline,
            obj.headline,
        )

    def thumbnail(self, obj):
        rendition = smallest_rendition(obj)
        if rendition is None:
            return ""
        height = max(
            1, round(THUMBNAIL_WIDTH * rendition["height"] / rendition["width"])
        )
        return format_html(
            '<img class="desk-thumb" src="{}" width="{}" height="{}" alt="" '
            'loading="lazy" decoding="async">',
            rendition["url"],
            THUMBNAIL_WIDTH,
            height,
        )

    @admin.display(description="published", ordering="published_at")
    def published_column(self, obj):
        if obj.published_at is None:
            return "—"
        return date_format(timezone.localtime(obj.published_at), "j M Y, H:i")

    @admin.display(description="last edited", ordering="modified_at")
    def last_edited(self, obj):
        # Read at a glance, in a column that fits a 1366 px screen: the year only
        # when it is not this one; the zone is the site's, named on the form.
        moment = timezone.localtime(obj.modified_at)
        same_year = moment.year == timezone.localdate().year
        when = date_format(moment, "j M, H:i" if same_year else "j M Y")
        who = getattr(obj, "last_editor", None)
        if not who:
            return when
        return format_html("{}<br><small>by {}</small>", when, who)
