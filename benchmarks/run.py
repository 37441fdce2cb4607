#!/usr/bin/env python3
"""Benchmark Newsroom under gunicorn with production settings, in one command.

    .venv/bin/python benchmarks/run.py            # or: make bench
    .venv/bin/python benchmarks/run.py --stories 100000 --comments 1000000 \\
        --database-url postgres://postgres@127.0.0.1:5432/bench

Steps: a temporary NEWSROOM_VAR_DIR (SQLite database unless --database-url, collected
static files), migrate, load_demo, generate_content, then for the page cache off
(PAGE_CACHE_SECONDS=0) and on: start gunicorn (2 workers, DJANGO_DEBUG=0, 127.0.0.1
only), time single requests, run wrk against each page, and run the comment-posting
load (concurrent readers posting while an editor publishes). In the same run it
measures the ceilings: a trivial Django app returning the article page's bytes from
memory (benchmarks/trivial.py) and a static file served by WhiteNoise. SQL queries per
page are counted in-process with CaptureQueriesContext. The table is printed and
written to benchmarks/results/latest.md.
"""

import argparse
import http.client
import itertools
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.environment import production_env  # noqa: E402

BIN = Path(sys.executable).parent
RESULTS = ROOT / "benchmarks" / "results" / "latest.md"
WORKERS = 2

# WordPress 6.1 / PHP 8.2 opcache / MariaDB / nginx on the same kind of 2-core
# machine, 2,000 posts, 200 tags, 20,000 comments (from issue 6).
WORDPRESS = {"rps": 35, "queries": 39, "single_ms": 40}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- processes ---------------------------------------------------------------------


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """A gunicorn master we started (and stop, by its pid)."""

    def __init__(self, app: str, env: dict, log_path: Path, extra_args=()):
        self.port = free_port()
        self.log_file = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                app,
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(WORKERS),
                "--chdir",
                str(ROOT),
                "--log-level",
                "warning",
                *extra_args,
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log_file,
            stderr=self.log_file,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                status, _, _ = request(self.port, "GET", "/")
                if status < 500:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn {app} did not start; see {log_path}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()


def request(port, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


# -- measurements ------------------------------------------------------------------


def single_request_ms(port: int, path: str, n: int) -> tuple[float, float]:
    """Median and p95 of n sequential requests, each on a new connection."""
    timings = []
    for _ in range(n):
        started = time.perf_counter()
        status, _, _ = request(port, "GET", path)
        timings.append((time.perf_counter() - started) * 1000)
        if status >= 500:
            raise RuntimeError(f"{path} answered {status}")
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def _duration_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(port: int, path: str, args, script=None, script_args=()) -> dict:
    """wrk against one path, or with a Lua `script` choosing the paths (its own
    arguments after `--`); the figures parsed, wrk's whole output as "output"."""
    out = subprocess.run(
        [
            args.wrk,
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{args.duration}s",
            "--timeout",
            "10s",
            "--latency",
            *(["--script", str(script)] if script else []),
            f"http://127.0.0.1:{port}{path}",
            *(["--", *script_args] if script_args else []),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _duration_ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = _duration_ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "non2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
        "output": out,
    }


def count_queries(paths: dict) -> dict:
    """SQL queries per page, uncached, after one warm-up request (in-process)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_SECONDS = 0
    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for name, path in paths.items():
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            status = client.get(path).status_code
        counts[name] = len(captured.captured_queries) if status < 400 else None
    return counts


def pages_to_measure() -> tuple[dict, dict]:
    """The seed article, home, a tag, a section, search and the RSS feed (if routed)."""
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.urls import NoReverseMatch, reverse

    from articles.models import Article

    seed = (
        Article.objects.published()
        .filter(slug__startswith="vladimir-putin-congratul")
        .first()
        or Article.objects.published().order_by("-comment_count").first()
    )
    tag = seed.tags.order_by("name").first()
    busiest = Article.objects.published().order_by("-comment_count", "pk").first()
    pages = {
        "article": seed.get_absolute_url(),
        f"busiest article ({busiest.comment_count} comments)": busiest.get_absolute_url(),
        "home": "/",
        "tag": reverse("articles:tag", args=[tag.slug]),
        "section": seed.section.get_absolute_url()
        if seed.section
        else "/section/politics/",
    }
    for name, route, query in (
        ("search", "articles:search", "?q=putin"),
        ("rss", "articles:feed", ""),
    ):
        try:
            pages[name] = reverse(route) + query
        except NoReverseMatch:
            log(f"no {route} route: {name} not measured")
    extras = {"static": staticfiles_storage.url("css/site.css"), "seed": seed}
    return pages, extras


# -- comment posting under load -----------------------------------------------------


def comment_load(port: int, args, run_tag: str) -> dict | None:
    """Readers post comments from distinct addresses while an editor publishes."""
    from django.apps import apps
    from django.urls import NoReverseMatch, reverse

    if not apps.is_installed("comments"):
        log("comments app not installed: comment POST load skipped")
        return None
    try:
        post_path = reverse("comments:post")
    except NoReverseMatch:
        log("no comments:post route: comment POST load skipped")
        return None
    from articles.models import Article
    from comments.models import Comment
    from comments.protection import sign_timestamp

    targets = list(
        Article.objects.published()
        .filter(allow_comments=True)
        .order_by("-published_at")
        .values_list("pk", flat=True)[:50]
    )
    # A form served long enough ago that the reader is not "too fast".
    stamps = {pk: sign_timestamp(pk, time.time() - 60) for pk in targets}
    origin = f"http://127.0.0.1:{port}"
    counter = itertools.count(1)
    lock = threading.Lock()
    results = {"acknowledged": 0, "statuses": {}, "locked": 0, "latencies": []}
    stop_at = time.monotonic() + args.duration

    def poster():
        while time.monotonic() < stop_at:
            n = next(counter)
            article = targets[n % len(targets)]
            body = urlencode(
                {
                    "article": article,
                    "comment": f"Benchmark comment {run_tag}-{n}: the bridge reopened.",
                    "author": f"Reader {n}",
                    "email": f"bench-{run_tag}-{n}@example.com",
                    "url": "",
                    "ts": stamps[article],
                    "homepage": "",
                }
            )
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                # Each post comes from a different reader's address (through a
                # trusted proxy), as on a real site: flood control stays on.
                "X-Forwarded-For": f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}",
            }
            started = time.perf_counter()
            try:
                status, _, content = request(port, "POST", post_path, body, headers)
            except OSError:
                status, content = 599, b""
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                results["statuses"][status] = results["statuses"].get(status, 0) + 1
                results["latencies"].append(elapsed)
                if status in (301, 302, 303):
                    results["acknowledged"] += 1
                if b"database is locked" in content:
                    results["locked"] += 1

    editor_stats = {"published": 0, "errors": 0}

    def editor():
        # Publish drafts one after another, as the desk does on a busy night.
        drafts = list(
            Article.objects.exclude(pk__in=Article.objects.published())
            .filter(published_at__isnull=True)
            .values_list("pk", flat=True)[:500]
        )
        for pk in drafts:
            if time.monotonic() >= stop_at:
                break
            try:
                story = Article.objects.get(pk=pk)
                story.status = Article.Status.PUBLISHED
                story.published_at = datetime.now(UTC)
                story.save()
                editor_stats["published"] += 1
            except Exception as exc:  # noqa: BLE001 - counted and reported
                editor_stats["errors"] += 1
                if "locked" in str(exc):
                    results["locked"] += 1
            time.sleep(0.05)
        from django.db import connection

        connection.close()

    threads = [threading.Thread(target=poster) for _ in range(args.posters)]
    threads.append(threading.Thread(target=editor))
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    stored = Comment.objects.filter(
        author_email__startswith=f"bench-{run_tag}-"
    ).count()
    latencies = sorted(results["latencies"]) or [0]
    server_errors = sum(n for s, n in results["statuses"].items() if s >= 500)
    return {
        "acknowledged": results["acknowledged"],
        "stored": stored,
        "lost": results["acknowledged"] - stored,
        "rate": results["acknowledged"] / elapsed,
        "server_errors": server_errors,
        "locked": results["locked"],
        "statuses": dict(sorted(results["statuses"].items())),
        "p50": latencies[len(latencies) // 2],
        "p99": latencies[int(len(latencies) * 0.99) - 1],
        "editor": editor_stats,
    }


def comment_total() -> int:
    from django.apps import apps

    if not apps.is_installed("comments"):
        return 0
    return apps.get_model("comments", "Comment").objects.count()


# -- report ------------------------------------------------------------------------


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory = Path("/proc/meminfo").read_text().split()[1]
        memory = f"{int(memory) / 1024 / 1024:.1f} GB RAM"
    except OSError:
        memory = ""
    return f"{os.cpu_count()} cores ({model or platform.machine()}), {memory}, {platform.system()} {platform.release()}"


def report(args, env, data, queries, rows, ceilings, comments, single) -> str:
    import django
    from django.db import connection

    ceiling = ceilings["trivial"]["rps"]
    lines = [
        "# Newsroom benchmark",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {machine()}",
        f"- Python {platform.python_version()}, Django {django.get_version()}, "
        f"gunicorn {WORKERS} sync workers, database {connection.vendor} "
        f"({'temporary file' if 'DATABASE_URL' not in env else 'DATABASE_URL'}), "
        f"cache {'Redis' if env.get('REDIS_URL') else 'local memory'}",
        f"- Data: {data}",
        f"- Load average (1 min) at start / end of the run: {args.load_start:.1f} / "
        f"{os.getloadavg()[0]:.1f} (anything above ~0.5 means other work shared the "
        "cores and every figure below is pessimistic)",
        f"- Load: wrk -t{args.threads} -c{args.connections} -d{args.duration}s on the "
        "same machine (client and server share the cores); single-request figures "
        f"are the median of {args.single} sequential requests on fresh connections.",
        "",
        "| Page | Queries | Uncached req/s | p50 ms | p99 ms | Single ms (median / p95) "
        "| Cached req/s | p50 ms | p99 ms | Single ms (median) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, row in rows.items():
        u, c = row["uncached"], row["cached"]
        su, sc = single[("uncached", name)], single[("cached", name)]
        lines.append(
            f"| {name} | {queries.get(name)} | {u['rps']:,.0f} | {u['p50']:.1f} | "
            f"{u['p99']:.1f} | {su[0]:.1f} / {su[1]:.1f} | {c['rps']:,.0f} | "
            f"{c['p50']:.1f} | {c['p99']:.1f} | {sc[0]:.1f} |"
        )
    lines += [
        "",
        "| Ceiling | req/s | p50 ms | p99 ms |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, label in (
        ("trivial", "Trivial Django view, article bytes from memory (no middleware)"),
        ("static", "Static file (site.css, 12 KB) from WhiteNoise under gunicorn"),
    ):
        r = ceilings[name]
        lines.append(f"| {label} | {r['rps']:,.0f} | {r['p50']:.1f} | {r['p99']:.1f} |")
    article = rows["article"]
    lines += [
        "",
        "| Target | Goal | Measured |",
        "| --- | --- | --- |",
        f"| Uncached article req/s | ≥ 525 (15 × WordPress's {WORDPRESS['rps']}) | "
        f"{article['uncached']['rps']:,.0f} ({article['uncached']['rps'] / WORDPRESS['rps']:.1f} × WordPress) |",
        f"| Uncached article single request | ≤ 8 ms (WordPress {WORDPRESS['single_ms']} ms) | "
        f"{single[('uncached', 'article')][0]:.1f} ms median |",
        f"| Article queries | ≤ 8 (WordPress {WORDPRESS['queries']}) | {queries.get('article')} |",
        f"| Cached article vs trivial view | ≥ 60% | "
        f"{article['cached']['rps'] / ceiling:.0%} ({article['cached']['rps']:,.0f} / {ceiling:,.0f}) |",
    ]
    for mode, result in comments.items():
        if result is None:
            continue
        lines.append(
            f"| Comment POSTs ({mode}, {args.posters} posters + an editor publishing) "
            f"| ≥ 100/s SQLite, ≥ 200/s PostgreSQL; 0 lost, 0 5xx, 0 locked | "
            f"{result['rate']:.0f}/s accepted; {result['acknowledged']} acknowledged, "
            f"{result['stored']} stored, {result['lost']} lost, "
            f"{result['server_errors']} 5xx, {result['locked']} locked; "
            f"p50 {result['p50']:.0f} ms, p99 {result['p99']:.0f} ms; statuses "
            f"{result['statuses']}; editor published {result['editor']['published']} "
            f"({result['editor']['errors']} errors) |"
        )
    errors = [
        f"{mode} {name}: {r[mode]['non2xx']} non-2xx/3xx {r[mode]['socket_errors']}"
        for name, r in rows.items()
        for mode in ("uncached", "cached")
        if r[mode]["non2xx"] or r[mode]["socket_errors"]
    ]
    if errors:
        lines += ["", "Errors during load: " + "; ".join(errors)]
    return "\n".join(lines) + "\n"


# -- main --------------------------------------------------------------------------


def explain_step(args) -> str:
    """The query-plan check of tests/newsroom/test_indexes.py on this run's data."""
    from django.db import connection
    from django.test import Client

    from benchmarks.plans import KNOWN_SCANS, public_pages, unexpected_scans

    if connection.vendor != "postgresql":
        log("--explain: query plans are checked on PostgreSQL only; skipped")
        return ""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    pages = public_pages()
    scans = unexpected_scans(pages, Client(HTTP_HOST="127.0.0.1"))
    checked = len(pages) - len(KNOWN_SCANS.keys() & pages.keys())
    if scans:
        lines = "\n".join(f"- {page}: {found}" for page, found in scans.items())
        text = f"\n\nEXPLAIN: unexpected sequential scans of big tables:\n{lines}\n"
    else:
        text = (
            f"\n\nEXPLAIN: the queries of {checked} public pages read no big table "
            f"from end to end (known full-table pages: {', '.join(sorted(KNOWN_SCANS))}).\n"
        )
    log(text.strip())
    connection.close()
    return text


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=2000)
    parser.add_argument("--comments", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--seed-comments",
        type=int,
        default=10,
        help="comments on the seed story (20,000 comments over 2,000 stories is 10 "
        "each, as in the WordPress measurement); the busiest generated story is "
        "measured too",
    )
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--posters", type=int, default=8)
    parser.add_argument("--single", type=int, default=100)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--redis-url", default="")
    parser.add_argument(
        "--no-generate",
        action="store_true",
        help="use the data already in --database-url (skip generate_content)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="PostgreSQL: EXPLAIN every query of every public page and fail on a "
        "sequential scan of a big table (benchmarks/plans.py)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp directory")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--wrk", default=shutil.which("wrk") or "/usr/bin/wrk")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    # Stopped with SIGTERM (or SIGINT in a background job): still stop the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(130))
    args.load_start = os.getloadavg()[0]
    if not Path(args.wrk).exists():
        sys.exit("wrk is missing: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    env = production_env(
        work,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        TRUSTED_PROXIES="127.0.0.1",
        PYTHONPATH=str(ROOT),
        # wrk is one client asking on purpose: the per-IP limits on search and the
        # API would answer it 429 (the comment load keeps its flood control).
        SEARCH_RATE_LIMIT="0",
        API_RATE_LIMIT="0",
    )
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    servers = []
    try:
        log(f"preparing {work}")
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "load_demo", "-v0")
        started = time.monotonic()
        if not args.no_generate:
            manage(
                env,
                "generate_content",
                f"--stories={args.stories}",
                f"--comments={args.comments}",
                f"--seed={args.seed}",
                f"--hot-comments={args.seed_comments}",
            )
        generate_seconds = time.monotonic() - started

        os.environ.clear()
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from articles.models import Article

        pages, extras = pages_to_measure()
        queries = count_queries(pages)
        from django.db import connection

        connection.close()
        data = f"{Article.objects.count():,} stories, {comment_total():,} comments"
        data += (
            " (existing database)"
            if args.no_generate
            else f" (generate_content took {generate_seconds:.0f} s)"
        )
        data += f"; the seed story has {extras['seed'].comment_count} approved comments"
        log(f"data: {data}; queries: {queries}")
        plan_report = explain_step(args) if args.explain else ""

        rows = {name: {} for name in pages}
        single = {}
        comments = {}
        for mode, seconds in (("uncached", "0"), ("cached", "300")):
            server = Gunicorn(
                "newsroom.wsgi",
                env | {"PAGE_CACHE_SECONDS": seconds},
                work / "gunicorn.log",
            )
            servers.append(server)
            for name, path in pages.items():
                request(server.port, "GET", path)
                request(server.port, "GET", path)
                single[(mode, name)] = single_request_ms(server.port, path, args.single)
                rows[name][mode] = wrk(server.port, path, args)
                log(
                    f"{mode} {name}: {rows[name][mode]['rps']:,.0f} req/s, "
                    f"single {single[(mode, name)][0]:.1f} ms"
                )
            if mode == "cached":
                status, headers, body = request(server.port, "GET", pages["article"])
                log(f"cached article X-Page-Cache: {headers.get('X-Page-Cache')}")
                (work / "page.html").write_bytes(body)
                extras["static_rps"] = wrk(server.port, extras["static"], args)
            comments[mode] = comment_load(
                server.port, args, f"{mode}{int(time.time())}"
            )
            if comments[mode]:
                log(f"{mode} comment POSTs: {comments[mode]}")
            server.stop()
            servers.remove(server)

        trivial = Gunicorn(
            "benchmarks.trivial:application",
            env | {"BENCH_PAGE_FILE": str(work / "page.html")},
            work / "gunicorn-trivial.log",
        )
        servers.append(trivial)
        ceilings = {
            "trivial": wrk(trivial.port, "/", args),
            "static": extras["static_rps"],
        }
        log(f"ceilings: {ceilings}")
        table = report(args, env, data, queries, rows, ceilings, comments, single)
        table += plan_report
        print(table)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(table)
        log(f"written to {args.output}")
        locked_in_log = (
            (work / "gunicorn.log")
            .read_text(errors="replace")
            .count("database is locked")
        )
        if locked_in_log:
            log(f"'database is locked' appears {locked_in_log} times in gunicorn.log")
        return 1 if "unexpected sequential scans" in plan_report else 0
    finally:
        for server in servers:
            server.stop()
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
