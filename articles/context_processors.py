from django.conf import settings

from articles.models import Section
from newsroom.cachetags import SITE
from newsroom.pagecache import remember


def _nav_sections():
    # A section written bumps SITE (articles/apps.py).
    return remember("nav-sections", lambda: list(Section.objects.all()), tags=[SITE])


def site(request):
    """Site name and the navigation sections, for every page."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "SITE_LANGUAGE": settings.SITE_LANGUAGE,
        # Evaluated only by templates that show it; cached until content changes.
        "nav_sections": _nav_sections,
    }
