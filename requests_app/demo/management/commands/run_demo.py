from __future__ import annotations

import gc
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

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
        # SIGTERM (from a process manager or `kill`) unwinds like Ctrl-C.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        # All three run as children of this command, which stops them however it ends. Beat is
        # not embedded in the worker (-B forks it as the worker's child, out of reach here), nor
        # the web server in this process (runserver ends its process with os._exit when the
        # port is taken, which would leave the worker and beat running).
        children: dict[str, subprocess.Popen] = {}
        try:
            children["the web server"] = start([sys.executable, str(settings.BASE_DIR / "manage.py"), "runserver",
                                                addr, "--noreload"])
            children["the worker"] = start(self._celery("worker", "--pool=solo"))
            children["beat"] = start(self._celery("beat", "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME))
            self.stdout.write(self.style.SUCCESS(f"\nrecordsreq is starting at http://{addr}/"))
            self.stdout.write(f"log in as {DEMO_USERNAME} / {DEMO_PASSWORD}  (Ctrl-C stops everything)\n")
            # What this process has loaded lives until it exits: frozen, it is not collected at
            # exit, which takes a second or more for a Django process and would delay the stop.
            gc.freeze()
            name, code = first_to_exit(children)
            raise CommandError(f"{name} stopped (exit code {code}), so the demo stops: see above for why")
        except KeyboardInterrupt:
            pass
        finally:
            self.stdout.write("stopping the web server, the worker and beat")
            for name in stop(children, grace=STOP_GRACE):
                self.stdout.write(f"killed {name}: still running {STOP_GRACE} s after it was asked to stop")

    def _celery(self, *command: str) -> list[str]:
        return [sys.executable, "-m", "celery", "-A", "recordsreq", *command, "--loglevel=INFO"]


def start(command: list[str]) -> subprocess.Popen:
    """A child in a process group of its own: the terminal's Ctrl-C reaches this command only,
    which then asks each child once to stop. Signalled by both, beat and the worker would
    begin their shutdown twice (beat then dies with a traceback)."""
    return subprocess.Popen(command, process_group=0)


def first_to_exit(processes: dict[str, subprocess.Popen]) -> tuple[str, int]:
    """The name and exit code of the first of ``processes`` to exit."""
    while True:
        for name, process in processes.items():
            if process.poll() is not None:
                return name, process.returncode
        time.sleep(0.5)


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
