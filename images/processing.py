"""Library images: upload checks, re-encoding, renditions and focal-point crops.

The one home of the safety rules for every image we store: library uploads,
stories' featured images (library images since issue 15), the WordPress importer.

Nothing is decoded before the checks pass: the format, the byte size, the pixel
count and the memory the decoded pixels would take (`decoded_bytes`) all come
from the file's header. Only the formats we accept are even parsed
(`Image.open(formats=...)`), so a PSD or EPS never reaches Pillow's plugins for
them. Accepted files are decoded once and re-encoded (EXIF/GPS and appended data
dropped, a random name). Renditions decode JPEGs at reduced scale (draft()) or
reduce() the image once before resizing; each step holds at most one full-size
copy (a 7000×7000 RGBA PNG once took five).
"""

import hashlib
import io
import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError, features

from newsroom.storage import STORAGE_ERRORS

# Pillow's format name -> what an editor calls it, and the browser's MIME type.
FORMAT_NAMES = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF"}
MIME_TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}
if features.check("avif"):  # Pillow 11.2+ built with libavif
    FORMAT_NAMES["AVIF"] = "AVIF"
    MIME_TYPES["AVIF"] = "image/avif"
ALLOWED_FORMATS = frozenset(FORMAT_NAMES)
# For the file input's accept="…": the browser offers only these.
ACCEPT = ",".join(MIME_TYPES.values())

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
# What a refused non-image most often is, by its first bytes, so the message can
# say so ("a PDF") instead of a bare "not an image".
KNOWN_NOT_IMAGES = [
    (b"%PDF", "a PDF document"),
    (b"8BPS", "a Photoshop (PSD) file"),
    (b"%!PS", "a PostScript/EPS file"),
    (b"\xc5\xd0\xd3\xc6", "an EPS file"),
    (b"<?xml", "an XML file"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"BM", "a BMP image"),
]


def accepted_summary() -> str:
    """The rule in an editor's words: formats and limits."""
    return (
        f"Accepted: {', '.join(FORMAT_NAMES.values())}, up to "
        f"{settings.IMAGE_MAX_BYTES // (1024 * 1024)} MB and "
        f"{settings.IMAGE_MAX_PIXELS // 1_000_000} megapixels."
    )


def _refused(reason: str) -> ValidationError:
    return ValidationError(f"{reason} {accepted_summary()}", code="refused_image")


def _bytes_per_pixel(mode: str) -> int:
    if mode in ONE_BYTE_MODES:
        return 1
    return 2 if mode.startswith("I;16") else 4


def decoded_bytes(image_format: str, mode: str, width: int, height: int) -> int:
    """The most memory decoding and re-encoding this image takes, from its header:
    the decoded pixels, plus a converted copy when its mode is not kept, plus for
    WebP and AVIF three more (the decoder's RGBA buffer, the bytes Pillow copies it
    into and their conversions; measured for WebP: a 4000×4000 WebP, 64 MB of pixels, peaked
    250 MB above the process's baseline)."""
    pixels = width * height
    total = pixels * _bytes_per_pixel(mode)
    if mode not in KEPT_MODES:
        total += pixels * 4
    if image_format in ("WEBP", "AVIF"):
        total += 3 * pixels * 4
    return total


def _looks_like(uploaded) -> str:
    """What a refused file seems to be, from its first bytes."""
    uploaded.seek(0)
    head = uploaded.read(1024).lstrip()
    uploaded.seek(0)
    if b"<svg" in head.lower():  # after an XML declaration, comments, a doctype
        return "an SVG drawing"
    for magic, what in KNOWN_NOT_IMAGES:
        if head.startswith(magic):
            return what
    return "not an image we can read"


def validate_image_upload(uploaded) -> None:
    """Refuse anything that is not a modest image in an accepted format, before
    decoding it; each refusal names the accepted formats and limits."""
    if not uploaded.size:
        raise _refused("The file is empty (0 bytes).")
    if uploaded.size > settings.IMAGE_MAX_BYTES:
        limit_mb = settings.IMAGE_MAX_BYTES // (1024 * 1024)
        raise _refused(f"The file is larger than {limit_mb} MB.")
    uploaded.seek(0)
    try:
        # Image.open reads only the header: the pixel count is known before decoding.
        with Image.open(uploaded, formats=sorted(ALLOWED_FORMATS)) as probe:
            image_format = probe.format
            mode = probe.mode
            width, height = probe.size
    except Image.DecompressionBombError as exc:  # Pillow's own cap, at 2× its warning
        raise _refused(
            "The image has far more pixels than the "
            f"{settings.IMAGE_MAX_PIXELS // 1_000_000} megapixel limit."
        ) from exc
    except READ_ERRORS as exc:
        raise _refused(f"The file is {_looks_like(uploaded)}.") from exc
    finally:
        uploaded.seek(0)
    if image_format not in ALLOWED_FORMATS:  # formats= already keeps others out
        raise _refused(f"{image_format} images are not accepted.")
    if width * height > settings.IMAGE_MAX_PIXELS:
        raise _refused(
            f"The image is {width}×{height} pixels, more than the "
            f"{settings.IMAGE_MAX_PIXELS // 1_000_000} megapixel limit."
        )
    needed = decoded_bytes(image_format, mode, width, height)
    if needed > settings.IMAGE_MAX_DECODED_BYTES:
        raise _refused(
            f"The image is {width}×{height} pixels ({mode} {image_format}): "
            f"too large for us to process ({needed // 1_000_000} MB decoded, the "
            f"limit is {settings.IMAGE_MAX_DECODED_BYTES // 1_000_000} MB). "
            "Save it smaller, or as an RGB JPEG, and upload it again."
        )


def content_hash(uploaded) -> str:
    """SHA-256 of the bytes as uploaded: the same file uploaded twice matches
    (the re-encoded bytes could differ between Pillow versions)."""
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


def _oriented(image: Image.Image) -> Image.Image:
    """The image turned upright; no copy when it already is."""
    if image.getexif().get(ORIENTATION, 1) in (0, 1):
        return image
    return ImageOps.exif_transpose(image)


def reencode_upload(uploaded) -> ContentFile:
    """Decode and re-encode: drops EXIF/GPS and anything appended; random file name.

    Transparent images and palette images (GIFs, 8-bit PNGs) become PNGs in their
    own mode, the rest JPEGs; only a mode we do not keep is converted. Call it
    after validate_image_upload()."""
    uploaded.seek(0)
    with Image.open(uploaded, formats=sorted(ALLOWED_FORMATS)) as opened:
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
    uploaded.seek(0)
    return ContentFile(buffer.getvalue(), name=f"{secrets.token_hex(12)}.{extension}")


def rendition_widths(source_width: int, largest: int | None = None) -> list[int]:
    """The configured widths narrower than `largest` (the image's width unless
    given), and `largest` itself when it is no wider than the widest configured
    (a larger original is never re-served)."""
    largest = source_width if largest is None else largest
    configured = settings.IMAGE_RENDITION_WIDTHS
    widths = [w for w in configured if w < largest]
    if largest <= max(configured):
        widths.append(largest)
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


def crop_box(
    width: int, height: int, ratio: float, focal: tuple[float, float]
) -> tuple[int, int, int, int]:
    """The largest box of this width/height ratio inside width × height, centred
    on the focal point (fractions 0..1) as far as the edges allow."""
    if width / height > ratio:
        box_w, box_h = max(1, round(height * ratio)), height
    else:
        box_w, box_h = width, max(1, round(width / ratio))
    left = min(max(0, round(focal[0] * width - box_w / 2)), width - box_w)
    top = min(max(0, round(focal[1] * height - box_h / 2)), height - box_h)
    return left, top, left + box_w, top + box_h


class _Writer:
    """Saves renditions of one original next to it, in WebP and its own format."""

    def __init__(self, field_file):
        self.storage = field_file.storage
        self.stem = PurePosixPath(field_file.name)
        own = "PNG" if self.stem.suffix.lower() == ".png" else "JPEG"
        self.formats = ["WEBP", own]
        self.written = []

    def write(self, image, kind, width, height, *, formats=None, token=""):
        resized = image.resize((width, height), Image.Resampling.LANCZOS)
        entries = []
        for image_format in formats or self.formats:
            buffer = io.BytesIO()
            if image_format == "WEBP":
                resized.save(buffer, "WEBP", quality=80, method=4)
            elif image_format == "PNG":
                resized.save(buffer, "PNG", optimize=True)
            else:
                rgb = resized.convert("RGB") if resized.mode != "RGB" else resized
                rgb.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
            extension = {"WEBP": "webp", "PNG": "png", "JPEG": "jpg"}[image_format]
            label = {"width": f"{width}", "thumb": "thumb"}.get(
                kind, f"{kind}-{width}x{height}"
            )
            suffix = f"-{token}" if token else ""
            name = str(
                self.stem.parent
                / "renditions"
                / f"{self.stem.stem}-{label}{suffix}.{extension}"
            )
            if self.storage.exists(name):
                self.storage.delete(name)
            saved = self.storage.save(name, ContentFile(buffer.getvalue()))
            self.written.append(saved)
            entries.append(
                {
                    "kind": kind,
                    "name": saved,
                    "url": self.storage.url(saved),
                    "width": width,
                    "height": height,
                    "type": MIME_TYPES[image_format],
                }
            )
        return entries


def make_renditions(
    field_file, focal: tuple[float, float] = (0.5, 0.5), *, crops_only: bool = False
) -> list[dict]:
    """Write the renditions of a stored original; return their descriptions.

    Widths (IMAGE_RENDITION_WIDTHS) and a thumbnail unless `crops_only`, then the
    IMAGE_CROPS cut around `focal`. Crop names carry a random token: a new focal
    point gives new URLs, never a cached old crop. An unreadable file gives []."""
    crops = settings.IMAGE_CROPS
    largest = max([*settings.IMAGE_RENDITION_WIDTHS, *(w for w, _ in crops.values())])
    writer = _Writer(field_file)
    renditions = []
    try:
        field_file.open("rb")
        working, source_width, source_height = _working_copy(field_file, largest)
        scale = source_width / working.width  # source pixels per working pixel
        if not crops_only:
            for width in rendition_widths(source_width):
                height = max(1, round(source_height * width / source_width))
                renditions += writer.write(working, "width", width, height)
            thumb = min(settings.IMAGE_THUMBNAIL_WIDTH, source_width)
            thumb_height = max(1, round(source_height * thumb / source_width))
            renditions += writer.write(
                working, "thumb", thumb, thumb_height, formats=["WEBP"]
            )
        token = secrets.token_hex(4)
        for kind, (crop_width, crop_height) in crops.items():
            ratio = crop_width / crop_height
            box = crop_box(working.width, working.height, ratio, focal)
            cropped = working.crop(box)
            # Never wider than the source pixels the box covers.
            top_width = min(crop_width, int((box[2] - box[0]) * scale))
            for width in rendition_widths(source_width, top_width):
                height = max(1, round(width / ratio))
                renditions += writer.write(cropped, kind, width, height, token=token)
    except READ_ERRORS:
        delete_files(writer.storage, writer.written)
        return []
    finally:
        field_file.close()
    return renditions


def delete_files(storage, names) -> None:
    """Remove stored files; one that is already gone (or cannot go) is skipped."""
    for name in names:
        try:
            storage.delete(name)
        except STORAGE_ERRORS:
            pass
