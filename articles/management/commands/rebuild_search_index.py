from django.core.management.base import BaseCommand

from articles.models import Article, SearchEntry

BATCH = 500


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search entry of every story (any status; search shows "
        "only published stories). Needed only after changes made without "
        "Article.save(): bulk imports, SQL, or renaming a tag."
    )

    def handle(self, *args, **options):
        count, batch = 0, []
        ids = Article.objects.order_by("pk").values_list("pk", flat=True)
        for pk in ids.iterator(chunk_size=BATCH):
            batch.append(pk)
            if len(batch) == BATCH:
                count += SearchEntry.objects.rebuild(batch)
                batch = []
        count += SearchEntry.objects.rebuild(batch)
        if options["verbosity"]:
            self.stdout.write(f"Search index: {count} stories indexed.")
