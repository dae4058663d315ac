"""Benchmark of audit-log analysis and import at network-audit scale.

What it measures, in one run:

1. Analysis. ``python manage.py analyze_audit_log FILE --json`` (run in this process
   through call_command, so Django's start-up is not counted) against a plain polars
   baseline that reads the same CSV and counts the searches whose reason matches the
   immigration rules (one regex). The two alternate, best of ``--repeat`` runs each, so a
   burst of load from anything else on the machine falls on both alike.
   Ratio = analysis time / baseline time. Target: at most 2.0.
2. Import (``--import``). ``python manage.py import_audit_log TRACKING FILE`` in a child
   process against PostgreSQL (``--database-url``, default the local test server) in a
   fresh scratch database: wall time and the child's peak resident memory.
   Targets: under 60 s and under 500 MB for 1,000,000 rows.

The CSV is written by bench/make_audit_log.py (every quirk of released exports) unless
``--file`` names one. Figures are reported, not asserted: the script always exits 0.

Run from the repository root:

    .venv/bin/python bench/audit_log.py [--rows 1000000] [--import]
"""

from __future__ import annotations

import argparse
import io
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
RATIO_TARGET = 2.0
IMPORT_SECONDS_TARGET = 60
IMPORT_MB_TARGET = 500
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/recordsreq_bench"

sys.path.insert(0, str(REPO_ROOT))
from bench.scratch import scratch_database  # noqa: E402


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recordsreq.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()


def immigration_pattern() -> str:
    """The immigration rules as one regex, written as polars (Rust) reads it."""
    from requests_app.auditlogs import rules

    return "(?i)" + "|".join(f"(?:{r.pattern.pattern})" for r in rules.RULES if r.category == "immigration")


def baseline(path: Path, pattern: str) -> int:
    import polars as pl

    frame = pl.read_csv(path, infer_schema=False)
    return int(frame["Reason"].str.contains(pattern).sum())


def analysis(path: Path) -> str:
    from django.core.management import call_command

    out = io.StringIO()
    call_command("analyze_audit_log", str(path), "--json", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def timed(function, *args) -> tuple[float, object]:
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def compare(path: Path, repeat: int) -> None:
    pattern = immigration_pattern()
    base, ours = [], []
    for _ in range(repeat):
        seconds, matches = timed(baseline, path, pattern)
        base.append(seconds)
        seconds, summary = timed(analysis, path)
        ours.append(seconds)
    rows = re.search(r'"rows": (\d+)', summary).group(1)
    ratio = min(ours) / min(base)
    print(f"analysis: {int(rows):,} searches; analyze_audit_log {min(ours):.2f} s, polars baseline "
          f"{min(base):.2f} s ({matches:,} immigration matches); best of {repeat}")
    print(f"  ratio {ratio:.2f}x (target at most {RATIO_TARGET}x): {'met' if ratio <= RATIO_TARGET else 'NOT met'}")


def migrated_database(url: str) -> None:
    scratch_database(url)
    manage("migrate", "--noinput", database_url=url)


# Runs manage.py and, at exit, reports the process's own peak resident memory on stderr:
# VmHWM, the high-water mark of this program's memory. (ru_maxrss would not do: Linux keeps
# it across exec, so a child started by a large parent reports the parent's size.)
WRAPPER = ("import atexit, re, runpy, sys\n"
           "def peak():\n"
           "    status = open('/proc/self/status').read()\n"
           "    sys.stderr.write('PEAK_KB ' + re.search(r'VmHWM:\\s+(\\d+)', status).group(1) + '\\n')\n"
           "atexit.register(peak)\n"
           "sys.argv = sys.argv[1:]\n"
           "runpy.run_path('manage.py', run_name='__main__')\n")


def manage(*args: str, database_url: str) -> tuple[str, float]:
    """Runs manage.py in a child process: its output and its own peak memory in MB."""
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1"}
    done = subprocess.run([sys.executable, "-c", WRAPPER, "manage.py", *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}")
    peak = re.search(r"PEAK_KB (\d+)", done.stderr)
    return done.stdout, int(peak.group(1)) / 1024 if peak else float("nan")


SEED = """
from datetime import date
from requests_app.agencies.models import Agency
from requests_app.laws.models import Jurisdiction
from requests_app.letters.drafts import request_create
from requests_app.records.services import items_for
from requests_app.teams.models import Membership, Organization, User
user = User.objects.create_user("bench@example.org", password="x")
org = Organization.objects.create(name="Bench")
Membership.objects.create(user=user, organization=org, role="owner")
agency = Agency.objects.create(name="Eugene Police Department", jurisdiction=Jurisdiction.objects.get(code="OR"))
request = request_create(organization=org, agency=agency, user=user, title="ALPR records",
                         items=items_for(organization=org, keys=["network-audit"]), today=date.today())
print(request.tracking)
"""


def measure_import(path: Path, url: str) -> None:
    migrated_database(url)
    tracking = manage("shell", "-c", SEED, database_url=url)[0].strip().splitlines()[-1]
    seconds, (output, peak_mb) = timed(lambda: manage("import_audit_log", tracking, str(path), database_url=url))
    print(f"import into PostgreSQL: {output.strip().splitlines()[0]}")
    print(f"  {seconds:.1f} s (target under {IMPORT_SECONDS_TARGET} s): "
          f"{'met' if seconds < IMPORT_SECONDS_TARGET else 'NOT met'}; peak memory of the import process "
          f"{peak_mb:.0f} MB (target under {IMPORT_MB_TARGET} MB): {'met' if peak_mb < IMPORT_MB_TARGET else 'NOT met'}")
    scratch_database(url, drop_only=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--file", type=Path, help="an existing Network Audit CSV instead of a generated one")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--import", dest="import_", action="store_true", help="also time an import into PostgreSQL")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    args = parser.parse_args(argv)
    setup_django()
    with tempfile.TemporaryDirectory(prefix="recordsreq-bench-") as folder:
        path = args.file or Path(folder) / "network-audit.csv"
        if not args.file:
            from bench.make_audit_log import write

            seconds, _ = timed(write, path, args.rows, 7)
            print(f"wrote {args.rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) in {seconds:.0f} s (not timed below)")
        compare(path, args.repeat)
        if args.import_:
            measure_import(path, args.database_url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
