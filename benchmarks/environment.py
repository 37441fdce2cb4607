"""The environment every benchmark's Django process runs in: production settings.

DEBUG off, a fresh signing key, its own var/ directory, and none of the caller's
database, Redis or settings-module variables (a benchmark says what it uses).
"""

import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INHERITED_NOT = {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}


def production_env(work: Path, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in INHERITED_NOT}
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
        NEWSROOM_VAR_DIR=str(work),
        LOG_LEVEL="WARNING",
    )
    env.update(overrides)
    return env


def child_result(script: str, *args: str, **overrides: str) -> dict:
    """Run `script --child args` in a temporary var/ directory with production
    settings (and a fresh SQLite database there unless overrides name another),
    and return the JSON its last line prints."""
    with tempfile.TemporaryDirectory() as work:
        env = production_env(Path(work), DJANGO_ALLOWED_HOSTS="testserver", **overrides)
        out = subprocess.run(
            [sys.executable, script, "--child", *args],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    return json.loads(out.strip().splitlines()[-1])
