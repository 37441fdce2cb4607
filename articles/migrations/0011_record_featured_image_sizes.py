"""Record the size of every existing featured image, so feeds never ask the storage.

Not atomic: one storage request (an S3 HEAD) per image must not hold a lock on the
stories table. A missing file is recorded as 0 (unknown); an unreachable storage
leaves the size unrecorded, and the feed asks for it later.
"""

from django.db import migrations


def record_sizes(apps, schema_editor):
    from newsroom.storage import STORAGE_ERRORS

    Article = apps.get_model("articles", "Article")
    stories = Article.objects.using(schema_editor.connection.alias)
    unrecorded = stories.exclude(featured_image="").filter(featured_image_bytes=None)
    for story in unrecorded.only("featured_image").iterator(chunk_size=500):
        try:
            size = story.featured_image.size
        except FileNotFoundError:
            size = 0
        except STORAGE_ERRORS:
            continue
        stories.filter(pk=story.pk).update(featured_image_bytes=size)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("articles", "0010_featured_image_bytes"),
    ]

    operations = [
        migrations.RunPython(record_sizes, migrations.RunPython.noop, elidable=True),
    ]
