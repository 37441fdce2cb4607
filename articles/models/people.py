"""Sections, and the people a story is by."""

from django.conf import settings
from django.db import models

from articles.models.common import unique_slug
from newsroom.reversing import remembered_reverse


class Section(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order in the site navigation (lowest first)."
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return remembered_reverse("articles:section", self.slug)


class Author(models.Model):
    """A byline: a staff member with an account, or a named contributor without one."""

    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=150, unique=True, allow_unicode=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="Leave empty for a contributor without an account.",
    )
    role = models.CharField(
        max_length=150, blank=True, help_text="e.g. Moscow correspondent"
    )
    bio = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self.name, 150)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return remembered_reverse("articles:author", self.slug)


class Byline(models.Model):
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="bylines"
    )
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author"], name="byline_once_per_article"
            )
        ]

    def __str__(self):
        return f"{self.author} on {self.article}"
