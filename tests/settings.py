"""The test suite's settings: production settings (DEBUG off) with a signing key
of its own, because newsroom.settings refuses to start without a real key.
Subprocesses the tests start inherit the key through the environment."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-signing-key-" + "k" * 40)

from newsroom.settings import *  # noqa: E402, F403
