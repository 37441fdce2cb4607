from django.apps import AppConfig


class CommentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "comments"
    verbose_name = "Comments"

    def ready(self):
        # Models can be imported only once the app registry is ready.
        from comments.models import Comment
        from newsroom import pagecache

        # A held comment is on no public page until it is approved.
        pagecache.watch(Comment, hidden_when_new=["pending", "spam", "trash"])
