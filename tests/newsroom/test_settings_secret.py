"""The signing key: with DEBUG off the site refuses a missing or public key, and
old keys in DJANGO_SECRET_KEY_FALLBACKS still verify what they signed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import signing

BASE_DIR = Path(__file__).resolve().parents[2]


def start_django(env: dict) -> subprocess.CompletedProcess:
    """`django.setup()` in a clean environment plus `env`, as a server would start."""
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=BASE_DIR,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "NEWSROOM_VAR_DIR": os.environ.get("NEWSROOM_VAR_DIR", "/tmp"),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"DJANGO_DEBUG": "0"},
        {"DJANGO_SECRET_KEY": ""},
        {"DJANGO_SECRET_KEY": "django-insecure-dev-only-change-me"},
        {"DJANGO_SECRET_KEY": "change-me-to-a-long-random-string"},
        {"DJANGO_SECRET_KEY": "replace-with-the-output-of-the-command-above"},
    ],
    ids=["unset", "debug-off", "empty", "development", "env-example", "docs"],
)
def test_production_refuses_to_start_without_a_private_key(env):
    result = start_django(env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert "secrets.token_urlsafe" in result.stderr


def test_production_starts_with_a_private_key():
    result = start_django({"DJANGO_SECRET_KEY": "a-private-key-" + "q" * 40})

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


def test_development_server_keeps_its_development_key():
    result = start_django({"DJANGO_DEBUG": "1"})

    assert result.returncode == 0, result.stderr


def test_public_key_among_the_fallbacks_is_refused():
    result = start_django(
        {
            "DJANGO_SECRET_KEY": "a-private-key-" + "q" * 40,
            "DJANGO_SECRET_KEY_FALLBACKS": "django-insecure-dev-only-change-me",
        }
    )

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY_FALLBACKS" in result.stderr


def test_key_file_readable_by_others_is_refused(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("a-private-key-" + "f" * 40)
    key_file.chmod(0o644)

    result = start_django({"DJANGO_SECRET_KEY_FILE": str(key_file)})

    assert result.returncode != 0
    assert "chmod 600" in result.stderr


def test_key_file_of_its_owner_only_is_used(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("a-private-key-" + "f" * 40 + "\n")
    key_file.chmod(0o600)
    code = "from django.conf import settings; print(settings.SECRET_KEY)"

    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DJANGO_SECRET_KEY_FILE": str(key_file),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "a-private-key-" + "f" * 40


def test_value_signed_with_a_rotated_out_key_still_verifies(settings):
    old_key = "the-key-before-rotation-" + "o" * 40
    signed = signing.dumps({"article": 7}, key=old_key)
    other = ",".join(["x" * 50, old_key])
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings; from django.core import signing\n"
        f"print(signing.loads({signed!r}))\n"
        "print(len(settings.SECRET_KEY_FALLBACKS))\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DJANGO_SECRET_KEY": "the-key-after-rotation-" + "n" * 40,
            "DJANGO_SECRET_KEY_FALLBACKS": other,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["{'article':", "7}", "2"]


def test_value_signed_with_an_unknown_key_does_not_verify(settings):
    settings.SECRET_KEY = "the-key-after-rotation-" + "n" * 40
    settings.SECRET_KEY_FALLBACKS = []
    signed = signing.dumps({"article": 7}, key="the-key-before-rotation-" + "o" * 40)

    with pytest.raises(signing.BadSignature):
        signing.loads(signed)
