"""Hostile and unacceptable files, as an editor's computer might hold them."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.support.factories import image_file


def png_claiming(width, height) -> bytes:
    """A tiny PNG whose header claims width×height pixels (a decompression bomb)."""

    def chunk(kind, payload):
        body = kind + payload
        return (
            struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def png_header(width, height, color_type) -> bytes:
    """A PNG that claims width×height pixels of a colour type (6: RGBA)."""
    header = png_claiming(width, height)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    body = b"IHDR" + ihdr
    return header[:12] + body + struct.pack(">I", zlib.crc32(body)) + header[33:]


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def psd_file() -> bytes:
    """A real Photoshop header (Pillow could open it; we must not)."""
    return (
        b"8BPS\x00\x01"
        + b"\x00" * 6
        + b"\x00\x03"
        + (16).to_bytes(4, "big")
        + (16).to_bytes(4, "big")
        + b"\x00\x08\x00\x03"
        + b"\x00" * 64
    )


def eps_file() -> bytes:
    return b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\nshowpage\n"


def pdf_file() -> bytes:
    return b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def noise_png(side=1000) -> bytes:
    noise = Image.frombytes(
        "RGB", (side, side), bytes(range(256)) * (side * side * 3 // 256 + 1)
    )
    buffer = io.BytesIO()
    noise.save(buffer, "PNG", compress_level=0)
    return buffer.getvalue()


def refused_files() -> dict[str, tuple[SimpleUploadedFile, str]]:
    """name -> (file, what the message must say)."""
    return {
        "php-renamed-to-jpg": (
            SimpleUploadedFile(
                "photo.jpg", b"<?php system($_GET['c']); ?>", "image/jpeg"
            ),
            "not an image we can read",
        ),
        "svg": (SimpleUploadedFile("logo.svg", SVG, "image/svg+xml"), "SVG"),
        "svg-renamed-to-png": (SimpleUploadedFile("logo.png", SVG, "image/png"), "SVG"),
        "pdf": (SimpleUploadedFile("scan.pdf", pdf_file(), "application/pdf"), "PDF"),
        "pdf-renamed-to-jpg": (
            SimpleUploadedFile("scan.jpg", pdf_file(), "image/jpeg"),
            "PDF",
        ),
        "psd": (
            SimpleUploadedFile("layout.psd", psd_file(), "image/vnd.adobe.photoshop"),
            "Photoshop",
        ),
        "eps": (
            SimpleUploadedFile("logo.eps", eps_file(), "application/postscript"),
            "EPS",
        ),
        "tiff": (image_file("scan.tiff", image_format="TIFF"), "TIFF"),
        "truncated-jpeg": (
            SimpleUploadedFile(
                "cut.jpg", image_file(size=(1600, 1200)).read()[:3000], "image/jpeg"
            ),
            "The file is damaged.",
        ),
        "zero-bytes": (
            SimpleUploadedFile("empty.jpg", b"", "image/jpeg"),
            "empty (0 bytes)",
        ),
        "pixel-bomb": (
            SimpleUploadedFile("bomb.png", png_claiming(10_000, 10_000), "image/png"),
            "10000×10000 pixels, more than the 50 megapixel limit",
        ),
        "gigapixel-bomb": (
            SimpleUploadedFile("giga.png", png_claiming(40_000, 40_000), "image/png"),
            "far more pixels than the 50 megapixel limit",
        ),
        "decoded-memory-bomb": (
            SimpleUploadedFile("rgba.png", png_header(7000, 7000, 6), "image/png"),
            "too large for us to process",
        ),
    }
