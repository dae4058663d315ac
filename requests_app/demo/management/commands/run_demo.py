from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from requests_app.demo.services import DEMO_PASSWORD, DEMO_USERNAME

# How long the worker may take to finish its task once asked to stop (an idle one takes 2 to 4 s
# to notice); then it is killed, and the periodic sweeps pick up what it left unfinished.
STOP_GRACE = 5  # seconds


class Command(BaseCommand):
    help = (
        "Run the web server, a Celery worker and Celery beat together on the embedded "
        "defaults (for `make demo`; production runs them under a process manager)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address:port to serve on")

    def handle(self, *args, addr: str, **options) -> None:
        # SIGTERM (from a process manager or `kill`) unwinds like Ctrl-C, so the worker and
        # beat are always stopped with the web server.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        # Beat runs apart from the worker (not embedded with -B, which forks it as the
        # worker's own child) so that every process to stop is a child of this one.
        children: dict[str, subprocess.Popen] = {}
        try:
            children["the worker"] = subprocess.Popen(self._celery("worker", "--pool=solo"))
            schedule = settings.CELERY_BEAT_SCHEDULE_FILENAME
            children["beat"] = subprocess.Popen(self._celery("beat", "--schedule", schedule))
            self.stdout.write(self.style.SUCCESS(f"\nrecordsreq is running at http://{addr}/"))
            self.stdout.write(f"log in as {DEMO_USERNAME} / {DEMO_PASSWORD}  (Ctrl-C stops everything)\n")
            call_command("runserver", addr, use_reloader=False)
        finally:
            self.stdout.write("stopping the worker and beat")
            for name in stop(children, grace=STOP_GRACE):
                self.stdout.write(f"killed {name}: still running {STOP_GRACE} s after it was asked to stop")

    def _celery(self, *command: str) -> list[str]:
        return [sys.executable, "-m", "celery", "-A", "recordsreq", *command, "--loglevel=INFO"]


def stop(processes: dict[str, subprocess.Popen], *, grace: float) -> list[str]:
    """Asks each process to stop (a worker finishes its task), then kills those still running
    after ``grace`` seconds; returns their names."""
    # A second Ctrl-C or SIGTERM would cut this short and leave them running; it ends soon anyway.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + grace
    killed = []
    for name, process in processes.items():
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            killed.append(name)
    return killed
