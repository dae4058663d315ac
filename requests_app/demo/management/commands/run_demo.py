from __future__ import annotations

import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from requests_app.demo.services import DEMO_PASSWORD, DEMO_USERNAME


class Command(BaseCommand):
    help = (
        "Run the web server, a Celery worker and Celery beat together on the embedded "
        "defaults (for `make demo`; production runs them as separate processes)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address:port to serve on")

    def handle(self, *args, addr: str, **options) -> None:
        # SIGTERM (from a process manager or `kill`) unwinds like Ctrl-C, so the
        # worker below is always stopped with the web server.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        worker = subprocess.Popen(self._worker_command())
        self.stdout.write(self.style.SUCCESS(f"\nrecordsreq is running at http://{addr}/"))
        self.stdout.write(f"log in as {DEMO_USERNAME} / {DEMO_PASSWORD}  (Ctrl-C stops everything)\n")
        try:
            call_command("runserver", addr, use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=30)

    def _worker_command(self) -> list[str]:
        # -B embeds beat in this one worker: fine for a demo, never for more than one worker.
        return [
            sys.executable, "-m", "celery", "-A", "recordsreq", "worker", "-B",
            "--pool=solo", "--loglevel=INFO",
            "--schedule", str(settings.CELERY_BEAT_SCHEDULE_FILENAME),
        ]
