"""Featured images: upload checks, re-encoding, and responsive renditions.

Renditions are generated once when the image changes, by a background task that
runs after the story's transaction commits (`render_featured_image`), stored as
files next to the original, and described in a small JSON list on the story so
pages render `srcset` without touching the disk or the database again. Until they
exist, pages show the original.

Memory is bounded before anything is decoded: besides the pixel count, the bytes
the decoded pixels and their working copies take (`decoded_bytes`) must stay under
IMAGE_MAX_DECODED_BYTES. A 190 KB 7000×7000 RGBA PNG once took a worker from 133
to 921 MB through five full-size copies; now each step keeps at most one, and
renditions decode JPEGs at reduced scale (draft()) or reduce() the image once to
the largest rendition width before resizing.
"""

import io
import secrets
from pathlib import PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django_tasks import task
from PIL import Image, ImageOps, UnidentifiedImageError

from newsroom.pagecache import content_changed

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# Pillow keeps these modes in one byte per pixel, I;16 in two, everything else
# (RGB included) in four.
ONE_BYTE_MODES = {"1", "L", "P"}
# Modes saved as they are; anything else is converted (one more full-size copy).
KEPT_MODES = {"L", "P", "RGB", "RGBA"}
ORIENTATION = ImageOps.ExifTags.Base.Orientation
READ_ERRORS = (
    UnidentifiedImageError,
    OSError,
    ValueError,
    Image.DecompressionBombError,
)


def _bytes_per_pixel(mode: str) -> int:
    if mode in ONE_BYTE_MODES:
        return 1
    return 2 if mode.startswith("I;16") else 4


def decoded_bytes(image_format: str, mode: str, width: int, height: int) -> int:
    """The most memory decoding and re-encoding this image takes, from its header:
    the decoded pixels, plus a converted copy when its mode is not kept, plus for
    WebP three more: the decoder's RGBA buffer, the bytes Pillow copies it into
    and their conversions (measured: a 4000×4000 WebP, 64 MB of pixels, peaked
    250 MB above the process's baseline)."""
    pixels = width * height
    total = pixels * _bytes_per_pixel(mode)
    if mode not in KEPT_MODES:
        total += pixels * 4
    if image_format == "WEBP":
        total += 3 * pixels * 4
    return total


def validate_image_upload(uploaded) -> None:
    """Refuse anything that is not a modest JPEG, PNG, WebP or GIF, before decoding it."""
    if uploaded.size > settings.IMAGE_MAX_BYTES:
        limit_mb = settings.IMAGE_MAX_BYTES // (1024 * 1024)
        raise ValidationError(f"The image is larger than {limit_mb} MB.")
    uploaded.seek(0)
    try:
        # Image.open reads only the header: the pixel count is known before decoding.
        with Image.open(uploaded) as probe:
            image_format = probe.format
            mode = probe.mode
            width, height = probe.size
    except READ_ERRORS as exc:
        raise ValidationError(
            "The file is not an image we can read (JPEG, PNG, WebP or GIF)."
        ) from exc
    finally:
        uploaded.seek(0)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            f"{image_format} images are not accepted: use JPEG, PNG, WebP or GIF."
        )
    if width * height > settings.IMAGE_MAX_PIXELS:
        raise ValidationError(
            f"The image is {width}×{height} pixels, more than the "
            f"{settings.IMAGE_MAX_PIXELS // 1_000_000} megapixel limit."
        )
    needed = decoded_bytes(image_format, mode, width, height)
    if needed > settings.IMAGE_MAX_DECODED_BYTES:
        raise ValidationError(
            f"The image is {width}×{height} pixels ({mode} {image_format}): "
            f"too large for us to process ({needed // 1_000_000} MB decoded, the "
            f"limit is {settings.IMAGE_MAX_DECODED_BYTES // 1_000_000} MB). "
            "Save it smaller, or as an RGB JPEG, and upload it again."
        )


def prepared_upload(uploaded) -> ContentFile:
    """validate_image_upload() then reencode_upload(), once per upload: the admin
    runs it before its transaction, the form's clean then reuses the result."""
    if not hasattr(uploaded, "newsroom_reencoded"):
        validate_image_upload(uploaded)
        uploaded.newsroom_reencoded = reencode_upload(uploaded)
        uploaded.seek(0)  # the form field reads it again
    return uploaded.newsroom_reencoded


def _oriented(image: Image.Image) -> Image.Image:
    """The image turned upright; no copy when it already is."""
    if image.getexif().get(ORIENTATION, 1) in (0, 1):
        return image
    return ImageOps.exif_transpose(image)


def reencode_upload(uploaded) -> ContentFile:
    """Decode and re-encode: drops EXIF/GPS and anything appended; random file name.

    Transparent images and palette images (GIFs, 8-bit PNGs) become PNGs in their
    own mode, the rest JPEGs; only a mode we do not keep is converted."""
    uploaded.seek(0)
    with Image.open(uploaded) as opened:
        opened.load()
        image = _oriented(opened)
        has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        buffer = io.BytesIO()
        if has_alpha or image.mode == "P":
            if image.mode not in ("RGBA", "P"):
                image = image.convert("RGBA")
            image.save(buffer, "PNG", optimize=True)
            extension = "png"
        else:
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            # progressive/optimize make libjpeg hold the whole image's coefficients
            # again: only for images of ordinary size.
            small = image.width * image.height <= 12_000_000
            image.save(buffer, "JPEG", quality=85, optimize=small, progressive=small)
            extension = "jpg"
        del image
    return ContentFile(buffer.getvalue(), name=f"{secrets.token_hex(12)}.{extension}")


def stored_size(field_file) -> int | None:
    """The stored file's size in bytes, or None when the storage cannot say."""
    try:
        return field_file.size
    except (OSError, ValueError):
        return None


def rendition_widths(source_width: int) -> list[int]:
    """The configured widths narrower than the image, and the image's own width
    when it is no wider than the largest (a larger original is never re-served)."""
    configured = settings.IMAGE_RENDITION_WIDTHS
    widths = [w for w in configured if w < source_width]
    if source_width <= max(configured):
        widths.append(source_width)
    return widths


def _working_copy(field_file, largest: int) -> tuple[Image.Image, int, int]:
    """The upright image in RGB(A), `largest` pixels wide or a little more, and
    the upright full size; at most one full-size decode is held at a time."""
    with Image.open(field_file) as opened:
        width, height = opened.size
        target = (largest, largest * height // width)
        if opened.getexif().get(ORIENTATION, 1) in (5, 6, 7, 8):  # quarter turns
            width, height = height, width
            target = (largest * width // height, largest)
        if opened.format == "JPEG":  # decode at 1/2, 1/4 or 1/8 scale
            opened.draft("RGB", target)
        opened.load()
        image = _oriented(opened)
        alpha = "A" in image.getbands() or "transparency" in image.info
        mode = "RGBA" if alpha else "RGB"
        factor = image.width // largest
        if factor >= 2:
            image = _reduced(image, factor, mode)
        else:
            image = image.convert(mode) if image.mode != mode else image.copy()
    return image, width, height


def _reduced(image: Image.Image, factor: int, mode: str) -> Image.Image:
    """image.convert(mode).reduce(factor), a strip at a time: converting (and, for
    RGBA, the premultiplied copy Pillow reduces) would otherwise be another full
    size image."""
    width, height = image.size
    reduced = Image.new(mode, (-(-width // factor), -(-height // factor)))
    rows = factor * 64  # whole blocks of factor × factor pixels
    for top in range(0, height, rows):
        strip = image.crop((0, top, width, min(height, top + rows)))
        if strip.mode != mode:
            strip = strip.convert(mode)
        reduced.paste(strip.reduce(factor), (0, top // factor))
    return reduced


def make_renditions(field_file) -> list[dict]:
    """Write WebP renditions at rendition_widths(); return their descriptions."""
    storage = field_file.storage
    stem = PurePosixPath(field_file.name)
    renditions = []
    try:
        field_file.open("rb")
        working, source_width, source_height = _working_copy(
            field_file, max(settings.IMAGE_RENDITION_WIDTHS)
        )
        for width in rendition_widths(source_width):
            height = max(1, round(source_height * width / source_width))
            resized = working.resize((width, height), Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            resized.save(buffer, "WEBP", quality=80, method=4)
            name = str(stem.parent / "renditions" / f"{stem.stem}-{width}.webp")
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, ContentFile(buffer.getvalue()))
            renditions.append(
                {
                    "url": storage.url(saved),
                    "width": width,
                    "height": height,
                    "type": "image/webp",
                }
            )
    except READ_ERRORS:
        return []
    finally:
        field_file.close()
    return renditions


@task()
def render_featured_image(article_id: int, name: str) -> int:
    """Make the renditions of a story's featured image, outside the transaction
    that saved it (a 49-megapixel image takes seconds). Returns how many.

    Does nothing when the story's image has changed since (the newer image has a
    task of its own). Writes with update(): the story's modification time, which
    the admin compares to refuse stale saves, stays as the editor left it."""
    # The model by name: articles.models imports this module.
    Article = apps.get_model("articles", "Article")
    story = Article.objects.filter(pk=article_id, featured_image=name).first()
    if story is None:
        return 0
    renditions = make_renditions(story.featured_image)
    updated = Article.objects.filter(pk=article_id, featured_image=name).update(
        featured_image_renditions=renditions,
        featured_image_bytes=stored_size(story.featured_image),
    )
    if updated:
        content_changed()  # cached pages pick up the srcset
    return len(renditions)
