from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from requests_app.agencies.importer import COLUMNS, ImportFileError, import_agencies


class Command(BaseCommand):
    help = (
        "Import agencies from a CSV file with columns "
        f"{','.join(COLUMNS)}. Rows matching an existing agency (same name and state) "
        "update it; blank cells keep stored values. Exits 1 if any row is rejected."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="CSV file, UTF-8")

    def handle(self, *args, file: Path, **options) -> None:
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror or exc}") from None
        try:
            report = import_agencies(data=data)
        except ImportFileError as exc:
            raise CommandError(f"{file}: {exc}; nothing was imported") from None
        self.stdout.write(report.summary())
        if report.unchanged:
            self.stdout.write(f"{report.unchanged} of the updated agencies already matched the file.")
        for rejection in report.rejected:
            self.stdout.write(f"  rejected {rejection}")
        if report.rejected:
            raise CommandError(f"{len(report.rejected)} row(s) rejected; the other rows were imported")
