from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_search_index"),
    ]

    operations = [
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
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "wp_id"), name="wordpress_import_once"
                    )
                ],
            },
        ),
    ]
