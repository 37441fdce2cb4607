"""Media on S3-compatible storage: a local moto server on 127.0.0.1, never the internet."""

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import boto3
import pytest

from tests.support.factories import make_article, make_library_image
from tests.support.ops import BUCKET, S3_KEYS, moto_s3, s3_storages

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def s3_endpoint(settings):
    with moto_s3() as endpoint:
        settings.STORAGES = s3_storages(settings.STORAGES, endpoint)
        yield endpoint


def bucket_keys(endpoint: str) -> set[str]:
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=S3_KEYS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_KEYS["AWS_SECRET_ACCESS_KEY"],
    )
    listing = client.list_objects_v2(Bucket=BUCKET)
    return {item["Key"] for item in listing.get("Contents", [])}


def fetch(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
        return response.status, response.read()


def test_featured_image_and_its_renditions_are_stored_in_the_bucket(s3_endpoint):
    article = make_article(featured_image=make_library_image(size=(1000, 600)))
    image = article.featured_image

    keys = bucket_keys(s3_endpoint)
    assert image.file.name in keys
    rendition_keys = {k for k in keys if "/renditions/" in k}
    assert rendition_keys == {r["name"] for r in image.renditions}
    assert len(rendition_keys) >= 2


def test_image_urls_point_at_the_object_store_and_serve_the_image(s3_endpoint):
    image = make_library_image(size=(900, 500))

    assert image.file.url.startswith(f"{s3_endpoint}/{BUCKET}/library/")
    status, body = fetch(image.file.url)
    assert status == 200 and body[:3] == b"\xff\xd8\xff"  # a JPEG
    rendition = next(r for r in image.renditions if r["type"] == "image/webp")
    status, body = fetch(rendition["url"])
    assert status == 200 and body[:4] == b"RIFF" and body[8:12] == b"WEBP"


def test_article_page_shows_images_from_the_object_store(client, s3_endpoint):
    article = make_article(
        featured_image=make_library_image(size=(900, 500), alt_text="Harbour at dawn")
    )

    page = client.get(article.get_absolute_url()).content.decode()

    assert f"{s3_endpoint}/{BUCKET}/library/" in page
    assert 'alt="Harbour at dawn"' in page


def test_choosing_another_image_keeps_the_old_object_untouched(s3_endpoint):
    # Pages cached before the change (and CDNs) still point at the old image.
    article = make_article(featured_image=make_library_image())
    old_name = article.featured_image.file.name
    article.featured_image = make_library_image()
    article.save()

    keys = bucket_keys(s3_endpoint)
    assert old_name in keys and article.featured_image.file.name in keys
    assert article.featured_image.file.name != old_name


def settings_in_subprocess(env: dict, code: str) -> subprocess.CompletedProcess:
    full_env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "MEDIA_"))
    }
    full_env |= {"DJANGO_SETTINGS_MODULE": "newsroom.settings", **env}
    script = f"from django.conf import settings\nsettings.STORAGES\n{code}"
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


S3_ENV = {
    "MEDIA_STORAGE": "s3",
    "AWS_STORAGE_BUCKET_NAME": "news-media",
    "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9",
    "AWS_S3_REGION_NAME": "eu-west-2",
    "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "not-a-real-secret",
}


def test_media_storage_s3_setting_configures_the_bucket_from_the_environment():
    result = settings_in_subprocess(
        S3_ENV,
        "import json\n"
        "from django.core.files.storage import storages\n"
        "s = storages['default']\n"
        "print(json.dumps([type(s).__name__, s.bucket_name, s.endpoint_url,"
        " s.region_name, s.access_key, s.querystring_auth, s.url('images/a.jpg')]))",
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        "S3Storage",
        "news-media",
        "http://127.0.0.1:9",
        "eu-west-2",
        "AKIDEXAMPLE",
        False,
        "http://127.0.0.1:9/news-media/images/a.jpg",
    ]


def test_custom_domain_setting_makes_image_urls_use_the_cdn():
    result = settings_in_subprocess(
        S3_ENV | {"AWS_S3_CUSTOM_DOMAIN": "media.example.com"},
        "from django.core.files.storage import storages\n"
        "s = storages['default']\n"
        "print(s.url('images/a.jpg'))",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "https://media.example.com/images/a.jpg"


def test_local_files_stay_the_default():
    result = settings_in_subprocess(
        {},
        "from django.core.files.storage import storages\n"
        "s = storages['default']\n"
        "print(type(s).__name__)",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "FileSystemStorage"


def test_s3_without_a_bucket_name_refuses_to_start():
    env = {k: v for k, v in S3_ENV.items() if k != "AWS_STORAGE_BUCKET_NAME"}
    result = settings_in_subprocess(env, "print('started')")

    assert result.returncode != 0
    assert "AWS_STORAGE_BUCKET_NAME" in result.stderr
