"""Each story address (publication day + slug) unique in the database.

Fills published_on for every dated story. Stories that already share an address
(published at the same moment by two editors) keep the oldest there; the later ones
move to the next free slug (only the oldest was ever reachable at the shared one).
"""

from django.db import migrations, models
from django.utils import timezone


def fill_publication_days(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    taken = set()
    stories = Article.objects.exclude(published_at=None).order_by("published_at", "pk")
    for story in stories.only("pk", "slug", "published_at").iterator():
        day = timezone.localdate(story.published_at)
        slug, n = story.slug, 1
        while (day, slug) in taken:
            n += 1
            suffix = f"-{n}"
            slug = story.slug[: 200 - len(suffix)] + suffix
        taken.add((day, slug))
        Article.objects.filter(pk=story.pk).update(published_on=day, slug=slug)


class Migration(migrations.Migration):
    dependencies = [("articles", "0013_search_snippet_bounds")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="published_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill_publication_days, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.UniqueConstraint(
                condition=models.Q(("published_on__isnull", False)),
                fields=("published_on", "slug"),
                name="article_address",
            ),
        ),
    ]
