"""The environment every benchmark's Django process runs in: production settings.

DEBUG off, a fresh signing key, its own var/ directory, and none of the caller's
database, Redis or settings-module variables (a benchmark says what it uses).
"""

import os
import secrets
from pathlib import Path

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
