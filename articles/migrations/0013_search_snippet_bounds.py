"""Search snippets from bounded text: SearchEntry.rest takes what lies beyond
articles.search.SNIPPET_SOURCE_CHARS in the shown columns.

SQLite: the FTS5 table and its triggers are rebuilt with the new column, and a
second FTS5 table over the shown columns only (for snippets) is added, each with
triggers and rebuilt from articles_searchentry. PostgreSQL: the vector of each
split entry is recomputed (it now reads `rest` too).
"""

from django.db import migrations, models
from django.db.models import Q
from django.db.models.functions import Length

from articles.searchtext import (
    FTS_TABLE,
    SHOWN_FIELDS,
    SNIPPET_TABLE,
    SNIPPET_SOURCE_CHARS,
    bounded_entry,
    weighted_vector,
)

OLD_COLUMNS = "headline, standfirst, body, tags, quotes"
NEW_COLUMNS = OLD_COLUMNS + ", rest"
SNIPPET_COLUMNS = "headline, standfirst, body, quotes"


def _sqlite_create(columns: str, table=FTS_TABLE, prefix="") -> list[str]:
    new = ", ".join(f"new.{c}" for c in columns.split(", "))
    old = ", ".join(f"old.{c}" for c in columns.split(", "))
    return [
        f"""CREATE VIRTUAL TABLE {table} USING fts5(
            {columns},
            content='articles_searchentry', content_rowid='article_id',
            tokenize='porter unicode61 remove_diacritics 2')""",
        f"""CREATE TRIGGER articles_searchentry_{prefix}ai AFTER INSERT
        ON articles_searchentry
        BEGIN
            INSERT INTO {table}(rowid, {columns}) VALUES (new.article_id, {new});
        END""",
        f"""CREATE TRIGGER articles_searchentry_{prefix}ad AFTER DELETE
        ON articles_searchentry
        BEGIN
            INSERT INTO {table}({table}, rowid, {columns})
            VALUES ('delete', old.article_id, {old});
        END""",
        f"""CREATE TRIGGER articles_searchentry_{prefix}au AFTER UPDATE
        ON articles_searchentry
        BEGIN
            INSERT INTO {table}({table}, rowid, {columns})
            VALUES ('delete', old.article_id, {old});
            INSERT INTO {table}(rowid, {columns}) VALUES (new.article_id, {new});
        END""",
        f"INSERT INTO {table}({table}) VALUES ('rebuild')",
    ]


def _sqlite_drop(table=FTS_TABLE, prefix="") -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS articles_searchentry_{prefix}ai",
        f"DROP TRIGGER IF EXISTS articles_searchentry_{prefix}ad",
        f"DROP TRIGGER IF EXISTS articles_searchentry_{prefix}au",
        f"DROP TABLE IF EXISTS {table}",
    ]


def _on_sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


def split_long_entries(apps, schema_editor):
    """Move the overflow of every over-long shown column into `rest`."""
    SearchEntry = apps.get_model("articles", "SearchEntry")
    using = schema_editor.connection.alias
    long = Q()
    for name in SHOWN_FIELDS:
        long |= Q(**{f"{name}_length__gt": SNIPPET_SOURCE_CHARS})
    entries = (
        SearchEntry.objects.using(using)
        .annotate(**{f"{name}_length": Length(name) for name in SHOWN_FIELDS})
        .filter(long)
    )
    split = []
    for entry in entries.iterator(chunk_size=50):
        fields = bounded_entry({name: getattr(entry, name) for name in SHOWN_FIELDS})
        SearchEntry.objects.using(using).filter(pk=entry.pk).update(**fields)
        split.append(entry.pk)
    if split and schema_editor.connection.vendor == "postgresql":
        SearchEntry.objects.using(using).filter(pk__in=split).update(
            vector=weighted_vector()
        )


def join_split_entries(apps, schema_editor):
    """Backwards: `rest` goes back into the body, where the old search reads it."""
    SearchEntry = apps.get_model("articles", "SearchEntry")
    using = schema_editor.connection.alias
    for entry in SearchEntry.objects.using(using).exclude(rest="").iterator():
        SearchEntry.objects.using(using).filter(pk=entry.pk).update(
            body=f"{entry.body} {entry.rest}", rest=""
        )


class Migration(migrations.Migration):
    dependencies = [("articles", "0012_wordpress_import_site")]

    operations = [
        migrations.RunPython(
            _on_sqlite(_sqlite_drop()), _on_sqlite(_sqlite_create(OLD_COLUMNS))
        ),
        migrations.AddField(
            model_name="searchentry",
            name="rest",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(
            _on_sqlite(_sqlite_create(NEW_COLUMNS)), _on_sqlite(_sqlite_drop())
        ),
        migrations.RunPython(
            _on_sqlite(_sqlite_create(SNIPPET_COLUMNS, SNIPPET_TABLE, "snippets_")),
            _on_sqlite(_sqlite_drop(SNIPPET_TABLE, "snippets_")),
        ),
        migrations.RunPython(split_long_entries, join_split_entries),
    ]
