"""Featured images moved into the image library (issue 15) without losing
anything: the file as stored, alt text, caption, credit, size and renditions."""

import io
import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from PIL import Image as PILImage
from reversion.models import Version

from images.models import Image
from tests.support import migrations as migration_fixtures
from tests.support.factories import make_library_image
from tests.support.migrations import migrate

BEFORE = [
    ("articles", "0017_autosave"),
    ("images", "0001_initial"),
    ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ("contenttypes", "0002_remove_content_type_name"),
]
AFTER = [("articles", "0019_featured_image_is_a_library_image")]

# Shared with the other migration tests (tests/support/migrations.py).
back_to_the_latest_schema = migration_fixtures.back_to_the_latest_schema


def stored_jpeg(name, colour=(200, 30, 30)) -> str:
    buffer = io.BytesIO()
    PILImage.new("RGB", (1000, 500), colour).save(buffer, "JPEG")
    return default_storage.save(name, ContentFile(buffer.getvalue()))


def old_story(apps, n, image_name="", **fields):
    Article = apps.get_model("articles", "Article")
    renditions = []
    if image_name:
        webp = image_name.replace(".jpg", "-480.webp").replace(
            "images/2024/05/", "images/2024/05/renditions/"
        )
        default_storage.save(webp, ContentFile(b"RIFF....WEBP"))
        renditions = [
            {"url": f"/media/{webp}", "width": 480, "height": 240, "type": "image/webp"}
        ]
    return Article.objects.create(
        headline=f"Story {n}",
        slug=f"story-{n}",
        body="<p>Text.</p>",
        status="published",
        published_at=timezone.now(),
        featured_image=image_name,
        featured_image_width=1000 if image_name else None,
        featured_image_height=500 if image_name else None,
        featured_image_bytes=default_storage.size(image_name) if image_name else None,
        featured_image_renditions=renditions,
        **fields,
    )


@pytest.mark.django_db(transaction=True)
def test_featured_images_become_library_images_losing_nothing():
    old = migrate(BEFORE)
    name = stored_jpeg("images/2024/05/harbour.jpg")
    same_bytes = stored_jpeg("images/2024/05/harbour-copy.jpg")
    first = old_story(
        old,
        1,
        name,
        image_alt="Boats in the harbour",
        image_caption="Dawn at the quay.",
        image_credit="A. Photographer",
    )
    second = old_story(
        old, 2, same_bytes, image_alt="Boats again", image_credit="Agency"
    )
    old_story(old, 3)  # no image

    new = migrate(AFTER)

    Image = new.get_model("images", "Image")
    Article = new.get_model("articles", "Article")
    image = Image.objects.get()  # the same bytes twice: one library image
    assert image.file.name == name  # the stored file, not a re-encoded copy
    assert image.original_name == "harbour.jpg"
    assert (image.alt_text, image.caption, image.credit) == (
        "Boats in the harbour",
        "Dawn at the quay.",
        "A. Photographer",
    )
    assert (image.width, image.height) == (1000, 500)
    assert image.byte_size == default_storage.size(name)
    assert len(image.content_hash) == 64
    [rendition] = image.renditions
    assert rendition == {
        "kind": "width",
        "name": "images/2024/05/renditions/harbour-480.webp",
        "url": "/media/images/2024/05/renditions/harbour-480.webp",
        "width": 480,
        "height": 240,
        "type": "image/webp",
    }
    story = Article.objects.get(pk=first.pk)
    assert story.featured_image_id == image.pk
    # The library has them now: the story's own would only be overrides.
    assert (story.image_caption, story.image_credit) == ("", "")
    reused = Article.objects.get(pk=second.pk)
    assert reused.featured_image_id == image.pk
    assert reused.image_credit == "Agency"  # differs from the library's: kept
    assert Article.objects.get(slug="story-3").featured_image_id is None


def old_revision(apps, story, image_name, image_alt):
    """A revision stored before the move: it names the file."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("reversion", "Revision")
    content_type = ContentType.objects.get(app_label="articles", model="article")
    fields = {
        "headline": story.headline,
        "slug": story.slug,
        "body": story.body,
        "status": story.status,
        "featured_image": image_name,
        "image_alt": image_alt,
        "image_caption": "",
        "image_credit": "",
    }
    revision = Revision.objects.create(date_created=timezone.now(), comment="Saved.")
    return apps.get_model("reversion", "Version").objects.create(
        revision=revision,
        object_id=str(story.pk),
        content_type=content_type,
        db="default",
        format="json",
        serialized_data=json.dumps(
            [{"model": "articles.article", "pk": story.pk, "fields": fields}]
        ),
        object_repr=story.headline,
    )


@pytest.mark.django_db(transaction=True)
def test_stored_revisions_name_the_library_image_afterwards():
    old = migrate(BEFORE)
    name = stored_jpeg("images/2024/05/now.jpg")
    earlier = stored_jpeg("images/2024/05/earlier.jpg", colour=(0, 90, 200))
    story = old_story(old, 1, name, image_alt="Now")
    current = old_revision(old, story, name, "Now")
    only_in_history = old_revision(old, story, earlier, "An earlier picture")
    gone = old_revision(old, story, "images/2024/05/gone.jpg", "Gone")

    new = migrate(AFTER)
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    Image = new.get_model("images", "Image")
    image = Image.objects.get(file=name)
    assert (
        Version.objects.get(pk=current.pk)._object_version.object.featured_image_id
        == image.pk
    )
    kept = Image.objects.get(file=earlier)  # the file an old revision showed
    assert kept.alt_text == "An earlier picture"
    assert (
        Version.objects.get(
            pk=only_in_history.pk
        )._object_version.object.featured_image_id
        == kept.pk
    )
    assert (
        Version.objects.get(pk=gone.pk)._object_version.object.featured_image_id is None
    )


@pytest.mark.django_db(transaction=True)
def test_a_story_whose_file_is_missing_still_gets_a_library_image():
    old = migrate(BEFORE)
    name = stored_jpeg("images/2024/05/gone.jpg")
    old_story(old, 1, name, image_alt="")
    default_storage.delete(name)

    new = migrate(AFTER)

    image = new.get_model("images", "Image").objects.get()
    assert image.file.name == "images/2024/05/gone.jpg"
    assert image.alt_text == "Story 1"  # alt text is required: the headline
    assert image.content_hash == ""


@pytest.mark.django_db(transaction=True)
def test_the_move_can_be_undone_and_the_library_keeps_the_images():
    old = migrate(BEFORE)
    name = stored_jpeg("images/2024/05/quay.jpg")
    old_story(old, 1, name, image_alt="The quay", image_caption="At dawn.")
    migrate(AFTER)

    back = migrate(BEFORE)

    story = back.get_model("articles", "Article").objects.get()
    assert story.featured_image.name == name
    assert (story.image_alt, story.image_caption) == ("The quay", "At dawn.")
    assert (story.featured_image_width, story.featured_image_height) == (1000, 500)
    assert story.featured_image_renditions[0]["width"] == 480
    assert back.get_model("images", "Image").objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_desk_roles_may_use_the_image_library():
    migrate([("articles", "0019_featured_image_is_a_library_image")])
    new = migrate([("articles", "0020_desk_roles_use_the_image_library")])

    Group = new.get_model("auth", "Group")

    def codenames(role):
        return set(
            Group.objects.get(name=role)
            .permissions.filter(content_type__app_label="images")
            .values_list("codename", flat=True)
        )

    assert codenames("Contributor") == {"view_image", "add_image"}
    assert codenames("Author") == {"view_image", "add_image"}
    assert codenames("Editor") == {
        "view_image",
        "add_image",
        "change_image",
        "delete_image",
    }


@pytest.mark.django_db
def test_render_images_missing_makes_what_the_migration_did_not(settings):
    image = make_library_image()
    kept = [r for r in image.renditions if r["kind"] == "width"][:1]
    Image.objects.filter(pk=image.pk).update(renditions=kept)

    call_command("render_images", "--missing", verbosity=0)  # immediate backend

    image.refresh_from_db()
    assert image.thumbnail is not None
    assert image.renditions_of("social")
