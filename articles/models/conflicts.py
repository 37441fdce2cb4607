"""Refused saves: what an editor posted when someone else had saved the story after
they opened it, kept until they choose whose version to keep."""

from django.conf import settings
from django.db import models


class ArticleConflict(models.Model):
    """One user's refused save of one story (the latest one), as posted.

    Kept apart from the autosave slot: the slot follows the form as the editor
    goes on typing, while this keeps the text the conflict screen compares and
    "Overwrite with mine" posts again, however often the form autosaves meanwhile.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts"
    )
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="conflicts"
    )
    # The posted form, field name → list of values (as QueryDict.lists() gives).
    data = models.JSONField(default=dict)
    # The story's modified_at as the refused form was loaded.
    base_token = models.CharField(max_length=64, blank=True)
    refused_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"], name="conflict_one_per_story_and_user"
            )
        ]

    def __str__(self):
        return f"Refused save of {self.article_id} by {self.user_id}"
