"""Debian's Chromium through Playwright, for the tests that need a real browser."""

import os
import shutil

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def chromium(monkeypatch, transactional_db):
    """The browser, closed before the test database is flushed (it depends on
    transactional_db, so it is torn down first): a page left open must not send a
    presence heartbeat or an autosave to the live server, which shares the
    in-memory SQLite connection, while the flush runs."""
    executable = shutil.which("chromium")
    if executable is None:
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must run the browser tests.")
        pytest.skip(f"{message}; skipping the real-browser test.")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # test makes around it are still plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
