"""Small rules several models share."""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.text import slugify


def unique_slug(text: str, max_length: int = 200) -> str:
    """A URL slug for any headline: non-Latin text keeps its letters, never empty."""
    slug = slugify(text, allow_unicode=True)[:max_length].strip("-")
    return slug or "story"


def local_day_bounds(day) -> tuple[datetime, datetime]:
    """The [start, end) instants of a calendar day in the site time zone."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
