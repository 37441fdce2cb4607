"""Debian's Chromium through Playwright, for the tests that need a real browser:
the browser, the two screen sizes they try, a page logged in to the admin, and
Playwright's expect()."""

import os
import shutil

import pytest

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
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


def expect(locator):
    # Imported here, as chromium() does: collecting the suite must not need
    # Playwright. (Waits go through expect(): the admin's CSP forbids the eval
    # that Playwright's wait_for_function needs.)
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def log_in(page, live_server, username, password="pw", next_url="/admin/"):
    """Log in through the admin's login form, which then opens next_url."""
    page.goto(f"{live_server.url}/admin/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("input[type=submit]")


def logged_in_page(chromium, live_server, user, **context):
    """A page in a new browser context (desktop-sized unless context says
    otherwise), logged in to the admin as user (password "pw")."""
    page = chromium.new_context(**({"viewport": DESKTOP} | context)).new_page()
    page.set_default_timeout(15000)
    log_in(page, live_server, user.get_username())
    return page


def fits(page, width) -> bool:
    """Nothing sticks out sideways: no horizontal scrolling."""
    return page.evaluate("document.documentElement.scrollWidth") <= width
