"""The story form of the admin, and the inline rows that travel with it (bylines,
quotes, corrections): validation that needs the whole story, and permissions that
follow the story's."""

from datetime import datetime

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django_prose_editor.widgets import AdminProseEditorWidget
from taggit.forms import TagField, TagWidget

from articles import body, embeds, revisions, seo, workflow, writing
from articles.models import Article, Byline, Correction, Quote
from images.models import Image
from images.views import describe

# --- Writing comforts: counters and the tag box (static/js/desk-writing.js) -------


class WordCountMixin:
    """The body's word count and reading time under the editor, counted on the
    server for the text the form holds; the script keeps it live as you type."""

    def render(self, name, value, attrs=None, renderer=None):
        field = super().render(name, value, attrs, renderer)
        return format_html(
            '<div class="desk-field">{}<p class="desk-count" data-words-for="{}">'
            "{}</p></div>",
            field,
            (attrs or {}).get("id", ""),
            writing.describe_length(value or ""),
        )


class CountedProseEditorWidget(WordCountMixin, AdminProseEditorWidget):
    """The rich body editor, with the library pictures its body already places
    (id, alt text, thumbnail) for the editor's figures (static/js/body-figures.js):
    one query, none for a body without pictures."""

    def render(self, name, value, attrs=None, renderer=None):
        field = super().render(name, value, attrs, renderer)
        ids = body.image_ids(value or "")
        if not ids:
            return field
        images = [describe(image) for image in Image.objects.filter(pk__in=ids)]
        return format_html(
            '{}<script type="application/json" data-body-images>{}</script>',
            field,
            seo.json_ld(images),
        )


class CountedTextarea(WordCountMixin, forms.Textarea):
    pass


class CharCountMixin:
    """ "42 / 70 characters" under a field, and a warning past the soft limit: a
    hint for search results, never a refusal."""

    def __init__(self, soft_limit: int, advice: str, attrs=None):
        self.soft_limit, self.advice = soft_limit, advice
        super().__init__(attrs)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**(attrs or {}), "data-soft-limit": self.soft_limit}
        count_id = f"{attrs.get('id', name)}_count"
        described = f"{attrs.get('aria-describedby', '')} {count_id}".strip()
        field = super().render(
            name, value, attrs | {"aria-describedby": described}, renderer
        )
        length = len(value or "")
        return format_html(
            '<div class="desk-field">{}<p class="desk-count" id="{}" data-chars-for="{}">'
            '<span class="desk-count__chars">{} / {} characters</span> '
            '<span class="desk-count__warning"{}>{}</span></p></div>',
            field,
            count_id,
            attrs.get("id", ""),
            length,
            self.soft_limit,
            "" if length > self.soft_limit else " hidden",
            f"Longer than {self.soft_limit}: {self.advice}",
        )


class CountedInput(CharCountMixin, forms.TextInput):
    pass


class CountedTextareaInput(CharCountMixin, forms.Textarea):
    pass


class TagsWidget(TagWidget):
    """Tags as typed (Harbour Town, Solar power). The script makes the box removable
    tokens with suggestions from the tag search; it still posts this text, so with
    JavaScript off the box works as it is."""

    def format_value(self, value):
        if value is not None and not isinstance(value, str):
            names = sorted((tag.name for tag in value), key=str.casefold)
            value = writing.format_tags(names)
        return super().format_value(value)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {
            **(attrs or {}),
            "autocomplete": "off",
            "data-tag-search": reverse("admin:articles_article_tags"),
        }
        return super().render(name, value, attrs, renderer)


class LoadedImageAutocomplete(AutocompleteSelect):
    """The library chooser of the featured and social image. Its chosen option is
    the image the story was loaded with (ArticleAdminForm sets `loaded`), not a
    query per chooser: the form keeps within its query budget with both."""

    loaded: dict[str, str] = {}

    def optgroups(self, name, value, attr=None):
        chosen = {
            str(v) for v in value if str(v) not in self.choices.field.empty_values
        }
        if not chosen or not chosen <= self.loaded.keys():
            return super().optgroups(name, value, attr)
        options = (
            [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        )
        for pk in sorted(chosen):
            options.append(
                self.create_option(name, pk, self.loaded[pk], True, len(options))
            )
        return [(None, options, 0)]


class TagsField(TagField):
    widget = TagsWidget

    def clean(self, value):
        names = writing.parse_tags(forms.CharField.clean(self, value))
        if too_long := [name for name in names if len(name) > 100]:
            raise ValidationError(
                f"A tag may have at most 100 characters; “{too_long[0][:40]}…” has "
                f"{len(too_long[0])}. Separate tags with commas."
            )
        return names


# The story's library images, each chosen with LoadedImageAutocomplete.
IMAGE_FIELDS = ("featured_image", "social_image")


class ArticleAdminForm(forms.ModelForm):
    # The modification time the form was loaded with: a save is refused if the
    # story has been saved since (no silent overwrites).
    loaded_modified_at = forms.CharField(widget=forms.HiddenInput, required=False)
    tags = TagsField(
        required=False,
        widget=TagsWidget(attrs={"class": "vLargeTextField"}),
        help_text="Separate tags with commas. Suggestions come from existing tags.",
    )

    class Meta:
        model = Article
        # The admin narrows this per role (read-only fields are left out).
        fields = [
            "headline",
            "slug",
            "standfirst",
            "body",
            "meta_description",
            "social_headline",
            "published_at",
            "expires_at",
            "section",
            "tags",
            "allow_comments",
            "featured_image",
            "social_image",
            "image_caption",
            "image_credit",
        ]
        widgets = {
            "headline": CountedInput(
                writing.HEADLINE_SOFT_LIMIT,
                "search results may cut it.",
                attrs={"class": "vLargeTextField desk-headline"},
            ),
            "body": CountedProseEditorWidget,
            "meta_description": CountedTextareaInput(
                writing.META_DESCRIPTION_SOFT_LIMIT,
                "search results usually cut it here.",
                attrs={"rows": 3, "class": "vLargeTextField"},
            ),
            "social_headline": CountedInput(
                writing.HEADLINE_SOFT_LIMIT,
                "social cards may cut it.",
                attrs={"class": "vLargeTextField"},
            ),
        }
        error_messages = {
            "meta_description": {
                "max_length": "A meta description may have at most %(limit_value)d "
                "characters (this one has %(show_value)d): search engines show "
                "about 160."
            },
            "social_headline": {
                "max_length": "A social headline may have at most %(limit_value)d "
                "characters (this one has %(show_value)d)."
            },
        }

    # Set by clean() when someone saved the story after this form was loaded.
    refused_as_stale = False

    class Media:
        js = ["js/desk-writing.js", "js/desk-autosave.js", "js/desk-presence.js"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_modified_at"].initial = self.instance_token()
        for name in IMAGE_FIELDS:
            self._show_loaded_image(name)

    def _show_loaded_image(self, name):
        chooser = getattr(self.fields.get(name), "widget", None)
        chooser = getattr(chooser, "widget", chooser)  # inside the admin's wrapper
        if not isinstance(chooser, LoadedImageAutocomplete):
            return
        if Article._meta.get_field(name).is_cached(self.instance):
            image = getattr(self.instance, name)
            chooser.loaded = {str(image.pk): str(image)} if image else {}

    def instance_token(self) -> str:
        stories = Article.objects.filter(pk=self.instance.pk)
        if transaction.get_connection().in_atomic_block:
            # Inside the admin's transaction: hold the row until this save commits,
            # so two simultaneous saves cannot both pass the check (PostgreSQL;
            # SQLite's IMMEDIATE transactions already serialise writers).
            stories = stories.select_for_update()
        current = stories.values_list("modified_at", flat=True).first()
        return current.isoformat() if current else ""

    def clean_body(self):
        # The raw submission: the sanitiser would quietly turn a refused embed into
        # a link, so the editor hears why first (the form keeps what they wrote).
        body = self.cleaned_data.get("body") or ""
        if problems := embeds.refusals(body):
            raise ValidationError(problems)
        return body

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
        # The token stays the one loaded: saving again is refused again. Replacing
        # their version is a choice on the conflict screen (ConflictAdminMixin).
        self.refused_as_stale = True
        raise ValidationError(
            f"Not saved: {who} saved this story at {when}, after you opened it. "
            "Nothing you typed is lost: compare the two versions and choose which "
            "to keep."
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


def with_html_source_body(form_class):
    """The story form with the body as a plain textarea: the rich editor would
    rewrite hand-written markup, so editors edit the source."""

    class HtmlSourceForm(form_class):
        body = forms.CharField(
            required=False,
            widget=CountedTextarea(
                attrs={"rows": 30, "class": "vLargeTextField html-source"}
            ),
        )

    return HtmlSourceForm


class QuoteInlineFormSet(BaseInlineFormSet):
    """Every "[quote N]" in the body must point at a quote of this story, once."""

    def clean(self):
        super().clean()
        numbers, deleted = [], set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            number = form.cleaned_data.get("number")
            if self.can_delete and self._should_delete_form(form):
                deleted.add(number)
                continue
            if number is not None:
                numbers.append(number)
        if problem := quote_placement_problem(
            self.instance.placed_quote_counts(), numbers, deleted
        ):
            raise ValidationError(problem)


def quote_placement_problem(
    placed: dict[int, int], numbers: list[int], deleted=frozenset()
) -> str | None:
    """Why a story's quotes (their `numbers`, those `deleted`) do not fit the body's
    "[quote N]" placements (`placed`: number → times), or None: the admin's quote
    rows and the desk API ask the same question."""
    duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
    if duplicates:
        return f"Two quotes share the number {duplicates[0]}: give each its own."
    if twice := sorted(n for n, count in placed.items() if count > 1):
        return (
            f"The body places [quote {twice[0]}] {placed[twice[0]]} times: a "
            "quote appears once in a story. Remove the extra placement from "
            "the body (nothing else is lost)."
        )
    if removed := sorted(set(placed) & set(deleted) - set(numbers)):
        return (
            f"Quote {removed[0]} is marked for deletion but the body still "
            f"places it ([quote {removed[0]}]): remove the placement from the "
            "body too, or untick Delete."
        )
    missing = sorted(set(placed) - set(numbers))
    if missing:
        places = ", ".join(f"[quote {n}]" for n in missing)
        have = ", ".join(str(n) for n in sorted(numbers)) or "none"
        return (
            f"The body places {places}, but this story has no such quote "
            f"(its quotes are numbered: {have}). Add the quote below or remove "
            "the placement from the body."
        )
    return None


# Inlines: permissions follow the story.


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

    def get_queryset(self, request):
        # Each row shows its str(), "<author> on <story>": both in the one query.
        return super().get_queryset(request).select_related("author", "article")


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


class KnownStoryFormSet(BaseInlineFormSet):
    """Each saved row is given the story it belongs to, already loaded: the admin
    shows a row's str(), which names the story (one query per row otherwise)."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if form.instance.pk is not None and self.instance.pk is not None:
            self.fk.set_cached_value(form.instance, self.instance)
        return form


class CorrectionInline(StoryInline, admin.TabularInline):
    model = Correction
    formset = KnownStoryFormSet
    extra = 0
    fields = ["kind", "text", "noted_at"]
