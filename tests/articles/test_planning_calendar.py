"""The planning calendar: the desk's stories by day, for a week or a month, each
linking to its story, for the stories each role may see."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.support.desk import make_staff
from tests.support.factories import (
    make_article,
    make_author,
    make_draft,
    make_section,
)

pytestmark = pytest.mark.django_db

CALENDAR = reverse("admin:articles_article_calendar")
# A Wednesday; its week runs Monday 7 to Sunday 13 December 2026.
NOW = datetime(2026, 12, 9, 10, 0)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(timezone.make_aware(NOW), tick=False):
        yield


def at(day, hour=9):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def day_cell(html: str, day: date) -> str:
    """The calendar's cell for one day (up to the next day's)."""
    start = html.index(f'<time datetime="{day:%Y-%m-%d}">')
    end = html.find('<time datetime="', start + 1)
    return html[start : end if end != -1 else len(html)]


def change_link(story) -> str:
    return reverse("admin:articles_article_change", args=[story.pk])


@pytest.fixture
def editor(django_user_model):
    return make_staff(django_user_model, "Editor")


def test_a_scheduled_story_is_on_its_day_and_links_to_it(client, editor):
    story = make_article(headline="Budget day", published_at=at(date(2026, 12, 11), 14))
    client.force_login(editor)
    page = client.get(CALENDAR).text
    cell = day_cell(page, date(2026, 12, 11))
    assert f'<a href="{change_link(story)}">Budget day</a>' in cell
    assert "Scheduled 14:00" in cell
    assert "Budget day" not in day_cell(page, date(2026, 12, 10))


def test_published_in_review_and_planned_drafts_are_on_their_days(client, editor):
    make_article(headline="Out already", published_at=at(date(2026, 12, 8)))
    make_draft(headline="Planned draft", planned_for=date(2026, 12, 12))
    make_article(
        headline="Waiting for an editor",
        status=Article.Status.REVIEW,
        published_at=None,
        planned_for=date(2026, 12, 13),
    )
    make_draft(headline="No plan yet")
    client.force_login(editor)
    page = client.get(CALENDAR).text
    assert "Published 09:00" in day_cell(page, date(2026, 12, 8))
    assert "Planned draft" in day_cell(page, date(2026, 12, 12))
    assert "Waiting for an editor" in day_cell(page, date(2026, 12, 13))
    assert "In review" in day_cell(page, date(2026, 12, 13))
    assert "No plan yet" not in page


def test_the_month_view_shows_the_whole_month_and_moves_by_months(client, editor):
    make_draft(headline="End of month", planned_for=date(2026, 12, 30))
    make_draft(headline="Next week only", planned_for=date(2026, 12, 16))
    client.force_login(editor)
    week = client.get(CALENDAR).text
    assert "End of month" not in week and "Next week only" not in week
    month = client.get(CALENDAR, {"view": "month"}).text
    assert "December 2026" in month
    assert "End of month" in day_cell(month, date(2026, 12, 30))
    assert "view=month&amp;day=2027-01-01" in month  # Next month
    assert "view=month&amp;day=2026-11-01" in month  # Previous month


def test_another_week_is_shown_by_its_day(client, editor):
    make_draft(headline="Spring story", planned_for=date(2027, 3, 3))
    client.force_login(editor)
    page = client.get(CALENDAR, {"day": "2027-03-05"}).text
    assert "Week of 1 March 2027" in page
    assert "Spring story" in day_cell(page, date(2027, 3, 3))


@pytest.mark.parametrize(
    "query",
    [
        {"day": "not-a-date"},
        {"day": "0001-01-01", "view": "month"},
        {"day": "9999-12-31", "view": "month"},
        {"section": "x\x00"},
        {"author": "99999999999999999999"},
        {"view": "decade"},
    ],
)
def test_bad_addresses_show_a_calendar_not_an_error(client, editor, query):
    client.force_login(editor)
    assert client.get(CALENDAR, query).status_code == 200


def test_stories_can_be_filtered_by_section_and_byline(client, editor):
    sport, politics = make_section(name="Sport"), make_section(name="Politics")
    ann = make_author(name="Ann Reporter")
    day = date(2026, 12, 10)
    make_draft(headline="Match report", planned_for=day, section=sport)
    make_draft(headline="Vote count", planned_for=day, section=politics, authors=[ann])
    client.force_login(editor)
    by_section = client.get(CALENDAR, {"section": sport.pk}).text
    assert "Match report" in by_section and "Vote count" not in by_section
    by_author = client.get(CALENDAR, {"author": ann.pk}).text
    assert "Vote count" in by_author and "Match report" not in by_author
    assert "Ann Reporter" in day_cell(by_author, day)


@pytest.mark.parametrize(
    ("role", "status", "sees_others"),
    [
        ("Contributor", 200, False),
        ("Author", 200, False),
        ("Editor", 200, True),
        ("Superuser", 200, True),
        ("No role", 403, False),
    ],
)
def test_each_role_sees_the_stories_it_may_see_on_the_desk(
    client, django_user_model, role, status, sees_others
):
    user = make_staff(django_user_model, role)
    day = date(2026, 12, 10)
    make_draft(headline="My own plan", planned_for=day, created_by=user)
    make_draft(headline="Someone else's plan", planned_for=day)
    client.force_login(user)
    response = client.get(CALENDAR)
    assert response.status_code == status
    if status == 200:
        assert "My own plan" in response.text
        assert ("Someone else&#x27;s plan" in response.text) is sees_others


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(CALENDAR)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_story_list_links_to_the_calendar(client, editor):
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_changelist")).text
    assert f'href="{CALENDAR}"' in page


def test_the_month_runs_a_fixed_number_of_queries(
    client, editor, django_assert_max_num_queries
):
    def month_with(n):
        for i in range(n):
            make_draft(
                planned_for=date(2026, 12, 1) + timedelta(days=i % 28),
                authors=[make_author(), make_author()],
                section=make_section(),
            )
        client.get(CALENDAR, {"view": "month"})  # warm the session and permissions

    # Session, user, the role's permissions, the stories, their bylines, the
    # section and byline menus (7), and with Redis now and then the page cache's
    # once-a-second check: the same with 2 stories or 32.
    client.force_login(editor)
    month_with(2)
    with django_assert_max_num_queries(8):
        client.get(CALENDAR, {"view": "month"})
    month_with(30)
    with django_assert_max_num_queries(8):
        page = client.get(CALENDAR, {"view": "month"}).text
    assert page.count("desk-calendar__story--draft") == 32 + 1  # and the legend
