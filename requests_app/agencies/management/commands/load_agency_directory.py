from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from requests_app.agencies.directory import DATA_DIR
from requests_app.agencies.directory_load import load_directory


class Command(BaseCommand):
    help = (
        "Load the bundled agency directory (FBI roster, Flock sharing network, NC ALPR survey). "
        "Safe to re-run: agencies are updated in place, never duplicated or deleted, and fields "
        "edited by hand are kept."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--data-dir", type=Path, default=DATA_DIR,
            help="Folder holding the three CSV files (default: the bundled copies).",
        )

    def handle(self, *args, data_dir: Path, **options) -> None:
        try:
            report = load_directory(data_dir=data_dir)
        except FileNotFoundError as exc:
            raise CommandError(f"cannot read {exc.filename}: the directory was not loaded") from None
        except KeyError as exc:
            raise CommandError(f"a data file lacks the column {exc}: the directory was not loaded") from None
        for line in report.lines():
            self.stdout.write(line)
