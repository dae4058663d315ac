"""Every benchmark still runs: each at a tiny size, in its own process, as the README says to
run it. The figures at this size mean nothing and are not judged; a benchmark that no longer
runs (a moved function, a fixture the app now refuses) fails here instead of on the day its
figures are wanted."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Each runs once, in one suite: CI runs the suites side by side, so the runs are shared
# between them, and those of the PostgreSQL suite measure PostgreSQL (a scratch database
# on its server, named for the benchmark).
SQLITE, POSTGRES = "sqlite", "postgres"
RUNS = {
    "make_audit_log": (SQLITE, ["bench/make_audit_log.py", "200", "-o", "{tmp}/audit.csv"]),
    "audit_log": (SQLITE, ["bench/audit_log.py", "--rows", "2000", "--repeat", "1"]),
    "rules": (SQLITE, ["bench/rules.py"]),
    "letters": (SQLITE, ["bench/letters.py", "--letters", "2", "--runs", "1"]),
    "campaign": (POSTGRES, ["bench/campaign.py", "--agencies", "3", "--runs", "1", "--database-url", "{postgres}"]),
    "deadlines": (SQLITE, ["bench/deadlines.py", "--requests", "120", "--databases", "sqlite"]),
    "directory_search": (POSTGRES, ["bench/directory_search.py", "--repeat", "1", "--warm-up", "0",
                                    "--databases", "postgres", "--postgres-url", "{postgres}"]),
    "pages": (SQLITE, ["bench/pages.py", "--databases", "sqlite", "--requests", "60", "--check-at", "30",
                       "--agencies", "20", "--workers", "1", "--clients", "1", "--rounds", "3", "--warm-up", "0",
                       "--sample", "20"]),
}
SUITE = POSTGRES if os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql")) else SQLITE


def scratch_postgres(name: str) -> str:
    """A database of the suite's PostgreSQL server for the benchmark to make and drop."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/recordsreq_smoke_{name}"))


@pytest.mark.parametrize("name", RUNS)
def test_the_benchmark_runs_at_a_tiny_size(name, tmp_path):
    suite, command = RUNS[name]
    if suite != SUITE:
        pytest.skip(f"run by the suite on {suite}")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "VAR_DIR", "DJANGO_SETTINGS_MODULE")}
    postgres = scratch_postgres(name) if suite == POSTGRES else ""
    args = [arg.format(tmp=tmp_path, postgres=postgres) for arg in command]
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{name} stopped:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    if suite == POSTGRES:  # measured there, not skipped as unreachable
        assert re.search(r"PostgreSQL \d", done.stdout) and "unreachable" not in done.stdout, done.stdout[-3000:]
    if name == "make_audit_log":  # it writes the file, and says nothing
        with (tmp_path / "audit.csv").open(newline="") as handle:
            assert len(list(csv.reader(handle))) == 201  # the header and 200 searches
    elif name == "campaign":  # the floor it is read against, measured in the same run
        assert re.search(r"^bare WeasyPrint, the same letters on 2 processes: [\d.]+ s", done.stdout,
                         re.MULTILINE), done.stdout[-3000:]
    elif name == "pages":  # a worker's failure is reported, not raised: its table must be there
        assert re.search(r"^SQLite [\d.]+: \d+ demo requests", done.stdout, re.MULTILINE), done.stdout[-3000:]
    else:
        assert done.stdout.strip(), f"{name} printed nothing"
