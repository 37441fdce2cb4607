from django.apps import AppConfig
from django.db.models import Q
from django.urls import reverse


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Stories"

    def ready(self):
        # Models can be imported only once the app registry is ready.
        from taggit.models import Tag, TaggedItem

        from articles import cards, invalidation, signals
        from articles.models import (
            Article,
            Author,
            BodyImage,
            Byline,
            Correction,
            Quote,
            Section,
        )
        from images import usage
        from images.models import Image
        from newsroom import pagecache

        # Cached pages go stale on any write to what they show, wherever it comes
        # from (admin, reversion, taggit, importers): see newsroom/pagecache.py;
        # which pages, articles/invalidation.py. A renamed section, author or
        # topic is on every page's navigation or cards: all of them.
        pagecache.watch(
            Article,
            hidden_when_new=["draft", "review"],
            tags=invalidation.story_written,
        )
        pagecache.watch(Byline, tags=invalidation.byline_written)
        pagecache.watch(Quote, tags=invalidation.part_written)
        pagecache.watch(Correction, tags=invalidation.part_written)
        pagecache.watch(TaggedItem, tags=invalidation.tagging_written)
        pagecache.watch(Section)  # the menu on every page lists them all
        for model in (Author, Tag):
            pagecache.watch(model, tags=invalidation.name_written)
        pagecache.watch_relation(Article.tags, tags=invalidation.tags_related)
        pagecache.watch_relation(Article.authors, tags=invalidation.authors_related)
        pagecache.watch_schedule(Article.objects.next_visibility_change)
        # A card's comment count is filled in when its list is served.
        cards.register_slots()
        # A story shows its featured image: a new crop, caption or alt text there
        # changes the story's pages.
        pagecache.watch(Image)

        # The library lists the stories that use an image (featured, or on
        # social cards) and keeps it from being deleted while they do.
        def story_uses(image_ids):
            """(image id, label, admin URL) for each story whose featured or social
            image is one of these: one query for a page of images."""
            stories = Article.objects.filter(
                Q(featured_image_id__in=image_ids) | Q(social_image_id__in=image_ids)
            ).only("pk", "headline", "featured_image_id", "social_image_id")
            wanted = set(image_ids)
            for story in stories.order_by("-pk"):
                url = reverse("admin:articles_article_change", args=[story.pk])
                if story.featured_image_id in wanted:
                    yield story.featured_image_id, f"Featured in “{story}”", url
                if story.social_image_id in wanted:
                    yield story.social_image_id, f"Social image of “{story}”", url

        usage.register(
            "stories",
            lambda: tuple(
                Article.objects.filter(**{f"{field}__isnull": False}).values(
                    f"{field}_id"
                )
                for field in ("featured_image", "social_image")
            ),
            story_uses,
        )

        # A picture placed in a body: the rows Article.save() keeps (a table, not a
        # LIKE over every body, so "in use" is an indexed subquery).
        def inline_uses(image_ids):
            """(image id, label, admin URL) for each story whose body shows one of
            these images: one query for a page of images."""
            rows = (
                BodyImage.objects.filter(image_id__in=image_ids)
                .select_related("article")
                .only("image_id", "article__id", "article__headline")
                .order_by("-article_id")
            )
            for row in rows:
                story = row.article
                url = reverse("admin:articles_article_change", args=[story.pk])
                yield row.image_id, f"Shown in “{story.headline}”", url

        usage.register(
            "inline", lambda: BodyImage.objects.values("image_id"), inline_uses
        )

        # Search entries include tag names; taggit changes tags without our save().
        signals.connect_search_signals()
        # Revisions are registered by articles/admin.py: see the comment there.
