"""Renditions are made by a background task after the upload (or the new focal
point) commits: a 49-megapixel image takes seconds, never inside a request."""

from django.db import transaction
from django_tasks import task

from images import processing
from images.models import Image

WHOLE = ("width", "thumb")  # kinds that do not depend on the focal point


def schedule(image: Image, *, crops_only: bool = False) -> None:
    """Make the image's renditions once the current transaction commits;
    `crops_only` after a focal-point change (the widths stay as they are)."""
    image_id, name = image.pk, image.file.name
    transaction.on_commit(
        lambda: render_image.enqueue(image_id, name, crops_only=crops_only)
    )


@task()
def render_image(image_id: int, name: str, crops_only: bool = False) -> int:
    """Make and record the renditions; returns how many files were made.

    Does nothing when the image is gone or its file changed. Records them only if
    the focal point is still the one the crops were cut around (a newer change
    has a task of its own); otherwise the files just made are removed. Files the
    new list no longer names are removed after it is recorded."""
    image = Image.objects.filter(pk=image_id, file=name).first()
    if image is None:
        return 0
    focal = (image.focal_x, image.focal_y)
    made = processing.make_renditions(image.file, focal, crops_only=crops_only)
    kept = [r for r in image.renditions if r["kind"] in WHOLE] if crops_only else []
    new = kept + made
    updated = Image.objects.filter(
        pk=image_id, file=name, focal_x=focal[0], focal_y=focal[1]
    ).update(renditions=new)
    storage = image.file.storage
    if not updated:
        processing.delete_files(storage, [r["name"] for r in made])
        return 0
    current = {r["name"] for r in new}
    processing.delete_files(
        storage, [r["name"] for r in image.renditions if r["name"] not in current]
    )
    return len(made)
