"""Benchmark of audit-log analysis and import at the scale of the largest releases.

What it measures, in one run:

1. Analysis. ``python manage.py analyze_audit_log FILE --json`` (call_command in a fresh
   child process, timed from after Django's start-up) against a same-work polars baseline,
   also in a fresh child: the same four columns (ID, Org Name, Reason, Search Time), times
   parsed, rows without a readable time left out, repeated rows dropped (first kept), and
   every rule with its exceptions (``unless``, ``always``) and the federal rule, run on the
   distinct (organization, reason) pairs as any polars program would. The baseline is
   written here from the rule set's patterns, not through the app's code. The two alternate,
   ``--repeat`` runs each (3 by default): the median of each is reported, so a burst of load
   from anything else on the machine falls on both alike. Targets: analysis time at most
   1.5x the baseline's; the analysis's peak memory under 1 GB (10,000,000 rows).
2. Import (``--import``). ``python manage.py import_audit_log TRACKING FILE`` in a child
   process against PostgreSQL (``--database-url``, default the local test server) in a
   fresh scratch database: wall time and the child's peak resident memory. Targets (for
   10,000,000 rows): under 8 minutes and under 1 GB.

Peak memory is each child's own high-water mark (VmHWM), read as it exits. The CSV is
written by bench/make_audit_log.py (every quirk of released exports) unless ``--file``
names one. Figures are reported with met / NOT MET, not asserted: the script exits 0.

Run from the repository root:

    .venv/bin/python bench/audit_log.py [--rows 10000000] [--repeat 3] [--import]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
RATIO_TARGET = 1.5
ANALYSIS_MB_TARGET = 1000
IMPORT_SECONDS_TARGET = 8 * 60
IMPORT_MB_TARGET = 1000
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/recordsreq_bench"

sys.path.insert(0, str(REPO_ROOT))
from bench.scratch import scratch_database  # noqa: E402


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recordsreq.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()


def met(ok: bool) -> str:
    return "met" if ok else "NOT MET"


# A child's own peak memory, read as it exits: VmHWM, the high-water mark of this program.
# (ru_maxrss would not do: Linux keeps it across exec, so a child started by a large parent
# reports the parent's size.)
PEAK = ("def peak():\n"
        "    status = open('/proc/self/status').read()\n"
        "    sys.stderr.write('PEAK_KB ' + re.search(r'VmHWM:\\s+(\\d+)', status).group(1) + '\\n')\n"
        "atexit.register(peak)\n")

# The analysis, timed from after Django's start-up.
ANALYSIS = ("import atexit, io, re, sys, time\n" + PEAK +
            "sys.path.insert(0, '.')\n"
            "from bench.audit_log import setup_django\n"
            "setup_django()\n"
            "from django.core.management import call_command\n"
            "out = io.StringIO()\n"
            "start = time.perf_counter()\n"
            "call_command('analyze_audit_log', sys.argv[1], '--json', stdout=out, stderr=io.StringIO())\n"
            "sys.stderr.write(f'SECONDS {time.perf_counter() - start}\\n')\n"
            "print(out.getvalue())\n")

BASELINE = ("import atexit, json, re, sys, time\n" + PEAK +
            "sys.path.insert(0, '.')\n"
            "from bench.audit_log import baseline, baseline_rules\n"
            "rules = baseline_rules()\n"
            "start = time.perf_counter()\n"
            "found = baseline(sys.argv[1], rules)\n"
            "sys.stderr.write(f'SECONDS {time.perf_counter() - start}\\n')\n"
            "print(json.dumps(found))\n")


def baseline_rules() -> dict[str, list[tuple[str, str | None, str | None]]]:
    """(pattern, unless, always) of each rule by category, as polars (Rust) regexes; the
    federal agencies under "federal", matched on the organization."""
    setup_django()
    from requests_app.auditlogs import rules

    def spelled(pattern):
        return rules.portable(pattern) if pattern is not None else None

    found: dict[str, list] = {}
    for rule in (*rules.RULES, *rules.FEDERAL):
        found.setdefault(rule.category, []).append((spelled(rule.pattern), spelled(rule.unless), spelled(rule.always)))
    return found


def _rule_expr(column, pattern: str, unless: str | None, always: str | None):
    import polars as pl

    text = pl.col(column)
    hit = text.str.contains(pattern)
    if unless:
        hit = hit & ~text.str.contains(unless)
    if always:
        hit = hit | text.str.contains(always)
    return hit.fill_null(False)


def baseline(path: str, rules: dict[str, list]) -> dict[str, object]:
    """The analysis's work, written plainly in polars: searches, repeats, span, categories."""
    import polars as pl

    searched_at = pl.col("Search Time").str.strip_chars().str.strptime(
        pl.Datetime("us", "UTC"), "%m/%d/%Y, %I:%M:%S %p UTC", strict=False)
    rows = (pl.scan_csv(path, infer_schema=False)
            .select(pl.col("ID"), pl.col("Org Name").str.strip_chars().fill_null("").alias("organization"),
                    pl.col("Reason").str.strip_chars().fill_null("").alias("reason"), searched_at.alias("searched_at"))
            .filter(pl.col("searched_at").is_not_null()))
    counted = rows.with_columns(pl.col("ID").is_first_distinct().alias("first")).group_by(
        "organization", "reason").agg(pl.col("first").sum().alias("n"), pl.len().alias("read"),
                                      pl.col("searched_at").filter(pl.col("first")).min().alias("first_search"),
                                      pl.col("searched_at").filter(pl.col("first")).max().alias("last_search")).collect()
    flagged = counted.with_columns(
        *(pl.any_horizontal(_rule_expr("reason", *rule) for rule in each).alias(category)
          for category, each in rules.items() if category != "federal"),
        pl.any_horizontal(_rule_expr("organization", *rule) for rule in rules["federal"]).alias("federal"))
    return {"rows": int(counted["n"].sum()), "duplicates": int(counted["read"].sum() - counted["n"].sum()),
            "first_search": counted["first_search"].min().isoformat(),
            "last_search": counted["last_search"].max().isoformat(),
            "categories": {category: int(flagged.filter(pl.col(category))["n"].sum()) for category in rules}}


def timed(function, *args) -> tuple[float, object]:
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def child(program: str, path: Path) -> tuple[float, float, str]:
    """Runs ``program`` on the file in a fresh process: its own seconds, peak MB and output."""
    done = subprocess.run([sys.executable, "-c", program, str(path)], cwd=REPO_ROOT, capture_output=True, text=True,
                          check=False, env={**os.environ, "DEBUG": "1"})
    if done.returncode:
        raise SystemExit(f"the child process failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    seconds = float(re.search(r"SECONDS (\S+)", done.stderr).group(1))
    return seconds, int(re.search(r"PEAK_KB (\d+)", done.stderr).group(1)) / 1024, done.stdout


def compare(path: Path, repeat: int) -> None:
    runs: dict[str, list[tuple[float, float]]] = {"analysis": [], "baseline": []}
    for _ in range(repeat):
        seconds, peak, base = child(BASELINE, path)
        runs["baseline"].append((seconds, peak))
        seconds, peak, ours = child(ANALYSIS, path)
        runs["analysis"].append((seconds, peak))
    ours, base = json.loads(ours), json.loads(base)
    median = {name: statistics.median(s for s, _ in each) for name, each in runs.items()}
    peak = {name: max(p for _, p in each) for name, each in runs.items()}
    print(f"analysis: {ours['rows']:,} searches, {ours['duplicates']:,} repeated; medians of {repeat} runs each, "
          f"alternating")
    for name in ("analysis", "baseline"):
        times = ", ".join(f"{s:.2f}" for s, _ in runs[name])
        print(f"  {name}: {median[name]:.2f} s (runs {times}); peak memory {peak[name]:.0f} MB")
    _agreement(ours, base)
    ratio = median["analysis"] / median["baseline"]
    print(f"  ratio {ratio:.2f}x (target at most {RATIO_TARGET}x): {met(ratio <= RATIO_TARGET)}")
    print(f"  analysis peak memory {peak['analysis']:.0f} MB (target under {ANALYSIS_MB_TARGET} MB): "
          f"{met(peak['analysis'] < ANALYSIS_MB_TARGET)}")


def _agreement(ours: dict, base: dict) -> None:
    """Says whether the baseline counted what the analysis did: a baseline doing less work
    would flatter the ratio."""
    keys = ("rows", "duplicates", "first_search", "last_search")
    differ = [k for k in keys if ours[k] != base[k]] + [
        f"categories.{c}" for c in base["categories"] if ours["categories"][c] != base["categories"][c]]
    shown = ", ".join(f"{c} {n:,}" for c, n in base["categories"].items())
    print(f"  the baseline's counts: {shown}; " + (
        "the same as the analysis's" if not differ else f"NOT the analysis's in {', '.join(differ)}"))


def migrated_database(url: str, var_dir: Path) -> None:
    scratch_database(url)
    manage("migrate", "--noinput", database_url=url, var_dir=var_dir)


# Runs manage.py and, at exit, reports the process's own peak memory on stderr.
WRAPPER = ("import atexit, re, runpy, sys\n" + PEAK +
           "sys.argv = sys.argv[1:]\n"
           "runpy.run_path('manage.py', run_name='__main__')\n")


def manage(*args: str, database_url: str, var_dir: Path, upload_mb: int = 200) -> tuple[str, float]:
    """Runs manage.py in a child process: its output and its own peak memory in MB. Its
    files (the imported document's copy) go to ``var_dir``; ``upload_mb`` is the largest
    document it takes."""
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1", "VAR_DIR": str(var_dir),
           "UPLOAD_MAX_MB": str(upload_mb)}
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


def measure_import(path: Path, url: str, var_dir: Path) -> None:
    migrated_database(url, var_dir)
    tracking = manage("shell", "-c", SEED, database_url=url, var_dir=var_dir)[0].strip().splitlines()[-1]
    upload_mb = max(200, path.stat().st_size // (1 << 20) + 1)  # 10,000,000 rows are 1.9 GB
    seconds, (output, peak_mb) = timed(lambda: manage("import_audit_log", tracking, str(path), database_url=url,
                                                      var_dir=var_dir, upload_mb=upload_mb))
    stored = [line for line in output.splitlines() if " stored, " in line]  # the file's line, after the zone's
    print(f"import into PostgreSQL: {(stored or output.strip().splitlines())[0]}")
    print(f"  {seconds:.1f} s (target under {IMPORT_SECONDS_TARGET} s): {met(seconds < IMPORT_SECONDS_TARGET)}; "
          f"peak memory of the import process {peak_mb:.0f} MB (target under {IMPORT_MB_TARGET} MB): "
          f"{met(peak_mb < IMPORT_MB_TARGET)}")
    scratch_database(url, drop_only=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--file", type=Path, help="an existing Network Audit CSV instead of a generated one")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--import", dest="import_", action="store_true", help="also time an import into PostgreSQL")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    args = parser.parse_args(argv)
    if args.rows < 1 or args.repeat < 1:
        parser.error("--rows and --repeat must be at least 1")
    if args.file and not args.file.is_file():
        parser.error(f"--file {args.file}: no such file")
    setup_django()
    with tempfile.TemporaryDirectory(prefix="recordsreq-bench-") as folder:
        path = args.file or Path(folder) / "network-audit.csv"
        if not args.file:
            from bench.make_audit_log import write

            seconds, _ = timed(write, path, args.rows, 7)
            print(f"wrote {args.rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) in {seconds:.0f} s (not timed below)")
        compare(path, args.repeat)
        if args.import_:
            measure_import(path, args.database_url, Path(folder) / "var")  # removed with the folder
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
