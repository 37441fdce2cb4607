"""At newsroom size, PostgreSQL answers public pages from indexes, not table scans.

The data (NEWSROOM_PLAN_STORIES stories, default 12,000, and twice as many comments)
is inserted by generate_content, then VACUUM ANALYZE gives the planner real
statistics, as autovacuum does in production. No planner switches are touched: a
"Seq Scan" on a big table in any page's plan fails the test. SQLite has no
cost-based plans worth pinning, so the module is skipped there.
`benchmarks/run.py --explain` runs the same check at 100,000 stories.
"""

import os

import pytest
from django.core.management import call_command
from django.db import connection

from benchmarks.plans import KNOWN_SCANS, public_pages, seq_scans, unexpected_scans

STORIES = int(os.environ.get("NEWSROOM_PLAN_STORIES", 12000))


@pytest.fixture(autouse=True)
def own_version_stamp(settings, tmp_path):
    settings.VAR_DIR = tmp_path  # no other process on this machine bumps it


@pytest.fixture(scope="module")
def big_site(django_db_setup, django_db_blocker):
    if connection.vendor != "postgresql":
        pytest.skip("query plans are checked on PostgreSQL only (SQLite: skipped)")
    with django_db_blocker.unblock():
        call_command(
            "generate_content",
            stories=STORIES,
            comments=STORIES * 2,
            seed=5,
            verbosity=0,
        )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        pages = public_pages()
        yield pages
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE articles_article, articles_author, articles_section, "
                "taggit_tag, taggit_taggeditem RESTART IDENTITY CASCADE"
            )


@pytest.mark.django_db
def test_public_pages_use_indexes_at_newsroom_size(big_site):
    scans = unexpected_scans(big_site)
    assert not scans, "\n".join(f"{page}: {found}" for page, found in scans.items())


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(KNOWN_SCANS))
def test_known_full_table_pages_still_scan(big_site, name):
    """Reported to their owners; when one is fixed, this fails: move it above."""
    if name not in big_site:
        pytest.skip(f"{name} does not exist")
    assert seq_scans(big_site[name]), (
        f"{name} no longer scans: drop it from KNOWN_SCANS"
    )
