from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Stories"

    def ready(self):
        # Imports in here: modules that load models cannot load while apps.py does.

        # Cached pages go stale on any write to public content, wherever it comes
        # from (admin, reversion, taggit, importers): see newsroom/pagecache.py.
        from newsroom import pagecache

        pagecache.connect_invalidation()

        # Search entries include tag names; taggit changes tags without our save().
        from articles.signals import connect_search_signals

        connect_search_signals()
