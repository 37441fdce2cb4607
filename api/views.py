"""The read API (/api/v1/). Every story, quote, correction, tag, author and
comment reached here comes through Article.objects.published(): the one rule."""

from django.db.models import Count
from django.http import Http404
from django.utils.http import http_date
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView
from taggit.models import Tag

from api import pagination
from api.serializers import (
    AuthorSerializer,
    CommentSerializer,
    CorrectionSerializer,
    QuoteFiltersSerializer,
    QuoteSerializer,
    SectionSerializer,
    StoryDetailSerializer,
    StoryFiltersSerializer,
    StorySerializer,
    TagSerializer,
)
from articles import invalidation
from articles.models import Article, Author, Correction, Quote, Section
from articles.models.querysets import attach_tags
from articles.search import narrow_to_matches
from comments.models import Comment
from newsroom.cachetags import depends_on


def _last_modified(response: Response, moments) -> Response:
    moments = [m for m in moments if m]
    if moments:
        response["Last-Modified"] = http_date(max(moments).timestamp())
    return response


def _story_rows():
    """Published stories with what a list item shows, in a fixed number of queries."""
    return Article.objects.published().for_listing().defer("body")


class StoryList(generics.ListAPIView):
    """Published stories, newest first."""

    serializer_class = StorySerializer
    pagination_class = pagination.ApiCursorPagination

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        attach_tags(page)  # one query for the page's tags (see attach_tags)
        return page

    @extend_schema(parameters=[StoryFiltersSerializer])
    def get(self, request, *args, **kwargs):
        response = self.list(request, *args, **kwargs)
        # Each story's comment count is in the list (articles/invalidation.py).
        depends_on(*invalidation.card_tags(self.paginator.page))
        return _last_modified(response, [s.modified_at for s in self.paginator.page])

    def get_queryset(self):
        filters = StoryFiltersSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        stories = _story_rows()
        # Which list this is, for the page cache: a story joining, leaving or
        # moving in it bumps this tag (articles/invalidation.py).
        listed_in = invalidation.HOME
        if slug := wanted.get("section"):
            section = Section.objects.filter(slug=slug).first()
            if section is None:
                return stories.none()
            stories = stories.filter(section=section)
            listed_in = invalidation.section_tag(section.pk)
        if slug := wanted.get("tag"):
            tag = Tag.objects.filter(slug=slug).first()
            if tag is None:
                return stories.none()
            stories = stories.tagged(tag)
            listed_in = invalidation.topic_tag(tag.pk)
        if slug := wanted.get("author"):
            author = Author.objects.filter(slug=slug).first()
            if author is None:
                return stories.none()
            stories = stories.bylined(author=author)
            listed_in = invalidation.author_tag(author.pk)
        if after := wanted.get("published_after"):
            stories = stories.filter(published_at__gte=after)
        if before := wanted.get("published_before"):
            stories = stories.filter(published_at__lt=before)
        if since := wanted.get("updated_since"):
            # Any save counts, which no list tag follows: cached until any change.
            stories = stories.filter(modified_at__gte=since)
            listed_in = None
        if query := wanted.get("q"):
            stories = narrow_to_matches(stories, query)
            listed_in = None  # search pages declare nothing either
        if listed_in:
            depends_on(listed_in)
        return stories


class StoryDetail(generics.RetrieveAPIView):
    """One published story with its body, quotes and corrections."""

    serializer_class = StoryDetailSerializer

    def get_object(self):
        story = (
            Article.objects.published()
            .for_detail()
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if story is None:
            raise Http404("No published story with this id.")
        depends_on(
            invalidation.story_tag(story.pk), invalidation.comments_tag(story.pk)
        )
        return story

    def get(self, request, *args, **kwargs):
        story = self.get_object()
        response = Response(self.get_serializer(story).data)
        notes = [note.noted_at for note in story.corrections.all()]
        return _last_modified(response, [story.modified_at, story.updated_at, *notes])


class StoryComments(APIView):
    """A published story's approved comments, threaded, oldest first."""

    pagination_class = None

    @extend_schema(responses=CommentSerializer(many=True))
    def get(self, request, pk: int):
        story = Article.objects.published().filter(pk=pk).only("pk").first()
        if story is None:
            raise Http404("No published story with this id.")
        depends_on(*invalidation.comments_changed(story.pk))
        rows = list(
            Comment.objects.for_article_page(story).values(
                "id",
                "parent_id",
                "author_name",
                "author_url",
                "content_html",
                "created_at",
            )
        )
        by_id = {row["id"]: row for row in rows}
        roots = []
        for row in rows:
            row["author_name"] = row["author_name"] or "Anonymous"
            row["replies"] = []
        for row in rows:
            parent = by_id.get(row["parent_id"])
            # A reply whose parent is not approved stands on its own, as on the page.
            (parent["replies"] if parent else roots).append(row)
            if not parent:
                row["parent_id"] = None
        response = Response(CommentSerializer(roots, many=True).data)
        return _last_modified(response, [row["created_at"] for row in rows])


class SectionList(generics.ListAPIView):
    """Every section, in the site's navigation order."""

    serializer_class = SectionSerializer
    pagination_class = None

    def get_queryset(self):
        depends_on()  # sections change with SITE, which every precise page follows
        return Section.objects.all()


class TagList(generics.ListAPIView):
    """Topics on at least one published story, by name."""

    serializer_class = TagSerializer
    pagination_class = pagination.NameCursorPagination

    def get_queryset(self):
        return Tag.objects.filter(article__in=Article.objects.published()).annotate(
            story_count=Count("article", distinct=True)
        )


class AuthorList(generics.ListAPIView):
    """Authors with a byline on at least one published story, by name."""

    serializer_class = AuthorSerializer
    pagination_class = pagination.NameCursorPagination

    def get_queryset(self):
        return Author.objects.filter(
            bylines__article__in=Article.objects.published()
        ).distinct()


class QuoteList(generics.ListAPIView):
    """Quotes in published stories, newest first; `speaker` keeps one person's."""

    serializer_class = QuoteSerializer
    pagination_class = pagination.IdCursorPagination

    @extend_schema(parameters=[QuoteFiltersSerializer])
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    def get_queryset(self):
        filters = QuoteFiltersSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        quotes = (
            Quote.objects.published().select_related("article").defer("article__body")
        )
        if speaker := filters.validated_data.get("speaker"):
            quotes = quotes.filter(speaker_slug=speaker)
        return quotes


class CorrectionList(generics.ListAPIView):
    """Corrections, clarifications and updates on published stories, newest first."""

    serializer_class = CorrectionSerializer
    pagination_class = pagination.IdCursorPagination

    def get_queryset(self):
        return (
            Correction.objects.filter(article__in=Article.objects.published())
            .select_related("article")
            .defer("article__body")
        )
