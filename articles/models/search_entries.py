"""Each story's searchable text, copied out so search reads one table."""

from django.apps import apps
from django.contrib.postgres.search import SearchVectorField
from django.db import connection, models
from taggit.models import TaggedItem

from articles.searchtext import bounded_entry, document, weighted_vector


class SearchEntryQuerySet(models.QuerySet):
    def rebuild(self, article_ids) -> int:
        """Rebuild the search entries of these stories (whatever their status:
        search filters later) in five queries.

        Code that creates stories, tags or quotes with bulk_create() or update()
        (importers, generators) must call this afterwards: those skip save().
        """
        # By name: the stories and quotes modules import this one.
        Article = apps.get_model("articles", "Article")
        Quote = apps.get_model("articles", "Quote")
        ids = [pk for pk in article_ids if pk is not None]
        if not ids:
            return 0
        # Query tags and quotes directly: a prefetch cache on an article may be stale.
        tags: dict[int, list[str]] = {pk: [] for pk in ids}
        for object_id, name in TaggedItem.objects.filter(
            content_type__app_label="articles",
            content_type__model="article",
            object_id__in=ids,
        ).values_list("object_id", "tag__name"):
            tags[object_id].append(name)
        quotes: dict[int, list[tuple]] = {pk: [] for pk in ids}
        for article_id, *quote in (
            Quote.objects.filter(article__in=ids)
            .order_by("article", "number")
            .values_list("article", "speaker", "speaker_role", "text")
        ):
            quotes[article_id].append(quote)
        entries = [
            SearchEntry(
                article_id=pk,
                **bounded_entry(
                    document(headline, standfirst, body, tags[pk], quotes[pk])
                ),
            )
            for pk, headline, standfirst, body in Article.objects.filter(
                pk__in=ids
            ).values_list("pk", "headline", "standfirst", "body")
        ]
        self.bulk_create(
            entries,
            update_conflicts=True,
            unique_fields=["article"],
            update_fields=["headline", "standfirst", "body", "tags", "quotes", "rest"],
        )
        if connection.vendor == "postgresql":
            self.filter(pk__in=ids).update(vector=weighted_vector())
        return len(entries)


class SearchEntry(models.Model):
    """A story's searchable text, rebuilt by SearchEntry.objects.rebuild().

    SQLite: an FTS5 table reads its text from here (triggers keep it in sync).
    PostgreSQL: `vector` holds the weighted tsvector, GIN-indexed.
    """

    article = models.OneToOneField(
        "articles.Article",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="search_entry",
    )
    headline = models.TextField()
    standfirst = models.TextField(blank=True)
    body = models.TextField(blank=True)
    tags = models.TextField(blank=True)
    quotes = models.TextField(blank=True)
    # Text beyond the shown columns' bound (searchtext.SNIPPET_SOURCE_CHARS): found and
    # ranked, never cut into snippets.
    rest = models.TextField(blank=True)
    vector = SearchVectorField(null=True, editable=False)

    objects = SearchEntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "search entries"

    def __str__(self):
        return self.headline
