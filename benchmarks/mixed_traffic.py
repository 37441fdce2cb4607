#!/usr/bin/env python3
"""Mixed traffic: readers across the whole site while the newsroom writes.

    .venv/bin/python benchmarks/mixed_traffic.py            # or: make bench-mixed
    .venv/bin/python benchmarks/mixed_traffic.py --seconds 5 --stories 300
    .venv/bin/python benchmarks/mixed_traffic.py --cache locmem
    .venv/bin/python benchmarks/mixed_traffic.py --database-url postgres://… \\
        --stories 100000 --comments 1000000

Steps: a temporary NEWSROOM_VAR_DIR (SQLite unless --database-url), migrate,
collectstatic, load_demo, ensure_desk_demo (the editor and moderator accounts),
generate_content (5% of its comments are pending). Then twice, without writes and
with writes: empty the cache (the --redis-url database and the counters database
after it are flushed; with --cache locmem gunicorn restarts), start gunicorn (2
workers, production settings, 127.0.0.1), run the readers for --warm-up seconds,
then again for --seconds, measured.

Readers are wrk with a Lua script (written next to the data) drawing each path from
a weighted list: 75% story pages by a Zipf law (s = 1.1, newest story most read)
over every live story, 10% home, 10% section and tag pages, 5% feeds. Its
response() counts `X-Page-Cache: hit` and `miss`, so the hit ratio is reported.

Writers run in a second process (this script with --writer) during the measured
run of the second pass, through the model methods the admin calls: a moderator
approves a pending comment every second (`Comment.approve(by=…)`, on stories drawn
by the same Zipf law: comments follow readers), an editor saves an edit to a live
story every 10 s (`Article.save()` in a revision) and publishes a draft every 60 s
(`Article.apply("publish", …)`); the first edit comes at 2 s, the first publish at
4 s, so even a 5 s run has each kind. The writer process is started, and sets
up, during the warm-up of both passes, so the two warm-ups share the cores alike
and only the writes differ. Results are printed and written to
benchmarks/results/mixed-traffic.md; --by-page adds the hit ratio of each kind of
page, from gunicorn's access log.
"""

import argparse
import bisect
import itertools
import json
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.environment import production_env  # noqa: E402
from benchmarks.run import WORKERS, Gunicorn, log, machine, manage, wrk  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "mixed-traffic.md"
ZIPF_S = 1.1
# What readers ask for: story pages (by the Zipf law), the home page, section and
# tag pages, feeds.
MIX = {"stories": 0.75, "home": 0.10, "lists": 0.10, "feeds": 0.05}
# Writers: (first at, then every) seconds into the measured run.
APPROVE = (0.5, 1.0)
EDIT = (2.0, 10.0)
PUBLISH = (4.0, 60.0)
# --by-page: gunicorn's access log, one "path X-Page-Cache" line a request.
ACCESS = "%(U)s %({x-page-cache}o)s"

READERS_LUA = r"""
-- Readers for benchmarks/mixed_traffic.py. Arguments after "--": the paths file
-- (lines "cumulative-probability<TAB>path", last 1.0) and a seed.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  cumulative, paths = {}, {}
  for line in io.lines(args[1]) do
    local p, path = line:match("^(%S+)\t(.+)$")
    cumulative[#cumulative + 1] = tonumber(p)
    paths[#paths + 1] = path
  end
  math.randomseed(tonumber(args[2]) * 1000 + id)
  hits, misses, other = 0, 0, 0
end

function request()
  local r = math.random()
  local lo, hi = 1, #cumulative
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cumulative[mid] < r then lo = mid + 1 else hi = mid end
  end
  return wrk.format("GET", paths[lo])
end

function response(status, headers, body)
  local state = headers["X-Page-Cache"] or headers["x-page-cache"]
  if state == "hit" then
    hits = hits + 1
  elseif state == "miss" then
    misses = misses + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local h, m, o = 0, 0, 0
  for _, thread in ipairs(threads) do
    h = h + thread:get("hits")
    m = m + thread:get("misses")
    o = o + thread:get("other")
  end
  io.write(string.format("page-cache hits=%d misses=%d other=%d\n", h, m, o))
end
"""


# -- what readers read ----------------------------------------------------------------


def zipf_weights(n: int, s: float = ZIPF_S) -> list[float]:
    """The share of rank 1..n under a Zipf law, summing to 1."""
    raw = [1 / rank**s for rank in range(1, n + 1)]
    total = sum(raw)
    return [w / total for w in raw]


def reader_paths(
    stories: list[str], lists: list[str], feeds: list[str], home: str = "/"
) -> list[tuple[float, str]]:
    """(probability, path) for every path readers ask for, in MIX's shares: the
    stories (most read first) and the lists (sections and tags, most read first)
    by the Zipf law, the feeds evenly."""
    weighted = [(MIX["home"], home)]
    for share, paths, weights in (
        (MIX["stories"], stories, zipf_weights(len(stories))),
        (MIX["lists"], lists, zipf_weights(len(lists))),
        (MIX["feeds"], feeds, [1 / len(feeds)] * len(feeds)),
    ):
        weighted += [(share * w, path) for w, path in zip(weights, paths, strict=True)]
    return weighted


def paths_file_text(weighted: list[tuple[float, str]]) -> str:
    """The Lua script's input: cumulative probability and path, the last at 1."""
    lines, cumulative = [], 0.0
    for share, path in weighted:
        cumulative += share
        lines.append(f"{cumulative:.12f}\t{path}")
    lines[-1] = f"1\t{weighted[-1][1]}"  # no rounding gap at the top
    return "\n".join(lines) + "\n"


def site_paths(top_tags: int = 50) -> tuple[list[int], dict]:
    """The live stories' ids, newest (most read) first, and the reader paths."""
    from django.urls import reverse

    from articles.models import Article, Section

    stories = list(
        Article.objects.published()
        .order_by("-published_at", "-pk")
        .only("pk", "slug", "published_at")
    )
    sections = list(Section.objects.order_by("pk"))
    tags = Article.tags.most_common()[:top_tags]
    paths = {
        "stories": [story.get_absolute_url() for story in stories],
        "lists": [section.get_absolute_url() for section in sections]
        + [reverse("articles:tag", args=[tag.slug]) for tag in tags],
        "feeds": [
            reverse("articles:feed"),
            reverse("articles:feed_atom"),
            reverse("comments:feed"),
        ]
        + [reverse("articles:section_feed", args=[s.slug]) for s in sections],
    }
    return [story.pk for story in stories], paths


# -- what writers write ---------------------------------------------------------------


class ModerationQueue:
    """Pending comments by the reading rank of their story. take(rank) approves
    from the story at that rank, else from the next ranked story that has one
    (wrapping round), as a moderator works through what readers comment on."""

    def __init__(self, ranked_story_ids: list[int], pending: list[tuple[int, int]]):
        rank = {pk: r for r, pk in enumerate(ranked_story_ids)}
        self.by_rank: dict[int, list[int]] = {}
        for article_id, comment_id in pending:  # oldest first
            if article_id in rank:
                self.by_rank.setdefault(rank[article_id], []).append(comment_id)
        for queue in self.by_rank.values():
            queue.reverse()  # pop() gives the oldest
        self.ranks = sorted(self.by_rank)

    def __len__(self) -> int:
        return sum(len(queue) for queue in self.by_rank.values())

    def take(self, rank: int) -> int | None:
        if not self.ranks:
            return None
        at = bisect.bisect_left(self.ranks, rank) % len(self.ranks)
        found = self.ranks[at]
        queue = self.by_rank[found]
        comment_id = queue.pop()
        if not queue:
            del self.by_rank[found]
            self.ranks.pop(at)
        return comment_id


def writer_main(plan_path: Path) -> int:
    """The writer process: set up, say "ready", wait for a line on stdin, write for
    the plan's seconds, print what was done as JSON."""
    import django

    django.setup()
    import reversion
    from django.contrib.auth import get_user_model

    from articles import workflow
    from articles.models import Article
    from comments.models import Comment

    plan = json.loads(plan_path.read_text())
    ranked = plan["stories"]
    users = get_user_model().objects
    editor, moderator = users.get(username="editor"), users.get(username="moderator")
    queue = ModerationQueue(
        ranked,
        list(
            Comment.objects.pending()
            .order_by("created_at", "pk")
            .values_list("article_id", "pk")
        ),
    )
    drafts = list(
        Article.objects.drafts()
        .filter(published_at__isnull=True)  # never published: a new story
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rng = random.Random(plan["seed"])
    cumulative = list(itertools.accumulate(zipf_weights(len(ranked))))

    def zipf_rank() -> int:
        return rng.choices(range(len(ranked)), cum_weights=cumulative)[0]

    def approve():
        comment_id = queue.take(zipf_rank())
        if comment_id is None:
            return False
        return Comment.objects.get(pk=comment_id).approve(by=moderator)

    def edit():
        story = Article.objects.get(pk=ranked[zipf_rank()])
        workflow.require(editor, "change", story)
        with reversion.create_revision():
            story.body += f"<p>Update at {datetime.now(UTC):%H:%M:%S} UTC.</p>"
            story.save()
            reversion.set_user(editor)
            reversion.set_comment("Changed body.")
        return True

    def publish():
        if not drafts:
            return False
        Article.objects.get(pk=drafts.pop(0)).apply("publish", editor)
        return True

    kinds = {"approve": (approve, *APPROVE), "edit": (edit, *EDIT)}
    kinds["publish"] = (publish, *PUBLISH)
    done = {kind: {"done": 0, "skipped": 0, "errors": 0, "ms": []} for kind in kinds}
    due = {kind: first for kind, (_, first, _) in kinds.items()}
    print(f"ready: {len(queue)} pending comments, {len(drafts)} drafts", flush=True)
    writing = sys.stdin.readline().strip() == "write"
    started = time.monotonic()
    while writing:
        kind = min(due, key=due.get)
        if due[kind] >= plan["seconds"]:
            break
        time.sleep(max(0.0, started + due[kind] - time.monotonic()))
        action, _, every = kinds[kind]
        due[kind] += every
        began = time.perf_counter()
        try:
            outcome = "done" if action() else "skipped"
        except Exception as exc:  # noqa: BLE001 - counted and reported
            outcome = "errors"
            print(f"{kind} failed: {exc!r}", file=sys.stderr, flush=True)
        done[kind][outcome] += 1
        done[kind]["ms"].append((time.perf_counter() - began) * 1000)
    for counts in done.values():
        counts["ms"] = statistics.median(counts["ms"]) if counts["ms"] else 0
    print(json.dumps(done), flush=True)
    return 0


# -- one pass of readers ------------------------------------------------------------


def readers(port: int, args, seconds: int, work: Path) -> dict:
    """wrk with the readers' script for `seconds`; figures plus the hit ratio."""
    options = SimpleNamespace(wrk=args.wrk, threads=2, connections=16, duration=seconds)
    result = wrk(
        port,
        "/",
        options,
        script=work / "readers.lua",
        script_args=(str(work / "paths.txt"), str(args.seed)),
    )
    line = next(
        line for line in result["output"].splitlines() if line.startswith("page-cache")
    )
    counts = dict(part.split("=") for part in line.split()[1:])
    result.update({k: int(v) for k, v in counts.items()})
    answered = result["hits"] + result["misses"] + result["other"]
    result["hit_ratio"] = result["hits"] / answered if answered else 0.0
    del result["output"]
    return result


def redis_databases(url: str) -> list[str]:
    """--redis-url's database and the next one (the counters): both are flushed,
    so database 0, anyone's default, is refused."""
    parts = urlsplit(url)
    database = parts.path.strip("/")
    if parts.scheme not in {"redis", "rediss"} or not database.isdigit():
        sys.exit(f"--redis-url {url}: expected redis://host:port/<database number>")
    if int(database) == 0:
        sys.exit("--redis-url: database 0 would be flushed; name another (default 11)")
    return [url, urlunsplit(parts._replace(path=f"/{int(database) + 1}"))]


def flush_cache(args) -> None:
    """Empty the Redis databases the run uses (the cache and the counters)."""
    if args.cache != "redis":
        return
    import redis

    for url in redis_databases(args.redis_url):
        try:
            redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
        except redis.RedisError as exc:
            sys.exit(f"Redis at {url} is unreachable ({exc}); or use --cache locmem")


def one_pass(args, env, work: Path, with_writes: bool) -> tuple[dict, dict | None]:
    """Readers from an empty cache: the warm-up, then the measured run, with the
    writer process (started and set up during the warm-up) writing meanwhile."""
    flush_cache(args)
    access_log = work / f"access-{int(with_writes)}.log"
    logging = ["--access-logfile", str(access_log), "--access-logformat", ACCESS]
    server = Gunicorn(
        "newsroom.wsgi",
        env,
        work / "gunicorn.log",
        extra_args=logging if args.by_page else (),
    )
    writer = None
    try:
        # Started in both passes, so both warm-ups share the cores with its setup
        # alike: only the writes differ. Without writes it waits out the run.
        writer = subprocess.Popen(
            [sys.executable, __file__, "--writer", str(work / "plan.json")],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        readers(server.port, args, args.warm_up, work)
        ready = writer.stdout.readline().strip()
        if not ready.startswith("ready"):
            raise RuntimeError("the writer process did not start")
        log(f"writer {ready}")
        writer.stdin.write("write\n" if with_writes else "wait\n")
        writer.stdin.flush()
        logged_before = access_log.stat().st_size if args.by_page else 0
        result = readers(server.port, args, args.seconds, work)
        if args.by_page:
            with access_log.open() as lines:
                lines.seek(logged_before)
                result["by_page"] = cache_by_kind(lines, args.kind_of)
        out, _ = writer.communicate(timeout=60)
        writes = json.loads(out.strip().splitlines()[-1]) if with_writes else None
        return result, writes
    finally:
        if writer and writer.poll() is None:
            writer.kill()
            writer.wait()
        server.stop()


def cache_by_kind(lines, kind_of: dict[str, str]) -> dict[str, list[int]]:
    """kind of page -> [hits, responses], from access-log lines "path state"."""
    counts = {}
    for line in lines:
        path, _, state = line.rstrip("\n").rpartition(" ")
        tally = counts.setdefault(kind_of.get(path, "other"), [0, 0])
        tally[0] += state == "hit"
        tally[1] += 1
    return counts


# -- report -------------------------------------------------------------------------


def report(args, data: str, without: dict, with_: dict, writes: dict) -> str:
    import django
    from django.db import connection

    cache = f"Redis ({args.redis_url})" if args.cache == "redis" else "local memory"
    lines = [
        "# Mixed traffic: readers while the newsroom writes",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {machine()}",
        f"- Python {platform.python_version()}, Django {django.get_version()}, gunicorn "
        f"{WORKERS} sync workers, production settings, database {connection.vendor} "
        f"({'DATABASE_URL' if args.database_url else 'temporary file'}), cache {cache}",
        f"- Data: {data}",
        f"- Command: `{' '.join(['benchmarks/mixed_traffic.py', *sys.argv[1:]])}`",
        f"- Readers: wrk -t2 -c16, {args.seconds} s measured after a {args.warm_up} s "
        "warm-up of the same script, from an empty cache each time; paths: "
        f"{MIX['stories']:.0%} story pages by a Zipf law (s = {ZIPF_S}, newest most "
        f"read) over every live story, {MIX['home']:.0%} home, {MIX['lists']:.0%} "
        f"section and tag pages, {MIX['feeds']:.0%} feeds. Hit ratio = responses "
        "saying `X-Page-Cache: hit` / all responses.",
        f"- Writers (second run, a separate process): a comment approved every "
        f"{APPROVE[1]:.0f} s, a live story edited every {EDIT[1]:.0f} s, a draft "
        f"published every {PUBLISH[1]:.0f} s (first at {EDIT[0]:.0f} s / "
        f"{PUBLISH[0]:.0f} s).",
        f"- Load average (1 min) at start / end: {args.load_start:.1f} / "
        f"{os.getloadavg()[0]:.1f} (above ~0.5, other work shared the cores)",
        "",
        "| Readers | req/s | hit ratio | p50 ms | p99 ms | hits / misses / other "
        "| non-2xx/3xx |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, r in (("without writes", without), ("with writes", with_)):
        lines.append(
            f"| {name} | {r['rps']:,.0f} | {r['hit_ratio']:.2f} | {r['p50']:.1f} | "
            f"{r['p99']:.1f} | {r['hits']:,} / {r['misses']:,} / {r['other']:,} | "
            f"{r['non2xx']} |"
        )
    rps_ratio = with_["rps"] / without["rps"] if without["rps"] else 0
    hit_ratio = with_["hit_ratio"] / without["hit_ratio"] if without["hit_ratio"] else 0
    lines.append(
        f"| with / without | {rps_ratio:.0%} | {hit_ratio:.0%} | "
        f"{with_['p50'] / without['p50']:.1f}× | {with_['p99'] / without['p99']:.1f}× "
        "| | |"
    )
    if "by_page" in without:
        lines += [
            "",
            "| Page kind (gunicorn access log) | requests without / with writes "
            "| hit ratio without | with |",
            "| --- | ---: | ---: | ---: |",
        ]
        for kind in ("stories", "home", "lists", "feeds", "other"):
            a, b = without["by_page"].get(kind), with_["by_page"].get(kind)
            if a or b:
                a, b = a or [0, 0], b or [0, 0]
                lines.append(
                    f"| {kind} | {a[1]:,} / {b[1]:,} | {a[0] / max(a[1], 1):.2f} | "
                    f"{b[0] / max(b[1], 1):.2f} |"
                )
    lines += [
        "",
        "| Writes during the second run | done | skipped | errors | median ms |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for kind, label in (
        ("approve", "comment approvals (`Comment.approve`)"),
        ("edit", "story edits (`Article.save`)"),
        ("publish", "publications (`Article.apply('publish')`)"),
    ):
        w = writes[kind]
        lines.append(
            f"| {label} | {w['done']} | {w['skipped']} | {w['errors']} | {w['ms']:.1f} |"
        )
    lines += [
        "",
        "| Target (issue 17) | Goal | Measured |",
        "| --- | --- | --- |",
        f"| Throughput with writes | ≥ 90% of without | {rps_ratio:.0%} |",
        f"| Hit ratio with writes | ≥ 90% of without | {hit_ratio:.0%} "
        f"({with_['hit_ratio']:.2f} / {without['hit_ratio']:.2f}) |",
    ]
    errors = [
        f"{name}: {r['socket_errors']}"
        for name, r in (("without writes", without), ("with writes", with_))
        if r["socket_errors"]
    ]
    if errors:
        lines += ["", "Socket errors: " + "; ".join(errors)]
    return "\n".join(lines) + "\n"


# -- main ---------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=2000)
    parser.add_argument("--comments", type=int, default=20000)
    parser.add_argument("--seconds", type=int, default=20, help="each measured run")
    parser.add_argument("--warm-up", type=int, default=10, help="before each run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--cache", choices=["redis", "locmem"], default="redis")
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/11",
        help="flushed before each pass, with the next database (the counters); never 0",
    )
    parser.add_argument(
        "--no-generate",
        action="store_true",
        help="use the data already in --database-url (the writes change it)",
    )
    parser.add_argument(
        "--by-page",
        action="store_true",
        help="also the hit ratio of each kind of page (stories, home, lists, feeds), "
        "from gunicorn's access log (which costs the readers some throughput)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp directory")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--wrk", default=shutil.which("wrk") or "/usr/bin/wrk")
    parser.add_argument("--writer", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args()


def prepare(args, env) -> None:
    """Build the site: schema, static files, demo, desk accounts, generated data."""
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "load_demo", "-v0")
    manage(env, "ensure_desk_demo", "-v0")
    if not args.no_generate:
        manage(
            env,
            "generate_content",
            f"--stories={args.stories}",
            f"--comments={args.comments}",
            f"--seed={args.seed}",
        )


def main() -> int:
    args = parse_args()
    if args.writer:
        return writer_main(args.writer)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(130))
    args.load_start = os.getloadavg()[0]
    if not Path(args.wrk).exists():
        sys.exit("wrk is missing: apt-get install wrk")
    flush_cache(args)  # fails now, not after the set-up, if Redis is down
    work = Path(tempfile.mkdtemp(prefix="newsroom-mixed-"))
    env = production_env(work, DJANGO_ALLOWED_HOSTS="127.0.0.1", PYTHONPATH=str(ROOT))
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    if args.cache == "redis":
        env["REDIS_URL"], env["REDIS_COUNTERS_URL"] = redis_databases(args.redis_url)
    try:
        log(f"preparing {work}")
        began = time.monotonic()
        prepare(args, env)
        os.environ.clear()
        os.environ.update(env)
        import django

        django.setup()
        from django.db import connection

        from articles.models import Article
        from comments.models import Comment

        ranked, paths = site_paths()
        weighted = reader_paths(paths["stories"], paths["lists"], paths["feeds"])
        args.kind_of = {"/": "home"} | {
            path: kind for kind in ("stories", "lists", "feeds") for path in paths[kind]
        }
        (work / "paths.txt").write_text(paths_file_text(weighted))
        (work / "readers.lua").write_text(READERS_LUA)
        plan = {"stories": ranked, "seconds": args.seconds, "seed": args.seed}
        (work / "plan.json").write_text(json.dumps(plan))
        data = (
            f"{Article.objects.count():,} stories ({len(ranked):,} live), "
            f"{Comment.objects.count():,} comments "
            f"({Comment.objects.pending().count():,} pending); "
            f"{len(weighted):,} reader paths; set up in {time.monotonic() - began:.0f} s"
        )
        connection.close()
        log(f"data: {data}")

        without, _ = one_pass(args, env, work, with_writes=False)
        log(f"without writes: {without}")
        with_, writes = one_pass(args, env, work, with_writes=True)
        log(f"with writes: {with_}; writes: {writes}")
        table = report(args, data, without, with_, writes)
        print(table)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(table)
        log(f"written to {args.output}")
        return 0
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
