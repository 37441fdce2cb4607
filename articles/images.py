"""Featured images: upload checks, re-encoding, and responsive renditions.

Renditions are generated once when the image changes, stored as files next to
the original, and described in a small JSON list on the story so pages render
`srcset` without touching the disk or the database again.
"""

import io
import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


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
            width, height = probe.size
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
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


def reencode_upload(uploaded) -> ContentFile:
    """Decode and re-encode: drops EXIF/GPS and anything appended; random file name."""
    uploaded.seek(0)
    with Image.open(uploaded) as image:
        image.load()
        image = ImageOps.exif_transpose(image)
        has_alpha = image.mode in ("RGBA", "LA", "P") and (
            image.mode != "P" or "transparency" in image.info
        )
        buffer = io.BytesIO()
        if has_alpha:
            image.convert("RGBA").save(buffer, "PNG", optimize=True)
            extension = "png"
        else:
            image.convert("RGB").save(
                buffer, "JPEG", quality=85, optimize=True, progressive=True
            )
            extension = "jpg"
    return ContentFile(buffer.getvalue(), name=f"{secrets.token_hex(12)}.{extension}")


def stored_size(field_file) -> int | None:
    """The stored file's size in bytes, or None when the storage cannot say."""
    try:
        return field_file.size
    except (OSError, ValueError):
        return None


def make_renditions(field_file) -> list[dict]:
    """Write WebP renditions at the configured widths; return their descriptions."""
    storage = field_file.storage
    stem = PurePosixPath(field_file.name)
    renditions = []
    try:
        field_file.open("rb")
        with Image.open(field_file) as original:
            original.load()
            original = ImageOps.exif_transpose(original)
            source_width, source_height = original.size
            widths = [w for w in settings.IMAGE_RENDITION_WIDTHS if w < source_width]
            widths.append(source_width)
            for width in widths:
                height = max(1, round(source_height * width / source_width))
                resized = original.convert("RGB").resize(
                    (width, height), Image.Resampling.LANCZOS
                )
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
    except (OSError, ValueError, Image.DecompressionBombError):
        return []
    finally:
        field_file.close()
    return renditions
