"""The planning calendar: the desk's stories, day by day, for a week or a month
(articles/planning_admin.py shows it). Which stories fall in a period is
ArticleQuerySet.on_the_calendar(); who sees which stories is for_desk()'s.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format

from articles.models import Article, Byline

WEEK, MONTH = "week", "month"


@dataclass
class Entry:
    article: Article
    kind: str  # scheduled, published, review, draft: a CSS class and a legend
    label: str


@dataclass
class Day:
    day: date
    in_period: bool
    is_today: bool
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Period:
    view: str
    anchor: date
    first: date  # the first day shown (a Monday)
    after_last: date  # the day after the last one shown (a Monday)
    title: str
    previous: date  # a day in the period before, and in the one after
    next: date


def parse_day(value: str | None, today: date) -> date:
    """The ?day= of the address (YYYY-MM-DD); anything else, or a year so far off
    that a month's weeks would leave the calendar, is today."""
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        return today
    return day if 1 < day.year < 9999 else today


def period(view: str, anchor: date) -> Period:
    """The Monday-to-Sunday week of `anchor`, or the whole weeks covering its
    month (anchor from parse_day(), so no step leaves the years 1 to 9999)."""
    if view == MONTH:
        start = anchor.replace(day=1)
        end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
        first = start - timedelta(days=start.weekday())
        after_last = end + timedelta(days=7 - end.weekday())
        title = date_format(start, "F Y")
        previous = (start - timedelta(days=1)).replace(day=1)
        following = end + timedelta(days=1)
    else:
        first = anchor - timedelta(days=anchor.weekday())
        after_last = first + timedelta(days=7)
        title = f"Week of {date_format(first, 'j F Y')}"
        previous, following = first - timedelta(days=7), after_last
    return Period(view, anchor, first, after_last, title, previous, following)


def entry_for(article: Article, now) -> tuple[date, Entry]:
    """Where the calendar puts a story, and how it says what state it is in."""
    if article.status == Article.Status.PUBLISHED:
        when = timezone.localtime(article.published_at)
        clock = date_format(when, "H:i")
        if article.is_scheduled(now):
            return when.date(), Entry(article, "scheduled", f"Scheduled {clock}")
        return when.date(), Entry(article, "published", f"Published {clock}")
    kind = "review" if article.status == Article.Status.REVIEW else "draft"
    return article.planned_for, Entry(article, kind, article.get_status_display())


def stories(user, shown: Period, *, section=None, author=None):
    """The stories of the period the user may see on the desk, optionally of one
    section or byline: one query, and one for their bylines."""
    queryset = (
        Article.objects.for_desk(user)
        .on_the_calendar(shown.first, shown.after_last)
        .select_related("section")
        .prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("author"))
        )
        .defer("body")
        .order_by("published_at", "headline", "pk")
    )
    if section is not None:
        queryset = queryset.filter(section_id=section)
    if author is not None:
        queryset = queryset.bylined(author_id=author)
    return queryset


def days(shown: Period, articles, now=None) -> list[Day]:
    """Every day shown, each with its stories (published ones by time first)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    month = (shown.anchor.year, shown.anchor.month)
    grid = {}
    day = shown.first
    while day < shown.after_last:
        in_period = shown.view != MONTH or (day.year, day.month) == month
        grid[day] = Day(day, in_period, day == today)
        day += timedelta(days=1)
    for article in articles:
        on, entry = entry_for(article, now)
        if on in grid:
            grid[on].entries.append(entry)
    return list(grid.values())


def positive_int(value: str | None) -> int | None:
    """A filter's id from the address, or None for anything else."""
    value = value or ""
    return (
        int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None
    )
