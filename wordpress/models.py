"""Which of our records came from which record of which WordPress site."""

from django.db import models

from articles.models import Article


class WordPressImport(models.Model):
    """Which of our records came from which record of which WordPress site, so that
    running `import_wordpress` again updates them instead of making duplicates, and
    a second site's export (whose IDs start at 1 too) never touches the first's."""

    class Kind(models.TextChoices):
        POST = "post", "Post → story"
        COMMENT = "comment", "Comment"
        AUTHOR = "author", "Author → byline"
        FEATURED_IMAGE = "featured_image", "Featured image of a post"

    site = models.CharField(
        "WordPress site",
        max_length=200,
        blank=True,
        help_text="The blog's address without http(s)://, e.g. herald.example.com. "
        "Empty for records made before sites were recorded, until an import of "
        "their site claims them (docs/import.md).",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    wp_id = models.CharField(
        "WordPress ID",
        max_length=200,
        help_text="The post or comment ID, or the author's login.",
    )
    object_id = models.PositiveBigIntegerField(
        help_text="Our story, comment or byline (for a featured image: the attachment ID)."
    )
    digest = models.CharField(
        max_length=64,
        blank=True,
        help_text="Fingerprint of the WordPress data last imported: unchanged data is "
        "not applied again, so edits made here survive a re-import of the same file.",
    )
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        # The table keeps the name it had when the model lived in `articles`.
        db_table = "articles_wordpressimport"
        verbose_name = "WordPress import record"
        constraints = [
            # Also the index for the importer's lookups.
            models.UniqueConstraint(
                fields=["site", "kind", "wp_id"], name="wordpress_import_once_per_site"
            )
        ]
        indexes = [
            # ?p=ID redirects, which do not know the site.
            models.Index(fields=["kind", "wp_id"], name="wordpress_import_wp_id"),
            # A re-import's question "which WordPress comment was this one of ours?"
            models.Index(fields=["kind", "object_id"], name="wordpress_import_object"),
        ]

    def __str__(self):
        return f"WordPress {self.site} {self.kind} {self.wp_id} → {self.object_id}"

    @classmethod
    def published_story(cls, wp_post_id: str) -> "Article | None":
        """The live story that was WordPress post `?p=ID`, or None (unknown ID,
        or a story readers may not see). The link does not say which site it
        meant: with two sites imported, the newest of their live stories."""
        if not (wp_post_id.isascii() and wp_post_id.isdigit()) or len(wp_post_id) > 20:
            return None
        story_id = cls.objects.filter(
            kind=cls.Kind.POST, wp_id=str(int(wp_post_id))
        ).values("object_id")
        return Article.objects.published().filter(pk__in=story_id).first()
