"""Full-text search: the SearchEntry table, plus the engine's own index on it.

PostgreSQL: a GIN index on SearchEntry.vector.
SQLite: an FTS5 table whose external content is articles_searchentry, kept in
sync by triggers. Existing stories are indexed here (with the historical models),
so an upgraded site can search at once; `manage.py rebuild_search_index` redoes it.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

from articles.searchtext import FTS_TABLE, document, weighted_vector

COLUMNS = "headline, standfirst, body, tags, quotes"
NEW = ", ".join(f"new.{c}" for c in COLUMNS.split(", "))
OLD = ", ".join(f"old.{c}" for c in COLUMNS.split(", "))

SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
        {COLUMNS},
        content='articles_searchentry', content_rowid='article_id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER articles_searchentry_ai AFTER INSERT ON articles_searchentry BEGIN
        INSERT INTO {FTS_TABLE}(rowid, {COLUMNS}) VALUES (new.article_id, {NEW});
    END""",
    f"""CREATE TRIGGER articles_searchentry_ad AFTER DELETE ON articles_searchentry BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {COLUMNS})
        VALUES ('delete', old.article_id, {OLD});
    END""",
    f"""CREATE TRIGGER articles_searchentry_au AFTER UPDATE ON articles_searchentry BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {COLUMNS})
        VALUES ('delete', old.article_id, {OLD});
        INSERT INTO {FTS_TABLE}(rowid, {COLUMNS}) VALUES (new.article_id, {NEW});
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS articles_searchentry_ai",
    "DROP TRIGGER IF EXISTS articles_searchentry_ad",
    "DROP TRIGGER IF EXISTS articles_searchentry_au",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
PG_CREATE = [
    "CREATE INDEX IF NOT EXISTS searchentry_vector_gin "
    "ON articles_searchentry USING gin (vector)"
]
PG_DROP = ["DROP INDEX IF EXISTS searchentry_vector_gin"]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def create_engine_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_CREATE)
    elif vendor == "postgresql":
        _run(schema_editor, PG_CREATE)


def drop_engine_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_DROP)
    elif vendor == "postgresql":
        _run(schema_editor, PG_DROP)


def index_existing_stories(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Quote = apps.get_model("articles", "Quote")
    SearchEntry = apps.get_model("articles", "SearchEntry")
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    ContentType = apps.get_model("contenttypes", "ContentType")
    using = schema_editor.connection.alias
    content_type = (
        ContentType.objects.using(using)
        .filter(app_label="articles", model="article")
        .first()
    )
    entries = []
    for article in Article.objects.using(using).only("headline", "standfirst", "body"):
        tags = []
        if content_type:
            tags = (
                TaggedItem.objects.using(using)
                .filter(content_type=content_type, object_id=article.pk)
                .values_list("tag__name", flat=True)
            )
        quotes = (
            Quote.objects.using(using)
            .filter(article=article)
            .values_list("speaker", "speaker_role", "text")
        )
        entries.append(
            SearchEntry(
                article_id=article.pk,
                **document(
                    article.headline, article.standfirst, article.body, tags, quotes
                ),
            )
        )
    SearchEntry.objects.using(using).bulk_create(entries, batch_size=500)
    if entries and schema_editor.connection.vendor == "postgresql":
        SearchEntry.objects.using(using).update(vector=weighted_vector())


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        (
            "taggit",
            "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx",
        ),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_entry",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                ("headline", models.TextField()),
                ("standfirst", models.TextField(blank=True)),
                ("body", models.TextField(blank=True)),
                ("tags", models.TextField(blank=True)),
                ("quotes", models.TextField(blank=True)),
                (
                    "vector",
                    django.contrib.postgres.search.SearchVectorField(
                        editable=False, null=True
                    ),
                ),
            ],
            options={"verbose_name_plural": "search entries"},
        ),
        migrations.RunPython(create_engine_index, drop_engine_index),
        migrations.RunPython(index_existing_stories, migrations.RunPython.noop),
    ]
