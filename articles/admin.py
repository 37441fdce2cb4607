"""The newsroom: stories, their review and publication, history, previews and quotes.

Every permission question is answered by articles.workflow; every state change goes
through a method on Article. This module only wires them into the admin.
"""

from datetime import datetime, timedelta

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from js_asset.media import Media
from reversion.admin import VersionAdmin
from reversion.models import Version

from articles import images, previews, revisions, workflow
from articles.models import (
    Article,
    Author,
    Byline,
    Correction,
    PreviewLink,
    Quote,
    Section,
)
from newsroom.storage import StorageErrorAdminMixin

# What one revision holds (a story with its bylines, quotes, corrections and tags).
# Here, not in ArticlesConfig.ready(): the admin app comes first in INSTALLED_APPS,
# and creating ArticleAdmin (a VersionAdmin) registers Article itself, without the
# tag rows, unless it is registered already.
revisions.register()

# Buttons on the story page: POST name "_workflow", value → model method.
WORKFLOW_BUTTONS = {
    "submit": "submit_for_review",
    "publish": "publish",
    "schedule": "schedule",
    "unpublish": "unpublish",
}


def comment_model():
    """comments.Comment when the comments app is installed and can count pending."""
    try:
        model = apps.get_model("comments", "Comment")
    except LookupError:
        return None
    if not hasattr(model.objects.all(), "pending"):
        return None
    return model


def pending_comment_counts(queryset):
    """Annotate `pending_comments` with one subquery (no query per row)."""
    Comment = comment_model()
    if Comment is None:
        return queryset
    field = next(f.name for f in Comment._meta.fields if f.related_model is Article)
    pending = (
        Comment.objects.all()
        .pending()
        .filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(pending_comments=Coalesce(Subquery(pending), 0))


def prepare_uploads(request) -> None:
    """Validate and re-encode a POSTed featured image now; the form reuses the
    result and reports any error."""
    if request.method != "POST":
        return
    for upload in request.FILES.getlist("featured_image"):
        try:
            images.prepared_upload(upload)
        except ValidationError:
            pass


# --- Form ------------------------------------------------------------------------


class ArticleAdminForm(forms.ModelForm):
    # The modification time the form was loaded with: a save is refused if the
    # story has been saved since (no silent overwrites).
    loaded_modified_at = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        # The admin narrows this per role (read-only fields are left out).
        fields = [
            "headline",
            "slug",
            "standfirst",
            "body",
            "published_at",
            "expires_at",
            "section",
            "tags",
            "allow_comments",
            "featured_image",
            "image_alt",
            "image_caption",
            "image_credit",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_modified_at"].initial = self.instance_token()

    def instance_token(self) -> str:
        stories = Article.objects.filter(pk=self.instance.pk)
        if transaction.get_connection().in_atomic_block:
            # Inside the admin's transaction: hold the row until this save commits,
            # so two simultaneous saves cannot both pass the check (PostgreSQL;
            # SQLite's IMMEDIATE transactions already serialise writers).
            stories = stories.select_for_update()
        current = stories.values_list("modified_at", flat=True).first()
        return current.isoformat() if current else ""

    def clean_featured_image(self):
        image = self.cleaned_data.get("featured_image")
        if isinstance(image, UploadedFile):
            return images.prepared_upload(image)  # drops EXIF and appended data
        return image

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            self._refuse_stale_save()
        self._check_address(cleaned)
        return cleaned

    def _refuse_stale_save(self):
        loaded = self.cleaned_data.get("loaded_modified_at") or ""
        current = self.instance_token()
        if loaded == current:
            return
        try:
            since = datetime.fromisoformat(loaded)
        except ValueError:
            since = None
        version = revisions.saved_since(self.instance, since) if since else None
        if version and version.revision.user:
            user = version.revision.user
            who = user.get_full_name() or user.get_username()
            when = workflow.format_moment(version.revision.date_created)
        else:
            who = "Someone"
            when = workflow.format_moment(datetime.fromisoformat(current))
        # Show the current token from now on: saving again is a deliberate overwrite.
        data = self.data.copy()
        data[self.add_prefix("loaded_modified_at")] = current
        self.data = data
        raise ValidationError(
            f"Not saved: {who} saved this story at {when}, after you opened it. "
            "Everything you typed is still below. Check their changes in the "
            "History (it opens in a new tab), then save again to replace their "
            "version with yours."
        )

    def _check_address(self, cleaned):
        slug = cleaned.get("slug") or self.instance.slug
        published_at = cleaned.get("published_at", self.instance.published_at)
        if not slug or not published_at:
            return
        day = timezone.localdate(published_at)
        clash = Article.objects.on_day(day).filter(slug=slug)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            self.add_error(
                "slug" if "slug" in self.fields else None,
                f"Another story published on {day:%d %b %Y} already uses the "
                f"address “{slug}”: choose another slug.",
            )


class QuoteInlineFormSet(BaseInlineFormSet):
    """Every "[quote N]" in the body must point at a quote of this story."""

    def clean(self):
        super().clean()
        numbers = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            if form.cleaned_data.get("number") is not None:
                numbers.append(form.cleaned_data["number"])
        duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
        if duplicates:
            raise ValidationError(
                f"Two quotes share the number {duplicates[0]}: give each its own."
            )
        missing = sorted(self.instance.placed_quote_numbers() - set(numbers))
        if missing:
            placed = ", ".join(f"[quote {n}]" for n in missing)
            have = ", ".join(str(n) for n in sorted(numbers)) or "none"
            raise ValidationError(
                f"The body places {placed}, but this story has no such quote "
                f"(its quotes are numbered: {have}). Add the quote below or remove "
                "the placement from the body."
            )


# --- Inlines: permissions follow the story ------------------------------------------


class StoryInline:
    """Inline rows may be changed by whoever may change the story."""

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._story_ok(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._story_ok(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._story_ok(
            request, obj
        )

    def _story_ok(self, request, obj):
        if obj is None:
            return True
        return workflow.allowed(request.user, "change", obj)


class BylineInline(StoryInline, admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]


class QuoteInline(StoryInline, admin.StackedInline):
    model = Quote
    formset = QuoteInlineFormSet
    extra = 0
    fields = [
        ("number", "kind"),
        "text",
        ("speaker", "speaker_role"),
        ("source_name", "source_url", "said_on"),
    ]


class CorrectionInline(StoryInline, admin.TabularInline):
    model = Correction
    extra = 0
    fields = ["kind", "text", "noted_at"]


# --- Changelist helpers ------------------------------------------------------------------


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
        from taggit.models import Tag

        return [(t.slug, t.name) for t in Tag.objects.order_by("name")[:200]]

    def queryset(self, request, queryset):
        return queryset.filter(tags__slug=self.value()) if self.value() else queryset


def _report(request, modeladmin, done, refused, verb):
    if done:
        names = ", ".join(f"“{a.headline}”" for a in done)
        modeladmin.message_user(
            request, f"{verb.capitalize()} {len(done)}: {names}.", messages.SUCCESS
        )
    if refused:
        reasons = " ".join(reason for _, reason in refused)
        modeladmin.message_user(
            request,
            f"Refused {len(refused)}: {reasons}",
            messages.WARNING,
        )


def _apply(article, action, user):
    """One workflow transition (raises workflow.Refused); a story sent for review
    tells the editors."""
    if action == "schedule":
        article.schedule(user, article.published_at)
    else:
        getattr(article, WORKFLOW_BUTTONS[action])(user)
    if action == "submit":
        workflow.notify_reviewers_on_commit(article, user)


def _bulk(modeladmin, request, queryset, action, verb):
    done, refused = [], []
    for article in queryset:
        try:
            _apply(article, action, request.user)
        except workflow.Refused as exc:
            refused.append((article, str(exc)))
        else:
            done.append(article)
    _report(request, modeladmin, done, refused, verb)


# --- The story admin ----------------------------------------------------------------


@admin.register(Article)
class ArticleAdmin(StorageErrorAdminMixin, VersionAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    object_history_template = "admin/articles/article/object_history.html"
    list_display = [
        "headline",
        "desk_status",
        "section",
        "byline_names",
        "published_at",
        "comments_column",
    ]
    list_filter = [DeskStatusFilter, "section", BylineFilter, TagFilter]
    search_fields = ["headline", "standfirst", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section"]
    inlines = [BylineInline, QuoteInline, CorrectionInline]
    actions = ["submit_selected", "publish_selected", "unpublish_selected"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "body", "raw_html"]}),
        (
            "Publishing",
            {
                "fields": [
                    "desk_status",
                    "published_at",
                    "expires_at",
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
                    "image_alt",
                    "image_caption",
                    "image_credit",
                ]
            },
        ),
    ]

    # Querysets: contributors and authors see their own stories only.

    def get_queryset(self, request):
        queryset = (
            Article.objects.for_desk(request.user)
            .select_related("section", "created_by")
            .prefetch_related(
                Prefetch("bylines", queryset=Byline.objects.select_related("author"))
            )
        )
        return pending_comment_counts(queryset)

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

    def has_publish_permission(self, request):
        return workflow.may_publish_anything(request.user)

    def has_submit_permission(self, request):
        return self._writes(request)

    def _writes(self, request):
        return workflow.may_write(request.user)

    def get_readonly_fields(self, request, obj=None):
        readonly = ["desk_status", "updated_at"]
        if not workflow.allowed(request.user, "publish", obj or Article()):
            readonly += ["published_at", "expires_at"]
        if not workflow.may_keep_raw_html(request.user):
            readonly.append("raw_html")
            if obj is not None and obj.raw_html:
                readonly.append("body")  # an editor's HTML would not survive the editor
        return readonly

    # Re-encoding a big upload takes seconds: it happens here, before any
    # transaction, so SQLite's write lock is free meanwhile. The request-wide
    # transaction (newsroom.faults) is off for these views; the admin's own, and
    # reversion's, still cover the save.
    @transaction.non_atomic_requests
    def add_view(self, request, form_url="", extra_context=None):
        prepare_uploads(request)
        return super().add_view(request, form_url, extra_context)

    @transaction.non_atomic_requests
    def change_view(self, request, object_id, form_url="", extra_context=None):
        prepare_uploads(request)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if obj is None or not obj.raw_html or "body" not in form_class.base_fields:
            return form_class

        class HtmlSourceForm(form_class):
            # The rich editor would rewrite the markup: editors edit the source.
            body = forms.CharField(
                required=False,
                widget=forms.Textarea(
                    attrs={"rows": 30, "class": "vLargeTextField html-source"}
                ),
            )

        return HtmlSourceForm

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
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            self._add_own_byline(request, form.instance)

    def _add_own_byline(self, request, article):
        """A story written by a staff member with a byline starts with theirs."""
        author = Author.objects.filter(user=request.user).first()
        if author and not article.bylines.exists():
            Byline.objects.create(article=article, author=author, position=0)

    def response_change(self, request, obj):
        if request.POST.get("_workflow") in WORKFLOW_BUTTONS:
            self._press(request, obj, request.POST["_workflow"])
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if request.POST.get("_workflow") in WORKFLOW_BUTTONS:
            self._press(request, obj, request.POST["_workflow"])
            return HttpResponseRedirect(
                reverse("admin:articles_article_change", args=[obj.pk])
            )
        return super().response_add(request, obj, post_url_continue)

    def _press(self, request, obj, button):
        try:
            _apply(obj, button, request.user)
        except workflow.Refused as exc:
            self.message_user(
                request, f"Your changes were saved, but: {exc}", messages.ERROR
            )
            return
        self.message_user(
            request,
            f"“{obj.headline}” is now {workflow.describe_status(obj)}.",
            messages.SUCCESS,
        )

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        obj = context.get("original")
        story = obj or Article()
        user = request.user
        now = timezone.now()
        context["workflow_buttons"] = [
            (action, label)
            for action, label in [
                ("submit", "Send for review"),
                ("publish", "Publish now"),
                ("schedule", "Schedule at the publish time"),
                ("unpublish", "Unpublish"),
            ]
            if workflow.allowed(user, action, story)
            and story.may_start(action, now)
            and (add or workflow.allowed(user, "change", story))
        ]
        context["may_share_preview"] = obj and workflow.allowed(
            user, "share_preview", obj
        )
        # The body editor's inline import map runs only with this response's CSP nonce.
        context["media"] = Media.from_media(
            context["media"], nonce=str(request.csp_nonce)
        )
        return super().render_change_form(request, context, add, change, **kwargs)

    # Bulk actions: per-story permission, a report of what was done and refused.

    @admin.action(
        description="Send selected stories for review", permissions=["submit"]
    )
    def submit_selected(self, request, queryset):
        _bulk(self, request, queryset, "submit", "sent for review")

    @admin.action(description="Publish selected stories now", permissions=["publish"])
    def publish_selected(self, request, queryset):
        _bulk(self, request, queryset, "publish", "published")

    @admin.action(description="Unpublish selected stories", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        _bulk(self, request, queryset, "unpublish", "unpublished")

    # History, compare and restore (replacing reversion's revert form).

    def get_urls(self):
        own = [
            path(
                "<int:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="articles_article_compare",
            ),
            path(
                "<int:object_id>/preview-links/",
                self.admin_site.admin_view(self.preview_links_view),
                name="articles_article_preview_links",
            ),
            path(
                "<int:object_id>/preview-links/<int:link_id>/revoke/",
                self.admin_site.admin_view(require_POST(self.revoke_link_view)),
                name="articles_article_revoke_link",
            ),
        ]
        return own + super().get_urls()

    def _story_or_404(self, request, object_id, action):
        article = self.get_queryset(request).filter(pk=object_id).first()
        if article is None:
            raise Http404("No such story.")
        if not workflow.allowed(request.user, action, article):
            raise PermissionDenied
        return article

    def history_view(self, request, object_id, extra_context=None):
        article = self._story_or_404(request, object_id, "view")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "object": article,
            "module_name": "Articles",
            "has_view_permission": True,
            "title": f"History: {article.headline}",
            "versions": revisions.versions_of(article),
            "may_restore": workflow.allowed(request.user, "restore", article),
        }
        return TemplateResponse(request, self.object_history_template, context)

    def compare_view(self, request, object_id):
        article = self._story_or_404(request, object_id, "view")
        versions = revisions.versions_of(article)
        try:
            old = versions.get(pk=int(request.GET.get("from", "")))
            new = versions.get(pk=int(request.GET.get("to", "")))
        except (ValueError, Version.DoesNotExist) as exc:
            raise Http404("Choose two versions of this story.") from exc
        if old.revision.date_created > new.revision.date_created:
            old, new = new, old
        return self._diff_response(
            request,
            article,
            title=f"Changes to “{article.headline}”",
            old_label=self._version_label(old),
            new_label=self._version_label(new),
            changes=revisions.differences(
                revisions.snapshot_of_version(old), revisions.snapshot_of_version(new)
            ),
        )

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """An old version against the story as it is now, with Restore."""
        article = self._story_or_404(request, object_id, "view")
        version = get_object_or_404(revisions.versions_of(article), pk=version_id)
        if request.method == "POST":
            if not workflow.allowed(request.user, "restore", article):
                raise PermissionDenied
            warnings = revisions.restore(article, version, request.user)
            for warning in warnings:
                self.message_user(request, warning, messages.WARNING)
            self.message_user(
                request,
                f"Restored the version of {self._version_label(version)} as a new "
                "revision.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(
                reverse("admin:articles_article_change", args=[article.pk])
            )
        return self._diff_response(
            request,
            article,
            title=f"Restore “{article.headline}”?",
            old_label="now",
            new_label=self._version_label(version),
            changes=revisions.differences(
                revisions.snapshot_of_article(article),
                revisions.snapshot_of_version(version),
            ),
            restore_version=version
            if workflow.allowed(request.user, "restore", article)
            else None,
        )

    def _diff_response(self, request, article, **context):
        return TemplateResponse(
            request,
            "admin/articles/article/compare.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": article,
                **context,
            },
        )

    @staticmethod
    def _version_label(version):
        user = version.revision.user
        by = f" by {user.get_username()}" if user else ""
        return f"{workflow.format_moment(version.revision.date_created)}{by}"

    # Deleted stories come back only through editors.

    def recoverlist_view(self, request, extra_context=None):
        if not workflow.may_recover(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not workflow.may_recover(request.user):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    # Shareable preview links.

    def preview_links_view(self, request, object_id):
        article = self._story_or_404(request, object_id, "share_preview")
        new_link = None
        if request.method == "POST":
            form = previews.PreviewLinkForm(request.POST)
            if form.is_valid():
                link = previews.create_link(
                    article,
                    request.user,
                    note=form.cleaned_data["note"],
                    hours=form.cleaned_data["hours"],
                )
                new_link = request.build_absolute_uri(previews.link_url(link))
                self.message_user(
                    request,
                    f"Preview link created; it works until "
                    f"{workflow.format_moment(link.expires_at)}.",
                    messages.SUCCESS,
                )
                form = previews.PreviewLinkForm()
        else:
            form = previews.PreviewLinkForm()
        links = [
            (link, request.build_absolute_uri(previews.link_url(link)))
            for link in article.preview_links.select_related("created_by")
        ]
        return TemplateResponse(
            request,
            "admin/articles/article/preview_links.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": article,
                "title": f"Share a preview of “{article.headline}”",
                "form": form,
                "links": links,
                "new_link": new_link,
                "now": timezone.now(),
            },
        )

    def revoke_link_view(self, request, object_id, link_id):
        article = self._story_or_404(request, object_id, "share_preview")
        link = get_object_or_404(PreviewLink, pk=link_id, article=article)
        link.revoked_at = link.revoked_at or timezone.now()
        link.save(update_fields=["revoked_at"])
        self.message_user(request, "The link no longer opens the preview.")
        return HttpResponseRedirect(
            reverse("admin:articles_article_preview_links", args=[article.pk])
        )


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


@admin.register(PreviewLink)
class PreviewLinkAdmin(admin.ModelAdmin):
    """All shared previews at a glance, so editors can revoke any of them."""

    list_display = [
        "article",
        "note",
        "created_by",
        "created_at",
        "expires_at",
        "revoked_at",
    ]
    list_select_related = ["article", "created_by"]
    readonly_fields = ["article", "created_by", "created_at", "expires_at"]
    fields = ["article", "note", "created_by", "created_at", "expires_at", "revoked_at"]

    def has_add_permission(self, request):
        return False  # links are made from the story's "Share a preview" page


def attention(user, now=None) -> dict:
    """What needs the desk: stories in review, going live within 24 h, comments pending."""
    now = now or timezone.now()
    stories = Article.objects.for_desk(user).select_related("section")
    Comment = comment_model()
    pending = None
    if Comment is not None and user.has_module_perms("comments"):
        pending = Comment.objects.all().pending().count()
    return {
        "in_review": list(stories.in_review().order_by("modified_at")[:10]),
        "in_review_count": stories.in_review().count(),
        "scheduled": list(
            stories.scheduled_between(now, now + timedelta(hours=24)).order_by(
                "published_at"
            )
        ),
        "pending_comments": pending,
    }
