"""Benchmark of the agency directory's search on the full directory, SQLite and PostgreSQL.

What it measures, for each database in its own process (Django settings are per process)
and its own scratch database (setup is not timed):

1. Setup. Migrate and ``load_agency_directory`` (the bundled FBI roster and Flock
   network: about 20,000 agencies and 7,500 aliases). On PostgreSQL the tables are then
   vacuumed and analysed, as autovacuum would be within a minute of the load (until then
   the new rows wait in the trigram indexes' pending lists, and the planner, counting
   those, scans the table instead).
2. Searches. Each query of QUERIES is run as the directory page runs it: agency_search
   with the page's filters, paged 50 at a time by Django's Paginator, first page (the
   count, the page's agencies with their states, their vendors). Time runs from building
   the queryset to the last agency in hand (``time.perf_counter``, DEBUG off).
3. Baseline, in the same rounds: the search before this one, a name containing the query
   as typed (``name_key LIKE '%query%'``), same filters, same paging. The two alternate
   query by query, so a burst of load from elsewhere falls on both alike.

Each query runs ``--repeat`` times after ``--warm-up`` untimed runs. Reported per query
and overall: matches, median and 95th percentile (nearest rank) for the search and the
baseline, and whether the search's p95 is under the 100 ms target. On PostgreSQL the
indexes one selective query's plan uses are named (EXPLAIN), to show the trigram indexes
at work. Figures are reported, not asserted: the script always exits 0, and PostgreSQL is
skipped with a note when the server cannot be reached.

Run from the repository root:

    .venv/bin/python bench/directory_search.py [--repeat 40] [--databases sqlite,postgres]
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DATABASES = ("sqlite", "postgres")
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/recordsreq_search_bench"
TARGET_MS = 100
PAGE_SIZE = 50  # the directory page's
RESULT_MARK = "BENCH-RESULT "
EXPLAINED = "eugene police"

# (what it stands for, query, other filters): realistic searches, from the narrowest to one
# that matches most of the directory.
QUERIES: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("full name", "Eugene Police Department", {}),
    ("name words", "eugene police", {}),
    ("words out of order", "police eugene", {}),
    ("Flock alias", "Eugene PD OR", {}),
    ("short name and state", "Plymouth PD IN", {}),
    ("city", "spokane", {}),
    ("county", "Los Angeles County", {}),
    ("ORI", "OR0200200", {}),
    ("word in a state", "police", {"state": "WA"}),
    ("one letter", "a", {}),
    ("matches nothing", "zzqxv", {}),
    ("very common word", "police", {}),
)


# Worker: one database -----------------------------------------------------------------


def setup_django(var_dir: str, database_url: str) -> None:
    """Production settings (DEBUG off: no query log) on the scratch database; no app import may precede this."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="recordsreq.settings", DEBUG="0", SECRET_KEY="bench-only-" + secrets.token_urlsafe(48),
        SECURE_SSL_REDIRECT="0", VAR_DIR=var_dir, DATABASE_URL=database_url, CELERY_BROKER_URL="memory://",
        EMAIL_BACKEND="file", LOG_LEVEL="WARNING",
    )
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    import django

    django.setup()


def load() -> dict[str, float]:
    from django.core.management import call_command
    from django.db import connection

    from requests_app.agencies.models import Agency, AgencyAlias

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter()
    call_command("load_agency_directory", stdout=io.StringIO())
    loaded = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return {"migrate_s": migrated - start, "load_s": loaded - migrated,
            "agencies": Agency.objects.count(), "aliases": AgencyAlias.objects.count()}


def search_page(filters: Any) -> tuple[int, int]:
    """The directory page's first page of the search: (matches, agencies on the page)."""
    from django.core.paginator import Paginator

    from requests_app.agencies.selectors import agency_search

    page = Paginator(agency_search(filters), PAGE_SIZE).get_page(1)
    agencies = list(page.object_list)
    return page.paginator.count, len(agencies)


def baseline_page(filters: Any) -> tuple[int, int]:
    """The same page as the search before: the name containing the query as typed."""
    from dataclasses import replace

    from django.core.paginator import Paginator
    from django.db.models import Q

    from requests_app.agencies.models import Agency, name_key
    from requests_app.agencies.selectors import directory_condition

    condition = directory_condition(replace(filters, q="")) & Q(name_key__contains=name_key(filters.q))
    agencies = (Agency.objects.select_related("jurisdiction__parent").prefetch_related("vendors")
                .filter(condition).order_by("name", "jurisdiction__code"))
    page = Paginator(agencies, PAGE_SIZE).get_page(1)
    return page.paginator.count, len(list(page.object_list))


def timed(function: Any, *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = function(*args)
    return (time.perf_counter() - start) * 1000, result


def measure(repeat: int, warm_up: int) -> list[dict[str, Any]]:
    from requests_app.agencies.selectors import DirectoryFilters

    rows = []
    for label, q, extra in QUERIES:
        filters = DirectoryFilters(q=q, **extra)
        for _ in range(warm_up):
            search_page(filters)
            baseline_page(filters)
        ours, base = [], []
        for _ in range(repeat):
            ms, (matches, _) = timed(search_page, filters)
            ours.append(ms)
            ms, (base_matches, _) = timed(baseline_page, filters)
            base.append(ms)
        rows.append({"label": label, "q": q, "filters": extra, "matches": matches, "base_matches": base_matches,
                     "ms": ours, "base_ms": base})
    return rows


def indexes_used(query: str) -> list[str]:
    """PostgreSQL: the indexes the search's count query uses (EXPLAIN), in plan order."""
    from django.db import connection

    from requests_app.agencies.selectors import DirectoryFilters, agency_search

    if connection.vendor != "postgresql":
        return []
    sql, params = agency_search(DirectoryFilters(q=query)).order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) SELECT count(*) FROM ({sql}) AS found", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    found: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        if "Index Name" in node and node["Index Name"] not in found:
            found.append(node["Index Name"])
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return found


def run_worker(database: str, database_url: str, repeat: int, warm_up: int) -> dict[str, Any]:
    var_dir = tempfile.mkdtemp(prefix="recordsreq-bench-search-")
    try:
        setup_django(var_dir, database_url or f"sqlite:///{var_dir}/directory.sqlite3")
        from bench.scratch import server_version

        result = {"database": database, "server": server_version(), **load()}
        print(f"[{database}] {result['server']}: {result['agencies']:,} agencies and {result['aliases']:,} aliases "
              f"loaded in {result['load_s']:.1f} s", file=sys.stderr, flush=True)
        result["rows"] = measure(repeat, warm_up)
        result["indexes"] = indexes_used(EXPLAINED)
        return result
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(var_dir, ignore_errors=True)


# Parent: scratch databases, worker processes, report -----------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * share) - 1)] if ordered else float("nan")


def run_in_subprocess(database: str, database_url: str, args: argparse.Namespace) -> dict[str, Any] | str:
    """The worker's result, or why there is none."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", database, "--repeat", str(args.repeat),
               "--warm-up", str(args.warm_up), "--database-url", database_url]
    done = subprocess.run(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            return json.loads(line[len(RESULT_MARK):])
    return f"the worker exited with code {done.returncode} and no result (see its output above)"


def measure_database(database: str, args: argparse.Namespace) -> dict[str, Any] | str:
    if database == "sqlite":
        return run_in_subprocess(database, "", args)
    sys.path.insert(0, str(REPO_ROOT))
    from bench.scratch import on_scratch_postgres

    return on_scratch_postgres(args.postgres_url, lambda: run_in_subprocess(database, args.postgres_url, args))


def query_text(row: dict[str, Any]) -> str:
    extra = "".join(f" {key}={value}" for key, value in row["filters"].items())
    return f'{row["label"]}: "{row["q"]}"{extra}'


def report_database(result: dict[str, Any] | str, database: str, repeat: int) -> list[str]:
    if isinstance(result, str):
        return [f"{database}: {result}"]
    lines = [f"{result['server']}: {result['agencies']:,} agencies, {result['aliases']:,} aliases; "
             f"{repeat} timed runs of each query, search and baseline alternating",
             f"{'query':<48} {'matches':>7} {'median':>7} {'p95':>7}  {'baseline':>8} {'median':>7} {'p95':>7}  "
             f"target"]
    everything, base_everything, verdicts = [], [], []
    for row in result["rows"]:
        p95 = percentile(row["ms"], 0.95)
        verdicts.append(p95 < TARGET_MS)
        everything += row["ms"]
        base_everything += row["base_ms"]
        lines.append(f"{query_text(row):<48} {row['matches']:>7,} {percentile(row['ms'], 0.5):>7.1f} {p95:>7.1f}  "
                     f"{row['base_matches']:>8,} {percentile(row['base_ms'], 0.5):>7.1f} "
                     f"{percentile(row['base_ms'], 0.95):>7.1f}  {'met' if p95 < TARGET_MS else 'NOT met'}")
    lines.append(f"{'all queries':<48} {'':>7} {percentile(everything, 0.5):>7.1f} "
                 f"{percentile(everything, 0.95):>7.1f}  {'':>8} {percentile(base_everything, 0.5):>7.1f} "
                 f"{percentile(base_everything, 0.95):>7.1f}  {'met' if all(verdicts) else 'NOT met'}")
    if result["indexes"]:
        lines.append(f'indexes in the plan of "{EXPLAINED}": {", ".join(result["indexes"])}')
    return lines


def report(outcomes: dict[str, dict[str, Any] | str], repeat: int, elapsed: float) -> str:
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    lines = [f"Directory search, first page of {PAGE_SIZE}: times in ms from queryset to agencies in hand "
             f"(count, page, vendors); target p95 under {TARGET_MS} ms. Baseline: the name containing the "
             f"query as typed, before this search.",
             f"machine: {os.cpu_count()} CPUs; load average after the run {load}"]
    for database, result in outcomes.items():
        lines += ["", *report_database(result, database, repeat)]
    lines += ["", f"total run time {elapsed:.0f} s (including migrating and loading the directory)"]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=40, help="timed runs of each query (default 40)")
    parser.add_argument("--warm-up", type=int, default=3, help="untimed runs of each query first (default 3)")
    parser.add_argument("--databases", default=",".join(DATABASES),
                        help="comma-separated, among sqlite,postgres (default both)")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL,
                        help="scratch PostgreSQL database, dropped and created afresh, then dropped at the end")
    parser.add_argument("--worker", choices=DATABASES, help=argparse.SUPPRESS)
    parser.add_argument("--database-url", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.warm_up < 0:
        parser.error("--repeat must be at least 1 and --warm-up at least 0")

    if args.worker:
        result = run_worker(args.worker, args.database_url, args.repeat, args.warm_up)
        print(RESULT_MARK + json.dumps(result), flush=True)
        return 0

    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    unknown = sorted(set(databases) - set(DATABASES))
    if unknown or not databases:
        parser.error(f"--databases takes sqlite and/or postgres, not {','.join(unknown) or 'nothing'}")
    started = time.perf_counter()
    outcomes = {database: measure_database(database, args) for database in databases}
    print(report(outcomes, args.repeat, time.perf_counter() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
