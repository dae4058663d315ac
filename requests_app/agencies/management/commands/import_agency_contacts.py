from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from requests_app.agencies.contact_import import COLUMNS, ImportFileError, import_contacts


class Command(BaseCommand):
    help = (
        "Import records contacts of agencies already in the directory from a CSV file with columns "
        f"{','.join(COLUMNS)} (or ori instead of name and state). Every row needs a source_url; blank "
        "cells keep stored values; rows with every contact cell blank are skipped; no agency is created. Exits 1 if any row is rejected."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="CSV file, UTF-8")

    def handle(self, *args, file: Path, **options) -> None:
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror or exc}") from None
        try:
            report = import_contacts(data=data, membership=None, today=timezone.localdate())
        except ImportFileError as exc:
            raise CommandError(f"{file}: {exc}; nothing was imported") from None
        self.stdout.write(report.summary())
        if report.unchanged:
            self.stdout.write(f"{report.unchanged} of the updated agencies already had these contacts "
                              "(their source and date were updated).")
        for note in report.skipped:
            self.stdout.write(f"  skipped {note}")
        for rejection in report.rejected:
            self.stdout.write(f"  rejected {rejection}")
        if report.rejected:
            raise CommandError(f"{len(report.rejected)} row(s) rejected; the other rows were imported")
