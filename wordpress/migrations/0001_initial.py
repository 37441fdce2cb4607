"""The WordPress import records move here from the `articles` app.

The table was made by articles' migrations 0003 and 0012 and keeps its name and
rows: this migration only tells Django that the model is now ours, and moves the
model's content type (and so any permission granted on it) along with it.
"""

from django.db import migrations, models


def move_content_type(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not content_types.objects.using(db).filter(
        app_label="wordpress", model="wordpressimport"
    ).exists():
        content_types.objects.using(db).filter(
            app_label="articles", model="wordpressimport"
        ).update(app_label="wordpress")


def move_content_type_back(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.using(schema_editor.connection.alias).filter(
        app_label="wordpress", model="wordpressimport"
    ).update(app_label="articles")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0014_article_address"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="WordPressImport",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "site",
                            models.CharField(
                                blank=True,
                                help_text="The blog's address without http(s)://, e.g. herald.example.com. Empty for records made before sites were recorded, until an import of their site claims them (docs/import.md).",
                                max_length=200,
                                verbose_name="WordPress site",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("post", "Post → story"),
                                    ("comment", "Comment"),
                                    ("author", "Author → byline"),
                                    ("featured_image", "Featured image of a post"),
                                ],
                                max_length=20,
                            ),
                        ),
                        (
                            "wp_id",
                            models.CharField(
                                help_text="The post or comment ID, or the author's login.",
                                max_length=200,
                                verbose_name="WordPress ID",
                            ),
                        ),
                        (
                            "object_id",
                            models.PositiveBigIntegerField(
                                help_text="Our story, comment or byline (for a featured image: the attachment ID)."
                            ),
                        ),
                        (
                            "digest",
                            models.CharField(
                                blank=True,
                                help_text="Fingerprint of the WordPress data last imported: unchanged data is not applied again, so edits made here survive a re-import of the same file.",
                                max_length=64,
                            ),
                        ),
                        ("imported_at", models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        "verbose_name": "WordPress import record",
                        "db_table": "articles_wordpressimport",
                        "indexes": [
                            models.Index(
                                fields=["kind", "wp_id"], name="wordpress_import_wp_id"
                            ),
                            models.Index(
                                fields=["kind", "object_id"],
                                name="wordpress_import_object",
                            ),
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("site", "kind", "wp_id"),
                                name="wordpress_import_once_per_site",
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
