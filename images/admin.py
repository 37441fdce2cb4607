"""The image library in the admin: find, upload (several at once), describe, crop.

The list shows stored thumbnails (never the originals) and where each image is
used, one query per registered use for the whole page (ImageChangeList). Deleting
an image in use is refused through Django's own "protected objects" page, for the
single delete and the bulk action alike.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Min
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from images import processing, renditions, uploads, usage
from images.models import Image, ImageInUse
from newsroom.adminsite import WideChangeList

# Files one upload may carry; more are refused with a message, not processed.
MAX_FILES_PER_UPLOAD = 50


class UsedFilter(admin.SimpleListFilter):
    title = "use"
    parameter_name = "used"

    def lookups(self, request, model_admin):
        return [("yes", "Used"), ("no", "Not used")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.in_use()
        if self.value() == "no":
            return queryset.unused()
        return queryset


class MonthFilter(admin.SimpleListFilter):
    """Months from the newest upload back to the oldest (at most MONTHS_LISTED),
    from one MIN/MAX query: Django's date_hierarchy lists them with a DISTINCT
    over every row, 255 ms of the list's 350 ms at 20,000 images on SQLite."""

    title = "month uploaded"
    parameter_name = "month"
    MONTHS_LISTED = 36

    def lookups(self, request, model_admin):
        span = Image.objects.aggregate(
            first=Min("uploaded_at"), last=Max("uploaded_at")
        )
        if span["first"] is None:
            return []
        first = timezone.localtime(span["first"]).date().replace(day=1)
        month = timezone.localtime(span["last"]).date().replace(day=1)
        months = []
        while month >= first and len(months) < self.MONTHS_LISTED:
            months.append((month.strftime("%Y-%m"), month.strftime("%B %Y")))
            month = (month - timedelta(days=1)).replace(day=1)
        return months

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            start = datetime.strptime(self.value(), "%Y-%m")
        except ValueError as exc:
            raise IncorrectLookupParameters(exc) from exc
        end = (start + timedelta(days=32)).replace(day=1)
        return queryset.filter(
            uploaded_at__gte=timezone.make_aware(start),
            uploaded_at__lt=timezone.make_aware(end),
        )


class ImageChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        found = usage.usages_of(image.pk for image in self.result_list)
        for image in self.result_list:
            image.usage_list = found.get(image.pk, [])


def _uses_html(uses) -> str:
    if not uses:
        return "—"
    return format_html_join(
        ", ", '<a href="{}">{}</a>', ((u, label) for label, u in uses)
    )


def _thumbnail_html(image, missing="Renditions are being made…") -> str:
    thumb = image.thumbnail
    if not thumb:
        return format_html('<span class="image-pending">{}</span>', missing)
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="" loading="lazy" '
        'class="image-thumb">',
        thumb["url"],
        thumb["width"],
        thumb["height"],
    )


# The change form's File section: what the library knows of the file, read-only.
FILE_FACTS = [
    "used_in_detail",
    "original_name",
    "dimensions",
    "byte_size",
    "uploaded_by",
    "uploaded_at",
]


@admin.register(Image)
class ImageAdmin(WideChangeList, admin.ModelAdmin):
    list_display = [
        "thumbnail_column",
        "alt_text",
        "original_name",
        "dimensions",
        "credit",
        "uploaded_by",
        "uploaded_at",
        "used_in",
    ]
    list_display_links = ["thumbnail_column", "alt_text"]
    list_filter = [
        UsedFilter,
        MonthFilter,
        ("uploaded_by", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["alt_text", "caption", "credit", "original_name"]
    search_help_text = "Alt text, caption, credit or file name."
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["preview", "alt_text", "caption", "credit", "licence"]}),
        (
            "Focal point",
            {
                "fields": ["focal_x", "focal_y", "crops"],
                "description": "Click the picture above to place the focal point, "
                "or type fractions (0.5, 0.5 is the centre). Saving re-cuts the "
                "crops around it.",
            },
        ),
        ("File", {"fields": FILE_FACTS}),
    ]
    readonly_fields = ["preview", "crops", *FILE_FACTS]

    class Media:
        css = {"all": ["images/images-admin.css"]}
        js = ["images/focal-point.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).for_list()

    def get_changelist(self, request, **kwargs):
        return ImageChangeList

    def get_search_results(self, request, queryset, search_term):
        # The library's one search rule (ImageQuerySet.search), not a copy of it.
        return queryset.search(search_term), False

    # --- Columns and read-only fields -------------------------------------------

    @admin.display(description="Image")
    def thumbnail_column(self, obj):
        return _thumbnail_html(obj)

    @admin.display(description="Size")
    def dimensions(self, obj):
        return f"{obj.width}×{obj.height}" if obj.width else "—"

    @admin.display(description="Used in")
    def used_in(self, obj):
        return _uses_html(getattr(obj, "usage_list", []))

    @admin.display(description="Used in")
    def used_in_detail(self, obj):
        return _uses_html(usage.usages(obj)) if obj.pk else "—"

    @admin.display(description="Picture")
    def preview(self, obj):
        whole = obj.renditions_of("width")
        if not whole:
            return _thumbnail_html(obj)
        shown = min(whole, key=lambda r: abs(r["width"] - 800))
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="" class="image-preview" '
            'data-focal-picker data-focal-x="{}" data-focal-y="{}">',
            shown["url"],
            shown["width"],
            shown["height"],
            obj.focal_x,
            obj.focal_y,
        )

    @admin.display(description="Crops")
    def crops(self, obj):
        shown = []
        for kind in settings.IMAGE_CROPS:
            made = obj.renditions_of(kind)
            smallest = min(made, key=lambda r: r["width"], default=None)
            if smallest:
                shown.append((kind, smallest))
        if not shown:
            return "Made after the image is saved."
        return format_html_join(
            "",
            '<figure class="image-crop"><img src="{}" width="{}" height="{}" alt="">'
            "<figcaption>{}</figcaption></figure>",
            ((r["url"], r["width"], r["height"], kind) for kind, r in shown),
        )

    # --- Saving and deleting -----------------------------------------------------

    def add_view(self, request, form_url="", extra_context=None):
        # New images come through the upload page: it checks every file.
        return redirect("admin:images_image_upload")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"focal_x", "focal_y"} & set(form.changed_data):
            renditions.schedule(obj, crops_only=True)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        found = usage.usages_of(image.pk for image in objs)
        for image in objs:
            for label, url in found.get(image.pk, []):
                protected.append(
                    format_html('{} — <a href="{}">{}</a>', image, url, label)
                )
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        try:
            obj.delete()
        except ImageInUse as exc:  # became used since the confirmation page
            self.message_user(request, str(exc), messages.ERROR)

    def delete_queryset(self, request, queryset):
        for image in queryset:
            self.delete_model(request, image)

    # --- Uploading several files -------------------------------------------------

    def get_urls(self):
        upload = self.admin_site.admin_view(self.upload_view)
        return [
            path("upload/", upload, name="images_image_upload"),
            *super().get_urls(),
        ]

    @transaction.non_atomic_requests  # checks and re-encoding before any lock
    def upload_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        return _upload_page(self, request)


def _upload_page(model_admin, request):
    outcomes, error = [], ""
    if request.method == "POST":
        files = request.FILES.getlist("files")
        if not files:
            error = "Choose one or more image files first."
        elif len(files) > MAX_FILES_PER_UPLOAD:
            error = f"At most {MAX_FILES_PER_UPLOAD} files at once; nothing was added."
        else:
            outcomes = upload_files(request, files)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Upload images",
        "accept": processing.ACCEPT,
        "accepted": processing.accepted_summary(),
        "max_files": MAX_FILES_PER_UPLOAD,
        "outcomes": outcomes,
        "error": error,
        "media": model_admin.media,
    }
    status = 400 if error else 200
    return TemplateResponse(
        request, "admin/images/image/upload.html", context, status=status
    )


def upload_files(request, files) -> list[uploads.Outcome]:
    """Each file on its own: one alt text per file when the page sent one each
    (the script does), else the one alt text for all of them."""
    alts = request.POST.getlist("alt")
    details = {
        field: request.POST.get(field, "").strip()[:limit]
        for field, limit in (("caption", 5000), ("credit", 200), ("licence", 300))
    }
    outcomes = []
    for index, uploaded in enumerate(files):
        alt = alts[index] if len(alts) == len(files) else (alts[0] if alts else "")
        outcomes.append(
            uploads.add_upload(uploaded, alt_text=alt, user=request.user, **details)
        )
    return outcomes
