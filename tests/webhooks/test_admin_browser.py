"""The webhook pages in a real browser (Debian's Chromium), at 1366×900 and on a
phone: a refused URL comes back as a form error with what was typed kept, a saved
webhook shows its secret, and the delivery log fits the screen."""

import os

import pytest

from articles.models import Article
from tests.support.browser import DESKTOP, PHONE, fits, logged_in_page
from tests.support.desk import make_staff
from tests.webhooks.conftest import make_webhook
from webhooks.models import Delivery, Webhook

SHOTS = os.environ.get("WEBHOOK_SCREENSHOTS")  # a folder, to look at the pages


def shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_adding_a_webhook_in_the_browser(
    chromium, live_server, django_user_model, settings
):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    admin = make_staff(django_user_model, "Superuser", "chief")
    page = logged_in_page(chromium, live_server, admin)
    page.goto(f"{live_server.url}/admin/webhooks/webhook/add/")
    page.fill("#id_name", "Push service")
    page.fill("#id_url", "http://169.254.169.254/latest/")
    page.check("input[name=events][value='story.published']")
    with page.expect_navigation():
        page.click("input[name=_save]")
    assert "public addresses only" in page.locator(".errorlist").inner_text()
    assert page.input_value("#id_name") == "Push service"
    shot(page, "webhook-refused-desktop")
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        assert fits(page, size["width"])
    page.set_viewport_size(PHONE)
    shot(page, "webhook-refused-phone")

    settings.WEBHOOKS_ALLOW_PRIVATE = True
    page.fill("#id_url", "http://127.0.0.1:9/hook")
    with page.expect_navigation():
        page.click("input[name=_continue]")
    hook = Webhook.objects.get()
    assert hook.secret in page.content()
    assert fits(page, PHONE["width"])
    shot(page, "webhook-saved-phone")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_delivery_log_fits_a_phone(chromium, live_server, django_user_model):
    admin = make_staff(django_user_model, "Superuser", "chief")
    hook = make_webhook("https://hooks.example.com/newsroom", name="Newsletter tool")
    story = Article.objects.create(headline="Budget day", status="draft")
    for attempt, (code, error) in enumerate(
        [
            (500, "The endpoint answered 500."),
            (None, "Timed out after 5 s."),
            (204, ""),
        ],
        start=1,
    ):
        Delivery.objects.create(
            webhook=hook,
            event="story.published",
            body=f'{{"story": {{"id": {story.pk}}}}}',
            attempt=attempt,
            outcome="delivered" if code == 204 else "failed",
            status_code=code,
            response_ms=120,
            error=error,
        )
    page = logged_in_page(chromium, live_server, admin)
    page.goto(f"{live_server.url}/admin/webhooks/delivery/")
    assert "Timed out after 5 s." in page.content()
    shot(page, "deliveries-desktop")
    page.set_viewport_size(PHONE)
    assert fits(page, PHONE["width"])
    shot(page, "deliveries-phone")
