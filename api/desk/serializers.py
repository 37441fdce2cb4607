"""What a desk request may hold and what the desk answers. Field rules are the
model's (lengths, choices); who may set what is editing.py's (workflow)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles import workflow
from articles.models import Article, Quote, Section

MAX_TAGS = 50
MAX_QUOTES = 50


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know (a typo is a 400, not silently dropped)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            if unknown := sorted(set(data) - set(self.fields)):
                known = ", ".join(sorted(self.fields))
                raise serializers.ValidationError(
                    {unknown[0]: [f"Unknown field. This request accepts: {known}."]}
                )
        return super().to_internal_value(data)


class DeskQuoteSerializer(StrictSerializer, serializers.ModelSerializer):
    class Meta:
        model = Quote
        fields = [
            "number",
            "text",
            "speaker",
            "speaker_role",
            "source_name",
            "source_url",
            "said_on",
            "kind",
        ]
        extra_kwargs = {"number": {"min_value": 1, "max_value": 999, "required": True}}

    def validate_source_url(self, value):
        if value and not value.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError("Only http and https links are allowed.")
        return value


class DeskDraftSerializer(StrictSerializer, serializers.ModelSerializer):
    """A new draft: a headline, and whatever else the tool has."""

    section = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Section.objects.all(),
        required=False,
        allow_null=True,
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=100),
        max_length=MAX_TAGS,
        required=False,
        help_text="The story's tags (replaces them).",
    )
    quotes = DeskQuoteSerializer(
        many=True,
        required=False,
        max_length=MAX_QUOTES,
        help_text="The story's quotes (replaces them); place one in the body with a "
        "paragraph reading “[quote N]”.",
    )

    class Meta:
        model = Article
        fields = [
            "headline",
            "standfirst",
            "body",
            "raw_html",
            "meta_description",
            "social_headline",
            "planned_for",
            "section",
            "tags",
            "quotes",
            "featured_image",
            "image_caption",
            "image_credit",
            "allow_comments",
        ]
        extra_kwargs = {
            "body": {"help_text": "HTML, cleaned as the admin cleans it."},
            "raw_html": {"help_text": "Editors only: keep hand-written HTML."},
            "featured_image": {"help_text": "An image id from POST images/."},
        }


class DeskChangeSerializer(DeskDraftSerializer):
    """Changes to a story: the fields sent, and the version they were made on."""

    version = serializers.CharField(
        max_length=64,
        help_text="The story's `version` as you last read it: a save made since is "
        "a 409 (nothing is overwritten).",
    )

    class Meta(DeskDraftSerializer.Meta):
        fields = ["version", *DeskDraftSerializer.Meta.fields]
        extra_kwargs = {
            **DeskDraftSerializer.Meta.extra_kwargs,
            "headline": {"required": False},
        }


class DeskTransitionSerializer(StrictSerializer):
    version = serializers.CharField(max_length=64)


class DeskScheduleSerializer(DeskTransitionSerializer):
    publish_at = serializers.DateTimeField(
        help_text="When readers see it (ISO 8601, with a zone); in the future."
    )

    def validate_publish_at(self, value):
        if value <= timezone.now():
            raise serializers.ValidationError(
                "Choose a publish time in the future to schedule."
            )
        return value


class DeskUploadSerializer(StrictSerializer):
    # Empty files too: the library's checks say why (images/processing.py).
    file = serializers.FileField(allow_empty_file=True, help_text="An image file.")
    alt_text = serializers.CharField(max_length=300, allow_blank=True, required=False)
    caption = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    credit = serializers.CharField(max_length=200, allow_blank=True, required=False)
    licence = serializers.CharField(max_length=300, allow_blank=True, required=False)


# --- Answers ----------------------------------------------------------------------


class DeskStorySerializer(serializers.ModelSerializer):
    """A story on the user's desk, with the version to send back with a change."""

    version = serializers.SerializerMethodField()
    status_label = serializers.SerializerMethodField()
    # Unicode slugs, not the schema's ASCII pattern for a SlugField.
    slug = serializers.CharField(read_only=True)
    section = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    tags = serializers.SerializerMethodField()
    quotes = DeskQuoteSerializer(many=True, read_only=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "version",
            "status",
            "status_label",
            "headline",
            "slug",
            "standfirst",
            "body",
            "raw_html",
            "meta_description",
            "social_headline",
            "planned_for",
            "published_at",
            "section",
            "tags",
            "quotes",
            "featured_image",
            "image_caption",
            "image_credit",
            "allow_comments",
            "modified_at",
        ]
        read_only_fields = fields

    def get_version(self, story) -> str:
        return story.modified_at.isoformat()

    def get_status_label(self, story) -> str:
        return workflow.describe_status(story)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_tags(self, story):
        return sorted((tag.name for tag in story.tags.all()), key=str.casefold)


class DeskImageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    alt_text = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    existing = serializers.BooleanField(
        help_text="The same file was already in the library: this is that image."
    )
