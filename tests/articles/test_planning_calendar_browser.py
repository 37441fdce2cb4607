"""The planning calendar in a real browser: seven columns at 1366×900, a list of
the days with stories on a phone (390×844)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.support.browser import PHONE, expect, logged_in_page
from tests.support.desk import make_staff
from tests.support.factories import make_article, make_draft


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_scheduled_story_is_on_its_day_at_desk_width_and_on_a_phone(
    chromium, live_server, django_user_model
):
    editor = make_staff(django_user_model, "Superuser", "planner")
    when = timezone.localtime() + timedelta(days=2)
    story = make_article(headline="Harbour bridge opens", published_at=when)
    make_draft(headline="Council budget preview", planned_for=when.date())
    make_article(headline="Yesterday's news", published_at=when - timedelta(days=3))
    page = logged_in_page(chromium, live_server, editor)
    page.goto(f"{live_server.url}/admin/articles/article/")
    page.get_by_role("link", name="Planning calendar").click()
    page.get_by_role("link", name="Month", exact=True).click()

    day = page.locator(".desk-calendar__day").filter(
        has=page.locator(f'time[datetime="{when:%Y-%m-%d}"]')
    )
    expect(day.get_by_role("link", name="Harbour bridge opens")).to_be_visible()
    expect(day).to_contain_text(f"Scheduled {when:%H:%M}")
    expect(day).to_contain_text("Council budget preview")
    # Seven columns side by side: the day after is to the right (or next row).
    cells = page.locator(".desk-calendar__day")
    first, second = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
    assert second["x"] > first["x"] and second["y"] == first["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.screenshot(path="/tmp/planning-calendar-1366.png")

    page.set_viewport_size(PHONE)
    expect(day.get_by_role("link", name="Harbour bridge opens")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path="/tmp/planning-calendar-390.png", full_page=True)

    day.get_by_role("link", name="Harbour bridge opens").click()
    expect(page.locator("#id_headline")).to_have_value("Harbour bridge opens")
    assert f"/admin/articles/article/{story.pk}/change/" in page.url
