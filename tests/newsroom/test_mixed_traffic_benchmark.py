"""The mixed-traffic benchmark's readers reach every live story, and its moderator
approves what readers read (benchmarks/mixed_traffic.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from benchmarks.mixed_traffic import (
    MIX,
    ZIPF_S,
    ModerationQueue,
    cache_by_kind,
    paths_file_text,
    reader_paths,
    redis_databases,
    site_paths,
)
from tests.support.factories import make_article, make_draft, make_section

STORIES = [f"/2026/01/01/story-{n}/" for n in range(2000)]
LISTS = [f"/section/s{n}/" for n in range(8)] + [f"/tag/t{n}/" for n in range(50)]
FEEDS = ["/feed/", "/feed/atom/", "/comments/feed/"]


def test_readers_reach_every_story_newest_most_and_the_mix_keeps_its_shares():
    weighted = reader_paths(STORIES, LISTS, FEEDS)
    share = {path: p for p, path in weighted}
    assert len(share) == 1 + len(STORIES) + len(LISTS) + len(FEEDS)
    assert all(share[path] > 0 for path in STORIES)
    stories = [share[path] for path in STORIES]
    assert stories == sorted(stories, reverse=True)
    assert stories[0] / stories[1] == pytest.approx(2**ZIPF_S)
    assert sum(stories) == pytest.approx(MIX["stories"])
    assert share["/"] == pytest.approx(MIX["home"])
    assert sum(share[path] for path in LISTS) == pytest.approx(MIX["lists"])
    assert sum(share[path] for path in FEEDS) == pytest.approx(MIX["feeds"])


def test_the_paths_file_is_the_same_every_run_and_climbs_to_one():
    text = paths_file_text(reader_paths(STORIES, LISTS, FEEDS))
    assert text == paths_file_text(reader_paths(STORIES, LISTS, FEEDS))
    rows = [line.split("\t") for line in text.splitlines()]
    cumulative = [float(p) for p, _ in rows]
    assert cumulative == sorted(cumulative) and cumulative[-1] == 1
    assert {path for _, path in rows} >= set(STORIES)


def test_the_moderator_approves_on_the_story_readers_chose_else_the_next_one():
    ranked = [30, 10, 20]  # story ids, most read first
    queue = ModerationQueue(ranked, [(20, 1), (10, 2), (10, 3), (99, 4)])
    assert len(queue) == 3  # comment 4's story is not live
    assert queue.take(1) == 2  # story 10's oldest pending comment
    assert queue.take(0) == 3  # story 30 has none: the next ranked story
    assert queue.take(1) == 1  # story 10 is done: then 20
    assert queue.take(0) is None


def test_by_page_counts_each_kind_of_page_hits_from_the_access_log():
    kind_of = {"/": "home", STORIES[0]: "stories", STORIES[1]: "stories"}
    log = [f"{STORIES[0]} hit\n", f"{STORIES[1]} miss\n", "/ hit\n", "/ -\n"]
    log.append("/static/css/site.css -\n")
    assert cache_by_kind(log, kind_of) == {
        "stories": [1, 2],
        "home": [1, 2],
        "other": [0, 1],
    }


def test_the_benchmark_flushes_its_own_redis_databases_never_database_0():
    assert redis_databases("redis://127.0.0.1:6379/11") == [
        "redis://127.0.0.1:6379/11",
        "redis://127.0.0.1:6379/12",  # the counters
    ]
    for url in ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379"):
        with pytest.raises(SystemExit):
            redis_databases(url)


@pytest.mark.django_db
def test_readers_are_sent_to_live_stories_only_and_every_path_answers(client):
    section = make_section()
    older = make_article(section=section, tags=["harbour"])
    newer = make_article(section=section, published_at=timezone.now())
    draft = make_draft(section=section)
    scheduled = make_article(published_at=timezone.now() + timedelta(days=1))
    ranked, paths = site_paths()
    assert ranked == [newer.pk, older.pk]
    assert draft.pk not in ranked and scheduled.pk not in ranked
    for path in ["/", *paths["stories"], *paths["lists"], *paths["feeds"]]:
        assert client.get(path).status_code == 200, path
