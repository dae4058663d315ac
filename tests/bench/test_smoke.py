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

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUNS = {
    "make_audit_log": ["bench/make_audit_log.py", "200", "-o", "{tmp}/audit.csv"],
    "audit_log": ["bench/audit_log.py", "--rows", "2000", "--repeat", "1"],
    "rules": ["bench/rules.py"],
    "letters": ["bench/letters.py", "--letters", "2", "--runs", "1"],
    "campaign": ["bench/campaign.py", "--agencies", "3", "--runs", "1"],
    "deadlines": ["bench/deadlines.py", "--requests", "120", "--databases", "sqlite"],
    "directory_search": ["bench/directory_search.py", "--repeat", "1", "--warm-up", "0", "--databases", "sqlite"],
    "pages": ["bench/pages.py", "--databases", "sqlite", "--requests", "60", "--check-at", "30", "--agencies", "20",
              "--workers", "1", "--clients", "1", "--rounds", "3", "--warm-up", "0", "--sample", "20"],
}


# Each benchmark runs in a process of its own on a scratch database of its own, whatever
# database the suite runs on: the suite on PostgreSQL would run the very same thing again.
@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="run once, by the suite on the embedded database")
@pytest.mark.parametrize("name", RUNS)
def test_the_benchmark_runs_at_a_tiny_size(name, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "VAR_DIR", "DJANGO_SETTINGS_MODULE")}
    args = [arg.format(tmp=tmp_path) for arg in RUNS[name]]
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{name} stopped:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    if name == "make_audit_log":  # it writes the file, and says nothing
        with (tmp_path / "audit.csv").open(newline="") as handle:
            assert len(list(csv.reader(handle))) == 201  # the header and 200 searches
    elif name == "pages":  # a worker's failure is reported, not raised: its table must be there
        assert re.search(r"^SQLite [\d.]+: \d+ demo requests", done.stdout, re.MULTILINE), done.stdout[-3000:]
    else:
        assert done.stdout.strip(), f"{name} printed nothing"
