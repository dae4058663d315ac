"""Benchmark of the busiest pages under gunicorn, on SQLite and PostgreSQL: dashboard, request
list and request page, and the pages that pick agencies from the whole directory with the
search behind their pickers.

What it measures, for each database of ``--databases`` in a process of its own (Django
settings are per process) on a scratch database (a file in a scratch VAR_DIR for SQLite, as
`make demo` keeps one; ``--postgres-url`` for PostgreSQL). Setup is not timed:

1. Setup, in child processes as in production: ``manage.py migrate``, ``collectstatic``
   (hashed names for the pages' links, as WhiteNoise serves them; not precompressed, since
   no static file is fetched: STATIC_COMPRESSION=0), ``load_agency_directory`` (about 20,000 agencies)
   and ``seed_demo --requests N --agencies A``, which bulk-creates the demo organization's
   requests spread over the lifecycle and over A agencies of the directory, with their
   items, status history, clocks and reminders, and campaigns, the agencies' replies, fees
   and released documents consistent with them. PostgreSQL's tables are then vacuumed and
   analysed, as autovacuum would be within a minute of the bulk insert (index-only scans
   need the visibility map); SQLite's are left as seeded, as nothing analyses them in use.
2. Queries, at two sizes: seeded first to ``--check-at`` requests, then grown to
   ``--requests``. At each size every page is fetched in this process with Django's test
   client: once to warm up, once inside ``CaptureQueriesContext``. The count, the summed
   SQL time and the slowest statement are reported (request pages: the same
   ``--query-samples`` requests of different statuses at both sizes), and each page's
   count must be the same at both sizes.
3. Response times, at the full size. ``gunicorn recordsreq.wsgi`` with ``--workers`` sync
   workers and DEBUG off, on a free local port. ``--clients`` threads each log in as the
   demo user with a session of their own (the CSRF token taken from the login page), warm
   up for ``--warm-up`` rounds, wait for one another, then run ``--rounds`` rounds (at
   least three). A round fetches the dashboard (``/``), the request list (first page, a
   filtered fifth page and the twentieth page), the new-request and new-campaign pages, the
   agency pickers' search (``/agencies/search.json``) for five queries, and
   ``--detail-per-round`` request pages of ids drawn at random from ``--sample`` demo
   requests. Each time runs from sending the request to reading the last byte (stdlib
   http.client, a new connection per request, as gunicorn's sync worker closes each one).

Per page type: n, median, 95th percentile, max, the largest reply's size and the queries at
both sizes. Targets (issue 18): median under 150 ms and p95 under 300 ms for the dashboard,
list and request pages; p95 under 300 ms and under 150 KB for the new-request and
new-campaign pages; p95 under 300 ms for the search; the same number of queries at both
sizes for every page. Each is printed met or NOT MET. Figures are reported, not asserted:
the script exits 0, also when the PostgreSQL server cannot be reached (with a note).
gunicorn is stopped and the scratch databases dropped at the end.

Run from the repository root:

    .venv/bin/python bench/pages.py [--requests 50000] [--check-at 5000] [--agencies 1000]
        [--rounds 30] [--databases sqlite,postgres] [--postgres-url URL]
"""

from __future__ import annotations

import argparse
import json
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
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATABASES = ("sqlite", "postgres")
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/recordsreq_pages_bench"
SERVER_START_SECONDS = 60
SHOWN_SQL = 110  # characters of the slowest statement shown
MIN_ROUNDS = 3  # every figure is a median of at least three
RESULT_MARK = "BENCH-RESULT "

sys.path.insert(0, str(REPO_ROOT))
from bench.page_clients import DETAIL, FIXED_PAGES, HOST, USERNAME, Session, run_clients  # noqa: E402
from bench.page_report import report  # noqa: E402
from bench.scratch import on_scratch_postgres  # noqa: E402


# Environment and child processes ------------------------------------------------------


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
        "STATIC_COMPRESSION": "0",  # compressing takes a minute and more; only pages are fetched
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


# In the worker: the seeded data and each page's queries --------------------------------


def seed(requests: int, agencies: int) -> float:
    """Tops the demo organization up to ``requests``, then readies the tables as in use."""
    from django.db import connection, connections

    connections.close_all()  # the seeder writes from a child process
    seconds = manage("seed_demo", "--requests", str(requests), "--agencies", str(agencies))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return seconds


def data_summary() -> dict[str, object]:
    from django.db.models import Count

    from bench.scratch import server_version
    from requests_app.agencies.models import Agency
    from requests_app.campaigns.models import Campaign
    from requests_app.correspondence.models import Communication, Fee
    from requests_app.documents.models import RequestDocument
    from requests_app.records.models import RecordsRequest

    requests = RecordsRequest.objects.filter(organization__slug="demo")
    by_status = {row["status"]: row["n"] for row in requests.values("status").annotate(n=Count("pk")).order_by()}
    return {"server": server_version(), "requests": sum(by_status.values()),
            "agencies": requests.values("agency").distinct().count(), "directory": Agency.objects.count(),
            "by_status": by_status,
            "others": {"campaigns": Campaign.objects.count(), "communications": Communication.objects.count(),
                       "documents": RequestDocument.objects.count(), "fees": Fee.objects.count()}}


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
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(get_user_model().objects.get(username=USERNAME))  # login() needs a request (django-axes)
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


def run_worker(args: argparse.Namespace) -> dict[str, object]:
    """Runs in a process of its own, in the parent's VAR_DIR (static files collected)."""
    database_url = args.database_url or f"sqlite:///{args.var_dir}/pages.sqlite3"
    os.environ.update(bench_environment(args.var_dir, database_url))
    setup = {"migrate": manage("migrate", "--noinput"), "load_agency_directory": manage("load_agency_directory")}
    import django

    django.setup()
    setup[f"seed to {args.check_at:,}"] = seed(args.check_at, args.agencies)
    pages = {name: [path] for name, path in FIXED_PAGES}
    pages[DETAIL] = [f"/requests/{pk}/" for pk in one_per_status(request_sample(args.sample, seed=1),
                                                                  args.query_samples)]
    small = count_queries(pages)
    setup[f"seed to {args.requests:,}"] = seed(args.requests, args.agencies)
    print(f"[{args.worker}] setup: " + ", ".join(f"{step} {seconds:.0f} s" for step, seconds in setup.items()),
          file=sys.stderr, flush=True)
    summary, large, ids = data_summary(), count_queries(pages), request_sample(args.sample, seed=1)
    from django.db import connections

    connections.close_all()
    port = free_port()
    server = start_gunicorn(args.workers, port, Path(args.var_dir) / f"gunicorn-{args.worker}.log")
    try:
        timings, elapsed = run_clients(port, ids, args)
    finally:
        stop(server)
    return {"database": args.worker, "summary": summary, "elapsed": elapsed, "load": os.getloadavg(),
            "queries_small": {n: asdict(f) for n, f in small.items()},
            "queries": {n: asdict(f) for n, f in large.items()}, "timings": asdict(timings)}


# Parent: scratch databases and worker processes ---------------------------------------


def run_in_subprocess(database: str, database_url: str, args: argparse.Namespace) -> dict | str:
    """The worker's result, or why there is none."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", database, "--database-url", database_url,
               "--var-dir", args.var_dir,
               *(f"--{name.replace('_', '-')}={getattr(args, name)}" for name in PASSED_ON)]
    done = subprocess.run(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            return json.loads(line[len(RESULT_MARK):])
    return f"not measured: the worker exited with code {done.returncode} and no result:\n{done.stdout[-3000:]}"


def measure_database(database: str, args: argparse.Namespace) -> dict | str:
    if database == "sqlite":
        return run_in_subprocess(database, "", args)
    return on_scratch_postgres(args.postgres_url, lambda: run_in_subprocess(database, args.postgres_url, args))


# The options a worker needs, passed on as given.
PASSED_ON = ("requests", "check_at", "agencies", "workers", "clients", "rounds", "warm_up", "detail_per_round",
             "sample", "query_samples")


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50_000, help="demo requests to seed (default 50000)")
    parser.add_argument("--check-at", type=int, default=5_000,
                        help="the smaller size whose query counts must equal the full size's (default 5000)")
    parser.add_argument("--agencies", type=int, default=1_000,
                        help="directory agencies the requests are spread over (default 1000)")
    parser.add_argument("--databases", default=",".join(DATABASES),
                        help="comma-separated, among sqlite,postgres (default both)")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL,
                        help="scratch PostgreSQL database, dropped and created afresh, then dropped at the end")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (default 4)")
    parser.add_argument("--rounds", type=int, default=30, help=f"timed rounds per client (default 30, at least "
                                                                f"{MIN_ROUNDS})")
    parser.add_argument("--warm-up", type=int, default=3, help="untimed rounds per client first (default 3)")
    parser.add_argument("--detail-per-round", type=int, default=2, help="request pages per round (default 2)")
    parser.add_argument("--sample", type=int, default=500, help="request ids the clients draw from (default 500)")
    parser.add_argument("--query-samples", type=int, default=6,
                        help="request pages whose queries are counted, of different statuses (default 6)")
    parser.add_argument("--worker", choices=DATABASES, help=argparse.SUPPRESS)
    parser.add_argument("--database-url", default="", help=argparse.SUPPRESS)
    parser.add_argument("--var-dir", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if min(args.check_at, args.agencies, args.workers, args.clients, args.detail_per_round, args.sample,
           args.query_samples) < 1 or args.warm_up < 0:
        parser.error("--check-at, --agencies, --workers, --clients, --detail-per-round, --sample and "
                     "--query-samples must be at least 1, --warm-up at least 0")
    if args.rounds < MIN_ROUNDS:
        parser.error(f"--rounds must be at least {MIN_ROUNDS}: each figure is a median of rounds")
    if args.requests <= args.check_at:
        parser.error("--requests must be more than --check-at: the query counts are compared at both sizes")
    args.database_list = [d.strip() for d in args.databases.split(",") if d.strip()]
    unknown = sorted(set(args.database_list) - set(DATABASES))
    if unknown or not args.database_list:
        parser.error(f"--databases takes sqlite and/or postgres, not {','.join(unknown) or 'nothing'}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    if args.worker:
        try:
            result: dict | str = run_worker(args)
        except Exception as error:  # a failed step: reported by the parent, which goes on
            result = f"not measured: {type(error).__name__}: {error}"
        print(RESULT_MARK + json.dumps(result), flush=True)
        return 0
    started = time.perf_counter()
    args.var_dir = tempfile.mkdtemp(prefix="recordsreq-bench-pages-")
    try:
        # Once for every database: the manifest of hashed names the pages link to.
        os.environ.update(bench_environment(args.var_dir, f"sqlite:///{args.var_dir}/unused.sqlite3"))
        print(f"setup: collectstatic {manage('collectstatic', '--noinput'):.0f} s", file=sys.stderr, flush=True)
        outcomes = {database: measure_database(database, args) for database in args.database_list}
    finally:
        shutil.rmtree(args.var_dir, ignore_errors=True)
    print(report(outcomes, args))
    print(f"total run time {time.perf_counter() - started:.0f} s (including setup and seeding)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
