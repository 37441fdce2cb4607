"""Adding files to the library: one function for the admin's multiple upload and
the editor's chooser, so both apply the same checks and find the same duplicates.

The slow part (checking, hashing, re-encoding, writing the file) runs before any
transaction: callers are `non_atomic_requests` views, so SQLite's write lock is
held only for the INSERT.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.images import get_image_dimensions
from django.db import transaction

from images import processing, renditions
from images.models import Image
from newsroom.storage import STORAGE_ERRORS

ALT_REQUIRED = "Alt text is required: say what the picture shows."
STORE_FAILED = "The image store could not be reached; nothing was saved. Try again."


def _text(value: str | None) -> str:
    """Posted text as the database takes it (PostgreSQL refuses NUL)."""
    return (value or "").replace("\x00", "")


@dataclass
class Outcome:
    """What became of one uploaded file."""

    name: str  # as the uploader named it
    image: Image | None = None  # added to the library now
    existing: Image | None = None  # the same file was already there
    error: str = ""  # refused, and why


def add_upload(uploaded, *, alt_text: str, user, **details) -> Outcome:
    """Check one uploaded file and add it to the library, or say why not.

    The same bytes already in the library are not stored again: the existing
    image is returned instead. `details` are other fields (caption, credit,
    licence)."""
    name = _text(uploaded.name) or "(unnamed)"
    alt_text = _text(alt_text)
    details = {
        field: _text(value) if isinstance(value, str) else value
        for field, value in details.items()
    }
    try:
        processing.validate_image_upload(uploaded)
    except ValidationError as exc:
        return Outcome(name, error=exc.messages[0])
    digest = processing.content_hash(uploaded)
    if existing := Image.objects.filter(content_hash=digest).first():
        return Outcome(name, existing=existing)
    if not alt_text.strip():
        return Outcome(name, error=ALT_REQUIRED)
    try:
        encoded = processing.reencode_upload(uploaded)
    except processing.READ_ERRORS:
        return Outcome(
            name, error=f"The file is damaged. {processing.accepted_summary()}"
        )
    width, height = get_image_dimensions(encoded)
    image = Image(
        original_name=name[:255],
        width=width,
        height=height,
        alt_text=alt_text.strip()[:300],
        content_hash=digest,
        byte_size=encoded.size,
        uploaded_by=user if user and user.is_authenticated else None,
        **details,
    )
    try:
        image.file.save(encoded.name, encoded, save=False)
    except STORAGE_ERRORS:
        return Outcome(name, error=STORE_FAILED)
    try:
        with transaction.atomic():
            image.save()
            renditions.schedule(image)
    except Exception:
        processing.delete_files(image.file.storage, [image.file.name])
        raise
    return Outcome(name, image=image)
