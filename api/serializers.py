"""What the read API says about each thing. Only published content reaches these
(api/views.py starts every query from published()); nothing here reads a draft,
an email address or an IP address."""

import re

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from taggit.models import Tag

from articles.models import Article, Author, Correction, Quote, Section
from articles.seo import absolute

# Addresses in story HTML that are relative to the site: made absolute for apps
# that show the HTML elsewhere.
_RELATIVE_ATTRIBUTE = re.compile(r'(\s(?:href|src|poster)=")(/(?!/)[^"]*)"')
_SRCSET = re.compile(r'(\ssrcset=")([^"]*)"')


def absolute_html(html: str) -> str:
    """Story HTML with its site-relative addresses (href, src, srcset) absolute."""

    def srcset(match):
        parts = []
        for candidate in match.group(2).split(","):
            url, _, descriptor = candidate.strip().partition(" ")
            if url.startswith("/") and not url.startswith("//"):
                url = absolute(url)
            parts.append(f"{url} {descriptor}".strip())
        return f'{match.group(1)}{", ".join(parts)}"'

    html = _RELATIVE_ATTRIBUTE.sub(
        lambda m: f'{m.group(1)}{absolute(m.group(2))}"', html
    )
    return _SRCSET.sub(srcset, html)


def api_url(name: str, *args) -> str:
    return absolute(reverse(name, args=args))


class SectionSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The section's page.")

    class Meta:
        model = Section
        fields = ["id", "slug", "name", "description", "url"]

    def get_url(self, section) -> str:
        return absolute(section.get_absolute_url())


class SectionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ["id", "slug", "name"]


class AuthorSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The author's page.")

    class Meta:
        model = Author
        fields = ["id", "slug", "name", "role", "bio", "url"]

    def get_url(self, author) -> str:
        return absolute(author.get_absolute_url())


class BylineSerializer(serializers.ModelSerializer):
    class Meta:
        model = Author
        fields = ["id", "slug", "name", "role"]


class TagRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["slug", "name"]


class TagSerializer(serializers.ModelSerializer):
    story_count = serializers.IntegerField(help_text="Published stories with it.")
    url = serializers.SerializerMethodField(help_text="The topic's page.")

    class Meta:
        model = Tag
        fields = ["slug", "name", "story_count", "url"]

    def get_url(self, tag) -> str:
        return absolute(reverse("articles:tag", args=[tag.slug]))


class RenditionSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text='"width" (the whole picture) or a crop.')
    url = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    type = serializers.CharField(help_text="MIME type, e.g. image/webp.")


class ImageSerializer(serializers.Serializer):
    url = serializers.CharField(help_text="The original, re-encoded.")
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    alt = serializers.CharField()
    caption = serializers.CharField(allow_blank=True)
    credit = serializers.CharField(allow_blank=True)
    renditions = RenditionSerializer(many=True)


def featured_image(story) -> dict | None:
    image = story.featured_image
    if image is None or not image.file:
        return None
    return {
        "url": absolute(image.file.url),
        "width": image.width,
        "height": image.height,
        "alt": image.alt_text,
        "caption": story.featured_caption,
        "credit": story.featured_credit,
        "renditions": [
            {
                "kind": r["kind"],
                "url": absolute(r["url"]),
                "width": r["width"],
                "height": r["height"],
                "type": r["type"],
            }
            for r in image.renditions
            if r.get("kind") != "thumb"  # the admin's own
        ],
    }


class StorySerializer(serializers.ModelSerializer):
    """A story as lists show it."""

    api_url = serializers.SerializerMethodField(help_text="This story in the API.")
    canonical_url = serializers.SerializerMethodField(help_text="The story's page.")
    section = SectionRefSerializer(allow_null=True)
    bylines = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()
    featured_image = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField(
        allow_null=True, help_text="When readers were told it was updated, if ever."
    )
    modified_at = serializers.DateTimeField(help_text="Last saved (any change).")

    class Meta:
        model = Article
        fields = [
            "id",
            "api_url",
            "canonical_url",
            "headline",
            "standfirst",
            "section",
            "bylines",
            "tags",
            "featured_image",
            "published_at",
            "updated_at",
            "modified_at",
            "comment_count",
        ]

    def get_api_url(self, story) -> str:
        return api_url("api:story-detail", story.pk)

    def get_canonical_url(self, story) -> str:
        return absolute(story.get_absolute_url())

    # Plain dicts with BylineSerializer's and TagRefSerializer's fields: a nested
    # ModelSerializer made per story rebuilds its fields each time, which was most
    # of a 50-story page's time (benchmarks/api_list.py).
    @extend_schema_field(BylineSerializer(many=True))
    def get_bylines(self, story):
        return [
            {"id": a.pk, "slug": a.slug, "name": a.name, "role": a.role}
            for a in story.byline_list
        ]

    @extend_schema_field(TagRefSerializer(many=True))
    def get_tags(self, story):
        tags = getattr(story, "tag_list", None)  # a list page: attach_tags()
        if tags is None:
            tags = story.tags.all()
        return [{"slug": tag.slug, "name": tag.name} for tag in tags]

    @extend_schema_field(ImageSerializer(allow_null=True))
    def get_featured_image(self, story):
        return featured_image(story)


class StoryQuoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Quote
        fields = [
            "number",
            "text",
            "speaker",
            "speaker_slug",
            "speaker_role",
            "source_name",
            "source_url",
            "said_on",
            "kind",
        ]


class CorrectionNoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Correction
        fields = ["id", "kind", "text", "noted_at"]


class StoryDetailSerializer(StorySerializer):
    """A story with everything its page shows."""

    body_html = serializers.SerializerMethodField(
        help_text="Sanitised HTML, quotes placed, addresses absolute."
    )
    quotes = StoryQuoteSerializer(many=True)
    corrections = CorrectionNoteSerializer(many=True)
    comments_url = serializers.SerializerMethodField()
    comments_open = serializers.BooleanField(source="allow_comments")

    class Meta(StorySerializer.Meta):
        fields = [
            *StorySerializer.Meta.fields,
            "body_html",
            "quotes",
            "corrections",
            "comments_open",
            "comments_url",
        ]

    def get_body_html(self, story) -> str:
        return absolute_html(story.body_with_quotes())

    def get_comments_url(self, story) -> str:
        return api_url("api:story-comments", story.pk)


class StoryRefSerializer(serializers.ModelSerializer):
    api_url = serializers.SerializerMethodField()
    canonical_url = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = ["id", "headline", "published_at", "api_url", "canonical_url"]

    def get_api_url(self, story) -> str:
        return api_url("api:story-detail", story.pk)

    def get_canonical_url(self, story) -> str:
        return absolute(story.get_absolute_url())


class QuoteSerializer(StoryQuoteSerializer):
    id = serializers.IntegerField()
    story = StoryRefSerializer(source="article")

    class Meta(StoryQuoteSerializer.Meta):
        fields = ["id", *StoryQuoteSerializer.Meta.fields, "story"]


class CorrectionSerializer(CorrectionNoteSerializer):
    story = StoryRefSerializer(source="article")

    class Meta(CorrectionNoteSerializer.Meta):
        fields = [*CorrectionNoteSerializer.Meta.fields, "story"]


class CommentSerializer(serializers.Serializer):
    """An approved comment and its approved replies. Never an email or IP."""

    id = serializers.IntegerField()
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    author_name = serializers.CharField()
    author_url = serializers.CharField(allow_blank=True)
    content_html = serializers.CharField(help_text="Sanitised HTML.")
    created_at = serializers.DateTimeField()
    replies = serializers.SerializerMethodField()

    @extend_schema_field(
        {"type": "array", "items": {"$ref": "#/components/schemas/Comment"}}
    )
    def get_replies(self, comment):
        return CommentSerializer(comment["replies"], many=True).data


class QueryDateTimeField(serializers.DateTimeField):
    """A date filter given empty is a mistake (a date was meant), not no filter."""

    def get_value(self, dictionary):
        return dictionary.get(self.field_name, serializers.empty)


class StoryFiltersSerializer(serializers.Serializer):
    """The story list's filters (query parameters), all optional; an empty word
    filter (`?tag=`) is no filter, an empty date a 400."""

    section = serializers.SlugField(
        required=False, allow_blank=True, help_text="A section's slug."
    )
    tag = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="A topic's slug."
    )
    author = serializers.CharField(
        required=False, allow_blank=True, max_length=150, help_text="An author's slug."
    )
    published_after = QueryDateTimeField(
        required=False, help_text="ISO 8601; published at or after this time."
    )
    published_before = QueryDateTimeField(
        required=False, help_text="ISO 8601; published before this time."
    )
    updated_since = QueryDateTimeField(
        required=False, help_text="ISO 8601; saved (any change) at or after this time."
    )
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Words that must all match.",
    )

    def validate(self, data):
        after, before = data.get("published_after"), data.get("published_before")
        if after and before and after >= before:
            raise serializers.ValidationError(
                {"published_before": "Must be later than published_after."}
            )
        return data


class QuoteFiltersSerializer(serializers.Serializer):
    speaker = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=150,
        help_text="A speaker's slug (speaker_slug).",
    )
