"""The newsroom: stories, their review and publication, sections, authors, quotes.

Every permission question is answered by articles.workflow; every state change goes
through a method on Article. This module only wires them into the admin; the story
form and inlines are in admin_forms, the list filters in admin_filters, the history
pages in revision_admin, the preview pages in preview_admin, the workflow
buttons and bulk actions in workflow_admin, autosave in autosave_admin, the form's
live preview in live_preview_admin, the planning calendar in planning_admin,
refused saves in conflict_admin, who else is editing in presence_admin, and
the tag search and the list's thumbnail and "last edited" columns in writing_admin.
"""

from django.apps import apps
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html
from js_asset.media import Media
from reversion.admin import VersionAdmin

from articles import events, revisions, workflow
from articles.admin_filters import BylineFilter, DeskStatusFilter, TagFilter
from articles.admin_forms import (
    IMAGE_FIELDS,
    ArticleAdminForm,
    BylineInline,
    CorrectionInline,
    LoadedImageAutocomplete,
    QuoteInline,
    with_html_source_body,
)
from articles.autosave_admin import AutosaveAdminMixin
from articles.conflict_admin import ConflictAdminMixin
from articles.desk import comment_model, pending_comment_counts
from articles.embed_admin import EmbedCheckAdminMixin
from articles.live_preview_admin import LivePreviewAdminMixin
from articles.models import Article, Author, Byline, PreviewLink, Quote, Section
from articles.planning_admin import PlanningCalendarAdminMixin
from articles.presence_admin import PresenceAdminMixin
from articles.preview_admin import PreviewLinkAdmin, PreviewLinksAdminMixin
from articles.revision_admin import RevisionHistoryAdminMixin
from articles.workflow_admin import WorkflowAdminMixin
from articles.writing_admin import WritingAdminMixin
from newsroom.storage import StorageErrorAdminMixin

# What one revision holds (a story with its bylines, quotes, corrections and tags).
# Here, not in ArticlesConfig.ready(): the admin app comes first in INSTALLED_APPS,
# and creating ArticleAdmin (a VersionAdmin) registers Article itself, without the
# tag rows, unless it is registered already.
revisions.register()


# --- The story admin ----------------------------------------------------------------


@admin.register(Article)
class ArticleAdmin(
    LivePreviewAdminMixin,
    PlanningCalendarAdminMixin,
    ConflictAdminMixin,
    PresenceAdminMixin,
    AutosaveAdminMixin,
    EmbedCheckAdminMixin,
    WorkflowAdminMixin,
    WritingAdminMixin,
    RevisionHistoryAdminMixin,
    PreviewLinksAdminMixin,
    StorageErrorAdminMixin,
    VersionAdmin,
):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    change_list_template = "admin/articles/article/change_list.html"
    list_display = [
        "headline_column",
        "desk_status",
        "section",
        "byline_names",
        "published_column",
        "last_edited",
        "comments_column",
    ]
    list_display_links = ["headline_column"]
    list_filter = [DeskStatusFilter, "section", BylineFilter, TagFilter]
    search_fields = ["headline", "standfirst", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "featured_image", "social_image"]
    inlines = [BylineInline, QuoteInline, CorrectionInline]
    actions = ["submit_selected", "publish_selected", "unpublish_selected"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "body", "raw_html"]}),
        (
            "Search and social",
            {
                "classes": ["collapse"],
                "fields": ["meta_description", "social_headline", "social_image"],
                "description": "Optional. Empty fields use the standfirst, the "
                "headline and the featured image.",
            },
        ),
        (
            "Publishing",
            {
                "fields": [
                    "desk_status",
                    "published_at",
                    "expires_at",
                    "planned_for",
                    "updated_at",
                    "section",
                    "tags",
                    "allow_comments",
                ]
            },
        ),
        (
            "Featured image",
            {
                "fields": [
                    "featured_image",
                    "featured_preview",
                    "image_caption",
                    "image_credit",
                ],
                "description": "Chosen from the image library (search by alt text, "
                "caption, credit or file name). Its alt text is the library's; "
                "an empty caption or credit here shows the library's.",
            },
        ),
    ]

    # Querysets: contributors and authors see their own stories only.

    def get_queryset(self, request):
        queryset = (
            Article.objects.for_desk(request.user)
            .select_related("section", "created_by", *IMAGE_FIELDS)
            .prefetch_related(
                Prefetch("bylines", queryset=Byline.objects.select_related("author"))
            )
        )
        return pending_comment_counts(queryset)

    def story_or_404(self, request, object_id, action):
        """The story behind one of its own pages (history, previews), if the user
        may do `action` to it."""
        article = self.get_queryset(request).filter(pk=object_id).first()
        if article is None:
            raise Http404("No such story.")
        if not workflow.allowed(request.user, action, article):
            raise PermissionDenied
        return article

    # Permissions: the model-level answer opens the door, workflow decides per story.

    def has_module_permission(self, request):
        return super().has_module_permission(request) or self._writes(request)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return super().has_view_permission(request) or self._writes(request)
        return workflow.allowed(request.user, "view", obj)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return self._writes(request)
        return workflow.allowed(request.user, "change", obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        return workflow.allowed(request.user, "delete", obj)

    def get_deleted_objects(self, objs, request):
        # The newsroom rule: whoever may delete a story deletes its comments with
        # it (the confirmation page lists them). The comment admin refuses deleting
        # a single comment (moderation goes through its actions), which would
        # otherwise make every story with comments undeletable (403).
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        if comments := comment_model():
            perms_needed.discard(comments._meta.verbose_name)
        return deleted, model_count, perms_needed, protected

    def _writes(self, request):
        return workflow.may_write(request.user)

    def get_readonly_fields(self, request, obj=None):
        readonly = ["desk_status", "updated_at", "featured_preview"]
        if not workflow.allowed(request.user, "publish", obj or Article()):
            readonly += ["published_at", "expires_at"]
        if not workflow.may_keep_raw_html(request.user):
            readonly.append("raw_html")
            if obj is not None and obj.raw_html:
                readonly.append("body")  # an editor's HTML would not survive the editor
        return readonly

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in IMAGE_FIELDS and field is not None:
            # New images come through the library's upload page (it checks every
            # file), and deleting one in use is refused: no "+" or "×" popups.
            field.widget.can_add_related = False
            field.widget.can_delete_related = False
        return field

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in IMAGE_FIELDS:
            kwargs["widget"] = LoadedImageAutocomplete(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Preview")
    def featured_preview(self, obj):
        """The saved image's thumbnail, and a way to add a new picture to the
        library (a new tab: this form keeps what was typed)."""
        upload = format_html(
            '<a href="{}" target="_blank" rel="noopener">Upload new to the library'
            "</a> (then search for it above)",
            reverse("admin:images_image_upload"),
        )
        image = obj.featured_image if obj else None
        thumb = image.thumbnail if image else None
        if image is None:
            return upload
        if thumb is None:
            return format_html("{} — thumbnail not made yet.<br>{}", image, upload)
        return format_html(
            '<img class="desk-featured-preview" src="{}" width="{}" height="{}" '
            'alt="{}"><br>{}',
            thumb["url"],
            thumb["width"],
            thumb["height"],
            image.alt_text,
            upload,
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if obj is None or not obj.raw_html or "body" not in form_class.base_fields:
            return form_class
        return with_html_source_body(form_class)

    # Columns.

    @admin.display(description="status")
    def desk_status(self, obj):
        if obj is None or obj.pk is None:
            return "Draft (not saved yet)"
        return workflow.describe_status(obj)

    @admin.display(description="bylines")
    def byline_names(self, obj):
        return ", ".join(byline.author.name for byline in obj.bylines.all()) or "—"

    @admin.display(description="comments", ordering="comment_count")
    def comments_column(self, obj):
        pending = getattr(obj, "pending_comments", None)
        if pending is None:
            return f"{obj.comment_count} approved"
        return f"{obj.comment_count} approved, {pending} pending"

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        # Discussion settings (comments app): are comments open on new stories?
        try:
            discussion = apps.get_model("comments", "DiscussionSettings").load()
        except LookupError:
            return initial
        initial.setdefault("allow_comments", discussion.comments_open_by_default)
        return initial

    # Saving.

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        # WorkflowAdminMixin: a workflow button saves with its transition.
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            self._add_own_byline(request, form.instance)
        elif "_workflow" not in request.POST and form.instance.is_published():
            # A plain save of a live story (a workflow button is its own event).
            events.announce(events.UPDATED, form.instance.pk)

    def _add_own_byline(self, request, article):
        """A story written by a staff member with a byline starts with theirs."""
        author = Author.objects.filter(user=request.user).first()
        if author and not article.bylines.exists():
            Byline.objects.create(article=article, author=author, position=0)

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        # The body editor's inline import map runs only with this response's CSP nonce.
        context["media"] = Media.from_media(
            context["media"], nonce=str(request.csp_nonce)
        )
        return super().render_change_form(request, context, add, change, **kwargs)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "user"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    """The quote library: every quote, searchable by speaker, text and source."""

    list_display = ["speaker", "short_text", "source_name", "said_on", "kind", "story"]
    list_display_links = ["speaker", "short_text"]
    search_fields = ["speaker", "speaker_role", "text", "source_name", "source_url"]
    list_filter = ["kind", "said_on"]
    list_select_related = ["article"]
    readonly_fields = ["article"]
    fields = [
        "article",
        ("number", "kind"),
        "text",
        ("speaker", "speaker_role"),
        ("source_name", "source_url", "said_on"),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(article__in=Article.objects.for_desk(request.user))
        )

    def has_add_permission(self, request):
        return False  # quotes belong to a story: add them there

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (
            obj is None or workflow.allowed(request.user, "change", obj.article)
        )

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (
            obj is None or workflow.allowed(request.user, "change", obj.article)
        )

    @admin.display(description="text")
    def short_text(self, obj):
        return obj.text if len(obj.text) <= 90 else obj.text[:89] + "…"

    @admin.display(description="story", ordering="article__headline")
    def story(self, obj):
        url = reverse("admin:articles_article_change", args=[obj.article_id])
        return format_html('<a href="{}">{}</a>', url, obj.article.headline)


admin.site.register(PreviewLink, PreviewLinkAdmin)
