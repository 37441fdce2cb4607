"""Plain factory functions with safe defaults. Override anything by keyword."""

import io
import itertools
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone
from PIL import Image

from articles.models import Article, Author, Byline, Quote, Section
from images import uploads

_counter = itertools.count(1)


def make_section(**overrides) -> Section:
    n = next(_counter)
    defaults = {"name": f"Section {n}", "slug": f"section-{n}"}
    return Section.objects.create(**(defaults | overrides))


def make_author(**overrides) -> Author:
    n = next(_counter)
    defaults = {"name": f"Reporter {n}", "slug": f"reporter-{n}"}
    return Author.objects.create(**(defaults | overrides))


def make_article(*, tags=(), authors=(), quotes=(), **overrides) -> Article:
    """A published story from an hour ago, unless told otherwise."""
    n = next(_counter)
    defaults = {
        "headline": f"Story number {n}",
        "slug": f"story-{n}",
        "standfirst": "A short summary.",
        "body": "<p>Some news.</p>",
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(hours=1),
    }
    with TestCase.captureOnCommitCallbacks(execute=True):
        article = Article.objects.create(**(defaults | overrides))
    if tags:
        article.tags.set(list(tags))
    for position, author in enumerate(authors):
        Byline.objects.create(article=article, author=author, position=position)
    for number, quote in enumerate(quotes, start=1):
        Quote.objects.create(article=article, number=number, **quote)
    return article


def make_draft(**overrides) -> Article:
    return make_article(status=Article.Status.DRAFT, published_at=None, **overrides)


def image_file(
    name="photo.jpg", size=(1200, 800), image_format="JPEG", color=(200, 30, 30)
):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, image_format)
    content_type = f"image/{image_format.lower()}"
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def make_library_image(
    *, alt_text="Crowds on the bridge", user=None, size=(1200, 800), **details
):
    """A library image with its renditions made (as after the upload commits);
    each call's file is different (a JPEG comment), so no two are duplicates."""
    n = next(_counter)
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "JPEG", comment=f"n{n}")
    upload = SimpleUploadedFile(f"photo-{n}.jpg", buffer.getvalue(), "image/jpeg")
    with TestCase.captureOnCommitCallbacks(execute=True):
        outcome = uploads.add_upload(upload, alt_text=alt_text, user=user, **details)
    image = outcome.image or outcome.existing
    image.refresh_from_db()
    return image


def make_comment(article, **overrides):
    """An approved comment by a reader, unless told otherwise."""
    from comments.models import Comment

    n = next(_counter)
    defaults = {
        "author_name": f"Reader {n}",
        "author_email": f"reader{n}@example.com",
        "content": f"Comment number {n}.",
        "status": Comment.Status.APPROVED,
        "ip_address": "203.0.113.5",
        "created_at": timezone.now() - timedelta(hours=1),
    }
    values = defaults | overrides
    parent = values.get("parent")
    if parent is not None and "depth" not in values:
        values["depth"] = parent.depth + 1
    return Comment.objects.create(article=article, **values)
