"""The history's rich diff in a real browser (Debian's Chromium): a changed link and
emphasis are visible at 1366×900, and the diff fits a phone's width."""

import os
from pathlib import Path

import pytest
import reversion

from articles import revisions
from tests.support.browser import PHONE, expect, logged_in_page
from tests.support.desk import make_staff
from tests.support.factories import make_draft

SCREENSHOTS = os.environ.get("DESK_SCREENSHOTS")


def save_version(story, user, **fields):
    for name, value in fields.items():
        setattr(story, name, value)
    with reversion.create_revision():
        story.save()
        reversion.set_user(user)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_compare_page_shows_link_and_emphasis_changes(
    chromium, live_server, django_user_model
):
    editor = make_staff(django_user_model, "Superuser", "deskeditor")
    story = make_draft(headline="Harbour bridge vote")
    save_version(
        story,
        editor,
        body='<p>The council <a href="https://council.example/minutes-2023">voted</a>'
        " on <em>Monday</em> after a long debate.</p><p>Reactions</p>"
        "<p>Residents welcomed the decision.</p>",
    )
    save_version(
        story,
        editor,
        body='<p>The council <a href="https://council.example/minutes-2024">voted</a>'
        " on Monday after a <strong>ten-year</strong> debate.</p><h2>Reactions</h2>"
        "<p>Residents welcomed the decision.</p>",
    )
    new, old = list(revisions.versions_of(story)[:2])
    page = logged_in_page(chromium, live_server, editor)
    page.goto(
        f"{live_server.url}/admin/articles/article/{story.pk}/history/compare/"
        f"?from={old.pk}&to={new.pk}"
    )
    body = page.locator(".desk-rich")
    expect(body).to_contain_text(
        "link changed: https://council.example/minutes-2023 → "
        "https://council.example/minutes-2024"
    )
    expect(body).to_contain_text("(no longer italic)")
    expect(body).to_contain_text("was paragraph, now heading 2")
    assert body.locator("ins strong").inner_text() == "ten-year"
    # Highlighted, not only told: the restyled words have a background.
    restyled = body.locator("mark.desk-rich__restyled").first
    background = restyled.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SCREENSHOTS}/compare-1366.png")
    page.set_viewport_size(PHONE)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/compare-390.png", full_page=True)
