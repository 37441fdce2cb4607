"""Reactions to code we do not own: taggit changes a story's tags with no hook of ours."""

from django.db.models.signals import m2m_changed

from articles.models import Article, SearchEntry


def reindex_on_tag_change(sender, instance, action, reverse, **kwargs):
    """A story's tags are part of its search entry: rebuild it when they change."""
    if action in {"post_add", "post_remove", "post_clear"} and not reverse:
        if isinstance(instance, Article):
            SearchEntry.objects.rebuild([instance.pk])


def connect_search_signals():
    m2m_changed.connect(
        reindex_on_tag_change,
        sender=Article.tags.through,
        dispatch_uid="articles_search_reindex_tags",
    )
