#!/usr/bin/env python3
"""The admin's image list at 20,000 images: queries and time of its first page.

    .venv/bin/python benchmarks/image_library.py [--images 20000] [--runs 20]

A fresh SQLite database (production settings, a temporary var/ directory) gets
that many Image rows in bulk, each with fake stored renditions (thumbnail, widths,
crops: the JSON a real upload gets; no files). A superuser then fetches
/admin/images/image/ with Django's test client, once to warm up and `--runs`
times timed; the median and the worst are printed with the query count.
The issue's budget: ≤ 10 queries, first page ≤ 300 ms.
"""

import argparse
import hashlib
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

KINDS = [
    ("width", 480, 320),
    ("width", 800, 533),
    ("thumb", 160, 107),
    ("card", 480, 320),
]


def fake_renditions(stem: str) -> list[dict]:
    """What make_renditions() records, without the files."""
    return [
        {
            "kind": kind,
            "name": f"library/renditions/{stem}-{kind}-{w}.webp",
            "url": f"/media/library/renditions/{stem}-{kind}-{w}.webp",
            "width": w,
            "height": h,
            "type": "image/webp",
        }
        for kind, w, h in KINDS
    ]


def fake_library(count: int, user=None) -> None:
    """`count` Image rows in bulk, newest last, spread over two years."""
    from django.utils import timezone

    from images.models import Image

    now = timezone.now()
    batch = []
    for n in range(count):
        stem = f"fake{n:06d}"
        batch.append(
            Image(
                file=f"library/fake/{stem}.jpg",
                original_name=f"IMG_{n:05d}.jpg",
                alt_text=f"Picture {n} of the harbour, the market and the bridge",
                caption=f"Caption {n}",
                credit=["Ana Photo", "Agency", "Staff"][n % 3],
                width=1200,
                height=800,
                byte_size=200_000,
                content_hash=hashlib.sha256(stem.encode()).hexdigest(),
                uploaded_by=user,
                uploaded_at=now - timedelta(minutes=(count - n) * 50),
                renditions=fake_renditions(stem),
            )
        )
        if len(batch) == 2000:
            Image.objects.bulk_create(batch)
            batch = []
    Image.objects.bulk_create(batch)


def child(images: int, runs: int) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_superuser("bench", "b@example.com", "x")
    fake_library(images, user)
    client = Client()
    client.force_login(user)
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    with override_settings(STORAGES=storages):  # no collectstatic manifest here
        assert client.get("/admin/images/image/").status_code == 200  # warm up
        timings = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get("/admin/images/image/")
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    print(
        json.dumps(
            {
                "images": images,
                "queries": len(queries),
                "median_ms": round(statistics.median(timings), 1),
                "worst_ms": round(max(timings), 1),
                "sql": [(q["time"], q["sql"][:150]) for q in queries.captured_queries]
                if os.environ.get("BENCH_SQL")
                else [],
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.images, args.runs)
        return
    result = child_result(__file__, f"--images={args.images}", f"--runs={args.runs}")
    for seconds, sql in result["sql"]:
        print(f"  {seconds} s  {sql}")
    print(
        f"Admin image list, first page, {result['images']:,} images on SQLite: "
        f"{result['queries']} queries, median {result['median_ms']} ms, "
        f"worst {result['worst_ms']} ms ({args.runs} runs)"
    )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    main()
