#!/usr/bin/env python3
"""The uncached article page with 10 pictures in its body against the same story
without them: what the pictures cost per render.

    .venv/bin/python benchmarks/body_images.py [--runs 300]

A fresh SQLite database (production settings, a temporary var/ directory) gets 10
library Image rows with the renditions a 1600-pixel upload gets (the JSON; no files)
and two published stories with the same twelve paragraphs, one with a picture
after each of ten of them (one wide, three in a gallery, six at text width). Each
page is fetched with Django's test client carrying a session cookie, so the page
cache neither serves nor stores it (every fetch renders); the two are fetched in
turns, `--runs` times each after a warm-up, and the medians compared. The body
render alone (articles.body.render on a freshly loaded story, its one image
query included) is timed the same way. The issue's target: ≤ 1 ms more a render.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.environment import child_result  # noqa: E402

WIDTHS = [480, 800, 1200, 1600]
CROPS = {"card": (1200, 800), "social": (1200, 630), "square": (800, 800)}


def renditions(stem: str) -> list[dict]:
    """What a 1600×1067 upload gets (images/processing.py), without the files:
    each width in WebP and JPEG, the thumbnail, the crops at their widths."""
    made = [
        {
            "kind": "thumb",
            "name": f"library/renditions/{stem}-thumb.webp",
            "url": f"/media/library/renditions/{stem}-thumb.webp",
            "width": 160,
            "height": 107,
            "type": "image/webp",
        }
    ]
    shapes = [("width", w, w * 2 // 3) for w in WIDTHS] + [
        (kind, w, w * height // width)
        for kind, (width, height) in CROPS.items()
        for w in WIDTHS
        if w <= width
    ]
    for kind, w, h in shapes:
        for ext, mime in (("webp", "image/webp"), ("jpg", "image/jpeg")):
            made.append(
                {
                    "kind": kind,
                    "name": f"library/renditions/{stem}-{kind}-{w}.{ext}",
                    "url": f"/media/library/renditions/{stem}-{kind}-{w}.{ext}",
                    "width": w,
                    "height": h,
                    "type": mime,
                }
            )
    return made


def library(count: int) -> list[int]:
    from images.models import Image

    return [
        Image.objects.create(
            file=f"library/2026/12/picture{n}.jpg",
            original_name=f"IMG_{n:04d}.jpg",
            alt_text=f"Picture {n} of the riverside",
            caption=f"The riverside, picture {n}.",
            credit="Newsroom illustration",
            width=1600,
            height=1067,
            byte_size=300_000,
            content_hash=f"{n:064d}",
            renditions=renditions(f"picture{n}"),
        ).pk
        for n in range(count)
    ]


PARAGRAPH = (
    "<p>The council met on Tuesday night to decide the future of the riverside, "
    "and after five hours of debate the vote was nine to four in favour.</p>"
)


def bodies(image_ids: list[int]) -> tuple[str, str]:
    sizes = ["wide", "inline", "inline", "inline", "inline"]
    with_pictures = []
    for n in range(12):
        with_pictures.append(PARAGRAPH)
        if n < 10:
            size = sizes[n % len(sizes)]
            with_pictures.append(
                f'<figure data-image="{image_ids[n]}" data-size="{size}"></figure>'
            )
    # Three in a row (a gallery): the last three without paragraphs between.
    text = "".join(with_pictures).replace(
        f"</figure>{PARAGRAPH}<figure", "</figure><figure", 2
    )
    return text, PARAGRAPH * 12


def child(runs: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.utils import timezone

    from articles import body
    from articles.models import Article

    call_command("migrate", verbosity=0)
    ids = library(10)
    with_pictures, without = bodies(ids)
    stories = {}
    for label, text in (("10 pictures", with_pictures), ("no pictures", without)):
        stories[label] = Article.objects.create(
            headline=f"Riverside path ({label})",
            body=text,
            status=Article.Status.PUBLISHED,
            published_at=timezone.now() - timedelta(hours=1),
        )
    client = Client()
    client.cookies["sessionid"] = "benchmark"  # a cookie the site reads: uncached
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    page_ms = {label: [] for label in stories}
    body_ms = {label: [] for label in stories}
    queries = {}
    with override_settings(STORAGES=storages):  # no collectstatic manifest here
        for story in stories.values():  # warm up
            response = client.get(story.get_absolute_url())
            assert response.status_code == 200
            assert response.get("X-Page-Cache") != "hit"
        assert response.content.count(b"<picture>") == 0
        for _ in range(runs):
            for label, story in stories.items():
                url = story.get_absolute_url()
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(url)
                    page_ms[label].append((time.perf_counter() - started) * 1000)
                queries[label] = len(captured)
                fresh = Article.objects.get(pk=story.pk)
                started = time.perf_counter()
                html = body.render(fresh)
                body_ms[label].append((time.perf_counter() - started) * 1000)
        assert html.count("<picture>") == 0
        assert (
            body.render(Article.objects.get(pk=stories["10 pictures"].pk)).count(
                "<picture>"
            )
            == 10
        )
    print(
        json.dumps(
            {
                label: {
                    "queries": queries[label],
                    "page_median_ms": round(statistics.median(page_ms[label]), 2),
                    "body_median_ms": round(statistics.median(body_ms[label]), 3),
                }
                for label in stories
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.runs)
        return
    result = child_result(
        __file__,
        f"--runs={args.runs}",
        PAGE_CACHE_SECONDS="0",  # every fetch renders the page in full
    )
    for label, figures in result.items():
        print(
            f"Uncached article, {label}: {figures['queries']} queries, page median "
            f"{figures['page_median_ms']} ms, body render median "
            f"{figures['body_median_ms']} ms ({args.runs} runs)"
        )
    extra = (
        result["10 pictures"]["page_median_ms"]
        - result["no pictures"]["page_median_ms"]
    )
    print(f"10 pictures cost {extra:.2f} ms more a page (target ≤ 1 ms).")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    main()
