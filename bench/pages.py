"""Benchmark of the busiest pages under gunicorn: dashboard, request list and request page,
and the pages that pick agencies from the whole directory with the search behind their pickers.

What it measures, in one run against a scratch PostgreSQL database (``--database-url``,
default the local server) and a scratch VAR_DIR (setup is not timed):

1. Setup, in child processes as in production: ``manage.py migrate``, ``collectstatic``
   (WhiteNoise serves the static files) and ``seed_demo --requests N``, which bulk-creates
   the demo organization's requests spread over the lifecycle, with their items, status
   history, clocks and reminders, and campaigns, the agencies' replies, fees and released
   documents consistent with them; then ``load_agency_directory`` (about 20,000 agencies, the
   demo's own updated in place). The tables are then vacuumed and analysed, as autovacuum would be
   within a minute of the bulk insert (index-only scans need the visibility map).
2. Queries. Each page is fetched in this process with Django's test client against the
   same database: once to warm up, once inside ``CaptureQueriesContext``. The count, the
   summed SQL time and the slowest statement are reported (request pages: over
   ``--query-samples`` requests of different statuses).
3. Response times. ``gunicorn recordsreq.wsgi`` with ``--workers`` sync workers and DEBUG
   off, on a free local port. ``--clients`` threads each log in as the demo user with a
   session of their own (the CSRF token taken from the login page), warm up for
   ``--warm-up`` rounds, wait for one another, then run ``--rounds`` rounds. A round
   fetches the dashboard (``/``), the request list (first page, a filtered fifth page
   and the twentieth page), the new-request and new-campaign pages, the agency pickers'
   search (``/agencies/search.json``) for five queries, and ``--detail-per-round`` request
   pages of ids drawn at random from ``--sample`` demo requests.
   Each time runs from sending the request to reading the last byte (stdlib http.client,
   a new connection per request, as gunicorn's sync worker closes each one).

Per page type: n, median, 95th percentile, max and the largest reply's size. Targets (from
the issues): median under 150 ms and p95 under 400 ms for the dashboard, list and request
pages; p95 under 300 ms and under 150 KB for the new-request and new-campaign pages, and p95
under 300 ms for the search. Figures are reported, not asserted: the script always exits 0,
also when the PostgreSQL server cannot be reached (with a note).
gunicorn is stopped and the database dropped at the end.

Run from the repository root:

    .venv/bin/python bench/pages.py [--requests 50000] [--rounds 30] [--database-url URL]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/recordsreq_pages_bench"
SERVER_START_SECONDS = 60
SHOWN_SQL = 110  # characters of the slowest statement shown

sys.path.insert(0, str(REPO_ROOT))
from bench.scratch import scratch_database  # noqa: E402
from bench.page_clients import (DETAIL, FIXED_PAGES, HOST, LIST_PAGES, PASSWORD, PICKER_PAGES,  # noqa: E402
                                SEARCHES, USERNAME, Session, Timings, run_clients)


# Targets -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    p95_ms: float
    median_ms: float | None = None
    max_bytes: int | None = None

    def met(self, median: float, p95: float, size: int) -> bool:
        return (p95 < self.p95_ms and (self.median_ms is None or median < self.median_ms)
                and (self.max_bytes is None or size < self.max_bytes))

    def __str__(self) -> str:
        parts = [f"median < {self.median_ms:.0f}"] if self.median_ms else []
        parts.append(f"p95 < {self.p95_ms:.0f}")
        if self.max_bytes:
            parts.append(f"< {self.max_bytes // 1000} KB")
        return ", ".join(parts)


BUSY_PAGE = Target(median_ms=150, p95_ms=400)
PICKER_PAGE = Target(p95_ms=300, max_bytes=150_000)
PICKER_SEARCH = Target(p95_ms=300)


def target_of(name: str) -> Target:
    if name in dict(SEARCHES):
        return PICKER_SEARCH
    return PICKER_PAGE if name in dict(PICKER_PAGES) else BUSY_PAGE


# Environment, scratch database and child processes -----------------------------------


def bench_environment(var_dir: str, database_url: str) -> dict[str, str]:
    """Production settings (DEBUG off) on plain HTTP at 127.0.0.1, for this process and its children."""
    return {
        "DJANGO_SETTINGS_MODULE": "recordsreq.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": f"{HOST},localhost,testserver",  # testserver: the in-process test client
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "VAR_DIR": var_dir,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": "memory://",
        "EMAIL_BACKEND": "file",
        "LOG_LEVEL": "WARNING",
    }


def manage(*args: str) -> float:
    """Runs manage.py in a child process with this process's environment; returns its seconds."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=REPO_ROOT, capture_output=True, text=True,
                          check=False)
    if done.returncode:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_gunicorn(workers: int, port: int, log_path: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "recordsreq.wsgi", "-w", str(workers), "-b", f"{HOST}:{port}"]
    with log_path.open("w") as log:
        server = subprocess.Popen(command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if Session(port).get("/accounts/login/").status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise RuntimeError(f"gunicorn did not answer within {SERVER_START_SECONDS} s:\n{log_path.read_text()[-3000:]}")


def stop(server: subprocess.Popen) -> None:
    server.terminate()  # SIGTERM: gunicorn's graceful shutdown
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# In-process: the seeded data and each page's queries ---------------------------------


def setup_django() -> None:
    import django

    django.setup()


@dataclass(frozen=True)
class DataSummary:
    requests: int
    agencies: int  # that the demo requests go to
    directory: int  # agencies in the directory
    by_status: dict[str, int]
    others: dict[str, int]  # campaigns, communications, documents, fees


def data_summary() -> DataSummary:
    from django.db.models import Count

    from requests_app.agencies.models import Agency
    from requests_app.campaigns.models import Campaign
    from requests_app.correspondence.models import Communication, Fee
    from requests_app.documents.models import RequestDocument
    from requests_app.records.models import RecordsRequest

    requests = RecordsRequest.objects.filter(organization__slug="demo")
    by_status = {row["status"]: row["n"] for row in requests.values("status").annotate(n=Count("pk")).order_by()}
    others = {"campaigns": Campaign.objects.count(), "communications": Communication.objects.count(),
              "documents": RequestDocument.objects.count(), "fees": Fee.objects.count()}
    return DataSummary(sum(by_status.values()), requests.values("agency").distinct().count(), Agency.objects.count(),
                       by_status, others)


def vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def request_sample(size: int, seed: int) -> list[int]:
    from requests_app.records.models import RecordsRequest

    ids = list(RecordsRequest.objects.filter(organization__slug="demo").values_list("pk", flat=True))
    return random.Random(seed).sample(ids, min(size, len(ids)))


def one_per_status(ids: Sequence[int], count: int) -> list[int]:
    """Up to ``count`` of ``ids``, each of a different status where possible."""
    from requests_app.records.models import RecordsRequest

    first: dict[str, int] = {}
    for pk, status in RecordsRequest.objects.filter(pk__in=ids).values_list("pk", "status").order_by("pk"):
        first.setdefault(status, pk)
    return list(first.values())[:count]


@dataclass
class QueryFigures:
    queries: list[int] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    slowest: tuple[float, str] = (0.0, "")


def shorten(sql: str) -> str:
    """A statement as shown: the column list (subqueries included) left out, cut to SHOWN_SQL characters."""
    text, depth = " ".join(sql.split()), 0
    for match in re.finditer(r"[()]| FROM ", text):
        depth += {"(": 1, ")": -1}.get(match.group(), 0)
        if match.group() == " FROM " and depth == 0:
            text = "SELECT …" + text[match.start():] if text.startswith("SELECT ") else text
            break
    return text if len(text) <= SHOWN_SQL else text[:SHOWN_SQL - 1] + "…"


def count_queries(pages: dict[str, list[str]]) -> dict[str, QueryFigures]:
    """Each address fetched twice through the test client; the second fetch's queries are kept."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if not client.login(username=USERNAME, password=PASSWORD):
        raise RuntimeError("the demo user could not log in through the test client")
    figures: dict[str, QueryFigures] = {}
    for name, paths in pages.items():
        entry = figures.setdefault(name, QueryFigures())
        for path in paths:
            client.get(path)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code} in process")
            times = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
            entry.queries.append(len(times))
            entry.sql_ms.append(sum(ms for ms, _ in times))
            entry.slowest = max([entry.slowest, *((ms, shorten(sql)) for ms, sql in times)])
    return figures


# Report ------------------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * share) - 1)] if ordered else float("nan")


def report(summary: DataSummary, queries: dict[str, QueryFigures], timings: Timings, elapsed: float,
           args: argparse.Namespace) -> str:
    lines = [f"{summary.requests:,} demo requests at {summary.agencies} agencies of a directory of "
             f"{summary.directory:,}; " + ", ".join(f"{name} {n:,}" for name, n in summary.others.items())]
    lines.append("  by status: " + ", ".join(f"{status} {n:,}" for status, n in sorted(summary.by_status.items(),
                                                                                    key=lambda item: -item[1])))
    if not any(summary.others.values()):
        lines.append("  (seed_demo makes no campaigns, communications, documents or fees: those dashboard blocks "
                     "and request-page lists are empty)")
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    lines += ["", f"gunicorn, {args.workers} sync workers, DEBUG off; {args.clients} concurrent clients, "
                  f"{args.rounds} rounds each after {args.warm_up} warm-up rounds; {elapsed:.1f} s",
              f"machine: {os.cpu_count()} CPUs shared by the server, PostgreSQL and the clients; "
              f"load average after the run {load}",
              f"{'page':<31} {'n':>5} {'median':>7} {'p95':>6} {'max':>6} {'KB':>6} {'queries':>7} {'SQL ms':>7}"
              f"  target"]
    verdicts = []
    for name in [n for n, _ in LIST_PAGES] + [DETAIL] + [n for n, _ in PICKER_PAGES + SEARCHES]:
        seconds = [s * 1000 for s in timings.seconds.get(name, [])]
        median, p95, size = percentile(seconds, 0.5), percentile(seconds, 0.95), timings.sizes.get(name, 0)
        figures = queries.get(name, QueryFigures())
        count = "–".join(str(n) for n in sorted({min(figures.queries, default=0), max(figures.queries, default=0)}))
        target = target_of(name)
        met = target.met(median, p95, size)
        verdicts.append(met)
        lines.append(f"{name:<31} {len(seconds):>5} {median:>7.0f} {p95:>6.0f} {max(seconds, default=0):>6.0f} "
                     f"{size / 1000:>6.1f} {count:>7} {max(figures.sql_ms, default=0):>7.1f}  {target}: "
                     f"{'met' if met else 'NOT met'}")
    sampled = len(queries.get(DETAIL, QueryFigures()).queries)
    lines.append(f"times in ms; KB: the largest reply; queries and SQL ms from one in-process fetch (request "
                 f"pages: the range and the highest over {sampled} requests of different statuses)")
    lines += ["", "slowest statement per page (in process):"]
    lines += [f"  {name}: {ms:.1f} ms  {sql}" for name, (ms, sql) in ((n, f.slowest) for n, f in queries.items())]
    if timings.errors:
        lines += ["", f"{len(timings.errors)} failed fetches, e.g. {timings.errors[:3]}"]
    lines += ["", f"{'PASS' if all(verdicts) else 'MISS'}: every page type within its target"]
    return "\n".join(lines)


# Main --------------------------------------------------------------------------------


def run(args: argparse.Namespace, var_dir: str) -> str:
    os.environ.update(bench_environment(var_dir, args.database_url))
    scratch_database(args.database_url)
    setup = {"migrate": manage("migrate", "--noinput"), "collectstatic": manage("collectstatic", "--noinput"),
             "seed_demo": manage("seed_demo", "--requests", str(args.requests)),
             "load_agency_directory": manage("load_agency_directory")}
    print("setup: " + ", ".join(f"{step} {seconds:.0f} s" for step, seconds in setup.items()), file=sys.stderr)
    setup_django()
    vacuum()
    summary = data_summary()
    ids = request_sample(args.sample, seed=1)
    pages = {name: [path] for name, path in FIXED_PAGES}
    pages[DETAIL] = [f"/requests/{pk}/" for pk in one_per_status(ids, args.query_samples)]
    queries = count_queries(pages)
    from django.db import connections

    connections.close_all()
    port = free_port()
    server = start_gunicorn(args.workers, port, Path(var_dir) / "gunicorn.log")
    try:
        timings, elapsed = run_clients(port, ids, args)
    finally:
        stop(server)
    return report(summary, queries, timings, elapsed, args)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50_000, help="demo requests to seed (default 50000)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL,
                        help="scratch database, dropped and created afresh, then dropped at the end")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (default 4)")
    parser.add_argument("--rounds", type=int, default=30, help="timed rounds per client (default 30)")
    parser.add_argument("--warm-up", type=int, default=3, help="untimed rounds per client first (default 3)")
    parser.add_argument("--detail-per-round", type=int, default=2, help="request pages per round (default 2)")
    parser.add_argument("--sample", type=int, default=500, help="request ids the clients draw from (default 500)")
    parser.add_argument("--query-samples", type=int, default=6,
                        help="request pages whose queries are counted, of different statuses (default 6)")
    args = parser.parse_args(argv)
    if min(args.requests, args.workers, args.clients, args.rounds, args.sample, args.query_samples) < 1:
        parser.error("--requests, --workers, --clients, --rounds, --sample and --query-samples must be at least 1")

    started = time.perf_counter()
    var_dir = tempfile.mkdtemp(prefix="recordsreq-bench-pages-")
    try:
        print(run(args, var_dir))
    except Exception as error:  # server unreachable, a failed step: reported, exit 0 all the same
        print(f"not measured: {type(error).__name__}: {error}")
    finally:
        try:
            scratch_database(args.database_url, drop_only=True)
        except Exception as error:
            print(f"could not drop the scratch database: {error}", file=sys.stderr)
        shutil.rmtree(var_dir, ignore_errors=True)
    print(f"total run time {time.perf_counter() - started:.0f} s (including setup and seeding)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
