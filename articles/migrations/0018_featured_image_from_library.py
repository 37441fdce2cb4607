"""Featured images move into the image library (issue 15), losing nothing.

Each story's stored file becomes a library Image as it is: the same file name,
not re-encoded, with its alt text, caption, credit, size and the WebP renditions
already made (so pages keep their srcset). Stories whose stored files are
byte-for-byte the same share one Image. The library's thumbnail, original-format
widths and focal-point crops are not made here (seconds per image, inside the
migration's transaction): `manage.py render_images --missing` queues them.

Stored revisions (django-reversion) name the file; they now name the library
image, so History and Restore keep working (a file only an old revision shows
becomes a library image too; one that is gone becomes "no image").

Backwards, the stories get their file, texts and WebP renditions back; the
library images stay (nothing is deleted).

The old columns go in 0018: on PostgreSQL a table whose rows were just updated
cannot be altered in the same transaction ("pending trigger events").
"""

import hashlib
import json
from pathlib import PurePosixPath

import django.db.models.deletion
from django.db import migrations, models

CHUNK = 1024 * 1024


def stored_hash(field_file) -> str:
    """SHA-256 of the stored file; "" when the file is missing."""
    digest = hashlib.sha256()
    try:
        with field_file.storage.open(field_file.name, "rb") as stored:
            while chunk := stored.read(CHUNK):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


def stored_bytes(field_file) -> int | None:
    try:
        return field_file.storage.size(field_file.name)
    except (OSError, NotImplementedError):
        return None


def library_renditions(name: str, renditions: list[dict]) -> list[dict]:
    """The story's WebP widths in the library's format: a storage name (for
    deleting them with the image) and the kind "width"."""
    stem = PurePosixPath(name)
    return [
        {
            "kind": "width",
            "name": str(stem.parent / "renditions" / f"{stem.stem}-{r['width']}.webp"),
            "url": r["url"],
            "width": r["width"],
            "height": r["height"],
            "type": r.get("type", "image/webp"),
        }
        for r in renditions or []
        if r.get("url") and r.get("width") and r.get("height")
    ]


def _library_image_for(Image, field_file, *, alt_text, caption, credit, **known):
    """The library image of this stored file: found by name or by the stored
    bytes, else created from what the story knew of it."""
    name = field_file.name
    image = Image.objects.filter(file=name).first()
    if image is not None:
        return image
    digest = stored_hash(field_file)
    if digest and (image := Image.objects.filter(content_hash=digest).first()):
        return image
    return Image.objects.create(
        file=name,
        original_name=PurePosixPath(name).name,
        alt_text=alt_text,
        caption=caption,
        credit=credit,
        content_hash=digest,
        **known,
    )


def revisions_into_library(apps, Article, Image):
    """Stored revisions of stories name the library image instead of the file."""
    Version = apps.get_model("reversion", "Version")
    versions = Version.objects.filter(
        content_type__app_label="articles", content_type__model="article", format="json"
    )
    storage = Article._meta.get_field("featured_image").storage
    for version in versions.iterator():
        data = json.loads(version.serialized_data)
        fields = data[0]["fields"]
        name = fields.get("featured_image")
        if not isinstance(name, str):
            continue  # none, or already an id
        image_id = None
        if name and storage.exists(name):
            field_file = Article(featured_image=name).featured_image
            headline = fields.get("headline") or "Image"
            image_id = _library_image_for(
                Image,
                field_file,
                alt_text=(fields.get("image_alt") or "").strip()[:300]
                or headline[:300],
                caption=fields.get("image_caption") or "",
                credit=(fields.get("image_credit") or "")[:200],
                width=fields.get("featured_image_width"),
                height=fields.get("featured_image_height"),
                byte_size=fields.get("featured_image_bytes"),
            ).pk
        fields["featured_image"] = image_id
        Version.objects.filter(pk=version.pk).update(serialized_data=json.dumps(data))


def into_library(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Image = apps.get_model("images", "Image")
    by_name: dict[str, object] = {}
    by_hash: dict[str, object] = {}
    stories = Article.objects.exclude(featured_image="").exclude(
        featured_image__isnull=True
    )
    for story in stories.order_by("pk").iterator():
        name = story.featured_image.name
        image = by_name.get(name)
        digest = stored_hash(story.featured_image) if image is None else ""
        if image is None and digest:
            image = (
                by_hash.get(digest) or Image.objects.filter(content_hash=digest).first()
            )
        if image is None:
            image = Image.objects.filter(file=name).first()
        if image is None:
            image = Image.objects.create(
                file=name,
                original_name=PurePosixPath(name).name,
                alt_text=(story.image_alt or "").strip()[:300] or story.headline[:300],
                caption=story.image_caption,
                credit=story.image_credit,
                width=story.featured_image_width,
                height=story.featured_image_height,
                byte_size=story.featured_image_bytes
                or stored_bytes(story.featured_image),
                content_hash=digest,
                uploaded_by_id=story.created_by_id,
                uploaded_at=story.created_at,
                renditions=library_renditions(name, story.featured_image_renditions),
            )
        by_name[name] = image
        if digest:
            by_hash[digest] = image
        # What the library image already says is no longer an override.
        if story.image_caption == image.caption:
            story.image_caption = ""
        if story.image_credit == image.credit:
            story.image_credit = ""
        # update(): the story's modification time stays the editor's.
        Article.objects.filter(pk=story.pk).update(
            library_image=image,
            image_caption=story.image_caption,
            image_credit=story.image_credit,
        )
    revisions_into_library(apps, Article, Image)


def revisions_out_of_library(apps, Image):
    Version = apps.get_model("reversion", "Version")
    versions = Version.objects.filter(
        content_type__app_label="articles", content_type__model="article", format="json"
    )
    files = dict(Image.objects.values_list("pk", "file"))
    for version in versions.iterator():
        data = json.loads(version.serialized_data)
        fields = data[0]["fields"]
        image_id = fields.get("featured_image")
        if isinstance(image_id, str):
            continue  # a file name already
        fields["featured_image"] = files.get(image_id, "") if image_id else ""
        Version.objects.filter(pk=version.pk).update(serialized_data=json.dumps(data))


def out_of_library(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    stories = Article.objects.exclude(library_image=None).select_related(
        "library_image"
    )
    for story in stories.order_by("pk").iterator():
        image = story.library_image
        Article.objects.filter(pk=story.pk).update(
            featured_image=image.file.name,
            featured_image_width=image.width,
            featured_image_height=image.height,
            featured_image_bytes=image.byte_size,
            featured_image_renditions=[
                {k: r[k] for k in ("url", "width", "height", "type")}
                for r in image.renditions
                if r.get("kind") == "width" and r.get("type") == "image/webp"
            ],
            image_alt=image.alt_text[:250],
            image_caption=story.image_caption or image.caption[:500],
            image_credit=story.image_credit or image.credit[:250],
        )
    revisions_out_of_library(apps, apps.get_model("images", "Image"))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0017_autosave"),
        ("images", "0001_initial"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="library_image",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="images.image",
            ),
        ),
        migrations.RunPython(into_library, out_of_library, elidable=False),
    ]
