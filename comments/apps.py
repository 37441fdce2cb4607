from django.apps import AppConfig


class CommentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "comments"
    verbose_name = "Comments"

    def ready(self):
        # Models can be imported only once the app registry is ready.
        from articles.invalidation import comments_changed
        from comments.models import Comment
        from newsroom import pagecache

        # A held comment is on no public page until it is approved; an approved
        # one is on its story's page, its card's count and the comment feeds.
        pagecache.watch(
            Comment,
            hidden_when_new=["pending", "spam", "trash"],
            tags=lambda comment, **_: comments_changed(comment.article_id),
        )
