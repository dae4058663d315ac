"""`run_demo` as `make demo` runs it: web server, worker and beat, stopped by Ctrl-C or SIGTERM.

Ctrl-C in a terminal sends SIGINT to the whole foreground process group; a process manager
sends SIGTERM to run_demo alone. Either way every process is gone within 10 s, and the
port is free; and when one of them cannot run, the others are stopped too. The processes
share the test database.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.workers import ROOT, database_url

STOPPED_WITHIN = 10  # seconds


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except OSError:
        return 0, ""


def wait_for(ready, what: str, log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {seconds} s; run_demo printed:\n{log.read_text(errors='replace')[-6000:]}")
        time.sleep(0.25)


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@contextmanager
def run_demo(port: int, folder: Path) -> Iterator[tuple[subprocess.Popen, Path]]:
    """run_demo in a process group of its own, as a terminal starts a command."""
    log = folder / "run_demo.log"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "recordsreq.settings", "DEBUG": "1", "VAR_DIR": str(folder),
           "DATABASE_URL": database_url(), "CELERY_BROKER_URL": f"sqla+sqlite:///{folder / 'broker.sqlite3'}"}
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "manage.py", "run_demo", "--addr", f"127.0.0.1:{port}"],
                                   cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process, log
    finally:
        if group_alive(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_until_gone(process: subprocess.Popen, log: Path) -> float:
    """Seconds until run_demo and every process it started are gone."""
    started = time.monotonic()
    # Once run_demo is reaped, only a process it left behind would keep its group.
    wait_for(lambda: process.poll() is not None and not group_alive(process.pid),
             f"still running {STOPPED_WITHIN} s after the signal", log, seconds=STOPPED_WITHIN)
    return time.monotonic() - started


@pytest.fixture
def demo(db, tmp_path):
    """run_demo once its web server answers and its worker and beat have started."""
    port = free_port()
    with run_demo(port, tmp_path) as (process, log):
        wait_for(lambda: get(f"http://127.0.0.1:{port}/healthz")[0] == 200, "no /healthz 200", log)
        wait_for(lambda: re.search(rb"celery@\S+ ready", log.read_bytes()) and b"beat: Starting" in log.read_bytes(),
                 "no worker ready and beat started", log)
        yield process, port, log


@pytest.mark.parametrize("stop", [
    pytest.param(lambda process: os.killpg(process.pid, signal.SIGINT), id="ctrl-c"),
    pytest.param(lambda process: process.send_signal(signal.SIGTERM), id="sigterm"),
])
def test_it_serves_the_app_and_stops_everything_within_ten_seconds(demo, stop):
    process, port, log = demo
    status, page = get(f"http://127.0.0.1:{port}/accounts/login/")
    assert status == 200 and 'name="password"' in page
    stop(process)
    print(f"stopped in {wait_until_gone(process, log):.1f} s")
    assert process.wait() == 0
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0, "nothing listens on the port"


def test_it_stops_the_worker_and_beat_when_the_port_is_taken(db, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with run_demo(taken.getsockname()[1], tmp_path) as (process, log):
            wait_for(lambda: process.poll() is not None, "run_demo still running", log)
            wait_until_gone(process, log)
            output = log.read_text()
    assert process.returncode == 1
    assert "That port is already in use" in output
    assert "the web server stopped (exit code 1), so the demo stops" in output
