"""`manage.py check --deploy` is clean with the production environment in the guide."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def test_documented_production_environment_passes_check_deploy():
    result = subprocess.run(
        ["bash", ".ci/deploy-check"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_without_the_https_settings():
    # The same check must be able to fail: plain HTTP is not a production setup.
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SECRET_KEY": "x" * 20 + "y" * 20 + "abcdefghijklmnop",
        "DJANGO_ALLOWED_HOSTS": "news.example.com",
        "DJANGO_SECURE": "0",
    }
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "security.W004" in result.stderr or "security.W004" in result.stdout
