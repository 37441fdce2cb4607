import os

import pytest
from django.core.cache import caches

from tests.support.users import user_with_perms

# The `chromium` fixture (Debian's Chromium through Playwright).
pytest_plugins = ["tests.support.browser"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Give each pytest process its own PostgreSQL test database, so runs never collide."""
    from django.conf import settings

    for alias in settings.DATABASES.values():
        if alias["ENGINE"] != "django.db.backends.sqlite3":
            alias.setdefault("TEST", {})["NAME"] = f"test_newsroom_{os.getpid()}"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Tasks run on the spot, so a test sees their effect at once; the queue itself
    # is proved in tests/newsroom/test_tasks*.py.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    # The page cache is exercised by tests/newsroom/test_pagecache.py; elsewhere every
    # request reaches its view, so query counts and fresh-data checks stay exact.
    settings.PAGE_CACHE_SECONDS = 0
    # The local-memory page cache's version stamp (and any other var/ file) lives
    # per test, so concurrent test runs and dev servers never bump each other.
    settings.VAR_DIR = tmp_path / "var"
    _clear_caches()
    yield
    _clear_caches()


def _clear_caches():
    for alias in caches:
        caches[alias].clear()


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(
        "chief", "chief@example.com", "pw"
    )


@pytest.fixture
def staff_editor(django_user_model):
    """A staff member who may change any story (enough to preview)."""
    return user_with_perms(
        django_user_model, "desk", "articles.change_article", "articles.view_article"
    )
