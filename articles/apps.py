from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Stories"

    def ready(self):
        # Models can be imported only once the app registry is ready.
        from taggit.models import Tag, TaggedItem

        from articles import signals
        from articles.models import Article, Author, Byline, Correction, Quote, Section
        from newsroom import pagecache

        # Cached pages go stale on any write to what they show, wherever it comes
        # from (admin, reversion, taggit, importers): see newsroom/pagecache.py.
        pagecache.watch(Article, hidden_when_new=["draft", "review"])
        for model in (Byline, Quote, Correction, Section, Author, Tag, TaggedItem):
            pagecache.watch(model)
        pagecache.watch_relation(Article.tags)
        pagecache.watch_relation(Article.authors)
        pagecache.watch_schedule(Article.objects.next_visibility_change)

        # Search entries include tag names; taggit changes tags without our save().
        signals.connect_search_signals()
        # Revisions are registered by articles/admin.py: see the comment there.
