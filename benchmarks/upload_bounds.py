#!/usr/bin/env python3
"""Peak memory of the worst accepted featured images, and how long an upload holds
SQLite's write lock.

    .venv/bin/python benchmarks/upload_bounds.py

Memory: the files are made first, then each is processed in a fresh subprocess as
an upload is (validate_image_upload, reencode_upload, storing the result,
make_renditions) and the subprocess reports resource.getrusage's ru_maxrss after
Django's setup (its baseline) and at the end (its peak).

Write lock: a temporary SQLite database; an editor posts the 7000×7000 RGBA PNG
to the admin's add form (in-process test client, the immediate task backend, so
renditions run right after the commit) while another thread, on its own
connection, takes and releases the write lock (BEGIN IMMEDIATE … COMMIT) every
10 ms, as a reader posting a comment would. The longest wait of that writer is
how long the upload held the lock.
"""

import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.environment import production_env  # noqa: E402

SIDE = 7000  # 49 megapixels: just under IMAGE_MAX_PIXELS


def make_files(folder: Path) -> dict[str, Path]:
    """The worst files the default limits accept, each a few hundred KB."""
    from PIL import Image, ImageDraw

    files = {}
    rgba = Image.new("RGBA", (SIDE, SIDE), (20, 90, 160, 255))
    ImageDraw.Draw(rgba).ellipse((500, 500, 6500, 6500), fill=(200, 40, 40, 128))
    files["7000x7000 RGBA PNG"] = folder / "rgba.png"
    rgba.save(files["7000x7000 RGBA PNG"], "PNG")
    del rgba
    rgb = Image.new("RGB", (SIDE, SIDE), (20, 90, 160))
    ImageDraw.Draw(rgb).ellipse((500, 500, 6500, 6500), fill=(200, 40, 40))
    files["7000x7000 RGB JPEG"] = folder / "rgb.jpg"
    rgb.save(files["7000x7000 RGB JPEG"], "JPEG", quality=80)
    del rgb
    palette = Image.new("P", (SIDE, SIDE), 3)
    files["7000x7000 GIF"] = folder / "palette.gif"
    palette.save(files["7000x7000 GIF"], "GIF")
    # WebP decoding holds three copies: about the largest square under the cap.
    side = 3500
    webp = Image.new("RGBA", (side, side), (20, 90, 160, 255))
    files[f"{side}x{side} RGBA WebP"] = folder / "rgba.webp"
    webp.save(files[f"{side}x{side} RGBA WebP"], "WEBP", quality=80)
    return files


def child(path: str) -> None:
    """Process one file as an upload is; print the RSS figures as JSON."""
    import django

    django.setup()
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile

    from images import processing as images
    from images.models import Image

    def rss_mb() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    baseline = rss_mb()
    data = Path(path).read_bytes()
    upload = SimpleUploadedFile(Path(path).name, data)
    started = time.perf_counter()
    try:
        images.validate_image_upload(upload)
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        print(json.dumps({"refused": str(exc)[:160], "baseline": baseline}))
        return
    reencoded = images.reencode_upload(upload)
    after_reencode = rss_mb()
    reencode_seconds = time.perf_counter() - started
    name = default_storage.save(f"images/bench/{reencoded.name}", reencoded)
    del reencoded, upload, data
    started = time.perf_counter()
    renditions = images.make_renditions(Image(file=name).file)
    print(
        json.dumps(
            {
                "baseline": baseline,
                "after_reencode": after_reencode,
                "peak": rss_mb(),
                "reencode_s": reencode_seconds,
                "renditions_s": time.perf_counter() - started,
                "renditions": [r["width"] for r in renditions],
            }
        )
    )


def measure_memory(env: dict, files: dict[str, Path]) -> None:
    print(
        f"{'file':<22}{'KB':>7}{'base MB':>9}{'re-enc MB':>11}{'peak MB':>9}"
        f"{'re-enc s':>10}{'rend s':>8}  renditions"
    )
    for label, path in files.items():
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(path)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        row = json.loads(out.strip().splitlines()[-1])
        size = path.stat().st_size // 1024
        if "refused" in row:
            print(f"{label:<22}{size:>7}  refused: {row['refused']}")
            continue
        print(
            f"{label:<22}{size:>7}{row['baseline']:>9.0f}{row['after_reencode']:>11.0f}"
            f"{row['peak']:>9.0f}{row['reencode_s']:>10.1f}{row['renditions_s']:>8.1f}"
            f"  {row['renditions']}"
        )


def measure_lock(env: dict, png: Path) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from images.models import Image

    editor = get_user_model().objects.create_superuser("bench", "b@example.com", "x")
    client = Client()
    client.force_login(editor)
    db_path = settings.DATABASES["default"]["NAME"]
    waits, done = [], threading.Event()

    def writer():
        connection = sqlite3.connect(db_path, timeout=60, isolation_level=None)
        connection.execute("CREATE TABLE IF NOT EXISTS bench_lock (n INTEGER)")
        while not done.is_set():
            started = time.perf_counter()
            connection.execute("BEGIN IMMEDIATE")
            waits.append(time.perf_counter() - started)
            connection.execute("INSERT INTO bench_lock VALUES (1)")
            connection.execute("COMMIT")
            time.sleep(0.01)
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    time.sleep(0.2)
    data = {
        "alt": "A storm",
        "files": SimpleUploadedFile("big.png", png.read_bytes(), "image/png"),
    }
    started = time.perf_counter()
    response = client.post("/admin/images/image/upload/", data)
    upload_seconds = time.perf_counter() - started
    time.sleep(0.2)
    done.set()
    thread.join()
    story = Image.objects.filter(alt_text="A storm").first()
    print(
        f"library upload of {png.name}: answer {response.status_code} in "
        f"{upload_seconds:.1f} s; renditions {len(story.renditions)}"
        if story
        else f"admin upload refused: {response.status_code}"
    )
    print(
        f"concurrent writer: {len(waits)} write transactions, longest wait for the "
        f"lock {max(waits) * 1000:.0f} ms"
    )


def main() -> int:
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2])
        return 0
    if sys.argv[1:2] == ["--make-files"]:
        files = make_files(Path(sys.argv[2]))
        print(json.dumps({label: str(path) for label, path in files.items()}))
        return 0
    work = Path(tempfile.mkdtemp(prefix="newsroom-upload-bench-"))
    env = production_env(
        work,
        DJANGO_ALLOWED_HOSTS="testserver",
        MEDIA_ROOT=str(work / "media"),
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
        PYTHONPATH=str(ROOT),
    )
    try:
        # In a subprocess of its own: a child inherits its parent's peak RSS.
        made = subprocess.run(
            [sys.executable, __file__, "--make-files", str(work)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        files = {k: Path(v) for k, v in json.loads(made).items()}
        measure_memory(env, files)
        measure_lock(env, files["7000x7000 RGBA PNG"])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
