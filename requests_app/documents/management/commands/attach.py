from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from requests_app.documents.upload import UploadResult, upload_file
from requests_app.records.models import RecordsRequest


class Command(BaseCommand):
    help = ("Attach files to a request through the upload service; prints each document's id, type and "
            "sha256, or why it was refused. Exits 1 if any file was refused.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("tracking", help="the request's tracking reference, e.g. RR-2026-0042")
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--note", default="", help="a note kept with each file")

    def handle(self, *args, tracking: str, files: list[Path], note: str, **options) -> None:
        try:
            request = RecordsRequest.objects.select_related("organization").get(tracking=tracking.strip().upper())
        except RecordsRequest.DoesNotExist:
            raise CommandError(f"no request with tracking reference {tracking!r}") from None
        refused = 0
        for path in files:
            try:
                with open(path, "rb") as stream:
                    result = upload_file(request=request, user=None, name=path.name, stream=stream, note=note)
            except OSError as exc:
                result = UploadResult(str(path), "refused", reason=f"cannot read it: {exc.strerror or exc}")
            refused += self._report(result, str(path))
        if refused:
            raise CommandError(f"{refused} file(s) refused")

    def _report(self, result: UploadResult, label: str, indent: str = "") -> int:
        if result.status == "refused":
            self.stdout.write(f"{indent}{label}: refused: {result.reason}")
            refused = 1
        else:
            doc = result.document
            self.stdout.write(f"{indent}{label}: {doc.pk} {doc.kind} {doc.sha256} ({result.status})")
            refused = 0
        for member in result.members:
            refused += self._report(member, member.name, indent + "  ")
        return refused
