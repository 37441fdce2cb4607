"""Autosave slots: the story form's unsaved text, one slot per story and user."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ArticleAutosave(models.Model):
    """What one user last typed into one story's form, saved in the background.

    Never a revision, never public, never the story itself: the editor restores it
    into the form and still clicks Save. A story not saved yet has no article; its
    slot is keyed by the user and a key the add form was opened with.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="autosaves"
    )
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="autosaves",
    )
    draft_key = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict)
    # The story's modified_at as the form was loaded (its stale-save token): a
    # restored form saves only if nobody saved the story since.
    base_token = models.CharField(max_length=64, blank=True)
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"],
                condition=Q(article__isnull=False),
                name="autosave_one_per_story_and_user",
            ),
            models.UniqueConstraint(
                fields=["user", "draft_key"],
                condition=Q(article__isnull=True),
                name="autosave_one_per_new_draft_and_user",
            ),
        ]
        # clean_autosaves deletes by age.
        indexes = [models.Index(fields=["saved_at"], name="autosave_saved_at")]

    def __str__(self):
        story = self.article_id or f"new story {self.draft_key}"
        return (
            f"Autosave of {story} by {self.user_id} at {self.saved_at:%Y-%m-%d %H:%M}"
        )
