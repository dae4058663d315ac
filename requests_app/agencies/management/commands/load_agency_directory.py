from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from requests_app.agencies.directory import DATA_DIR
from requests_app.agencies.directory_load import load_directory
from requests_app.agencies.federal_load import load_federal_offices
from requests_app.agencies.federal_offices import OFFICES_FILE
from requests_app.laws.models import Jurisdiction


class Command(BaseCommand):
    help = (
        "Load the bundled agency directory (FBI roster, Flock sharing network, NC ALPR survey), then "
        "the federal FOIA offices (18F's list of 2017) onto the federal agencies, their contacts "
        "marked to verify. Safe to re-run: agencies are updated in place, never duplicated or "
        "deleted, and fields and contacts edited by hand are kept."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--data-dir", type=Path, default=DATA_DIR,
            help="Folder holding the three CSV files (default: the bundled copies).",
        )
        parser.add_argument(
            "--federal-offices", type=Path, default=OFFICES_FILE,
            help="The federal FOIA offices file (default: the bundled data/federal_foia/offices.json).",
        )

    def handle(self, *args, data_dir: Path, federal_offices: Path, **options) -> None:
        try:
            with transaction.atomic():  # both parts or neither
                report = load_directory(data_dir=data_dir)
                federal = load_federal_offices(path=federal_offices)
        except FileNotFoundError as exc:
            raise CommandError(f"cannot read {exc.filename}: the directory was not loaded") from None
        except KeyError as exc:
            raise CommandError(f"a data file lacks the column {exc}: the directory was not loaded") from None
        except ValueError as exc:
            raise CommandError(f"{exc}: the directory was not loaded") from None
        except Jurisdiction.DoesNotExist:
            raise CommandError("the US jurisdiction is missing (run migrate): the directory was not loaded") from None
        for line in [*report.lines(), *federal.lines()]:
            self.stdout.write(line)
