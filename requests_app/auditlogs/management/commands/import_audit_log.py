from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from requests_app.auditlogs.importer import AUDIT_LOG_KINDS, NotAnAuditLog, run
from requests_app.auditlogs.zones import LocalZone, chosen_zone
from requests_app.auditlogs.formats import FORMATS
from requests_app.auditlogs.management.columns import add_column_option, add_sheet_option, column_map
from requests_app.auditlogs.models import AuditImport
from requests_app.auditlogs.workbooks import NOUNS, sheet_lines
from requests_app.documents.upload import upload_file
from requests_app.records.models import RecordsRequest


def _kind(format_key: str) -> str:
    return next((f.kind for f in FORMATS if f.key == format_key), "search")


def _zone(name: str | None, request: RecordsRequest) -> LocalZone:
    try:
        return chosen_zone(name, request.agency.jurisdiction.state_code)
    except ValueError as exc:
        raise CommandError(f"--tz: {exc}") from None


class Command(BaseCommand):
    help = ("Import Flock audit-log exports into a request: each file is kept as a document "
            "(through the upload service) and its searches stored and flagged.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("tracking")
        parser.add_argument("files", nargs="+", type=Path)
        add_column_option(parser)
        add_sheet_option(parser)
        parser.add_argument("--tz", metavar="ZONE", help="the IANA zone times without a zone are in (e.g. "
                                                         "America/Chicago); default the zone of the agency's state")

    def handle(self, *args, tracking: str, files: list[Path], **options) -> None:
        try:
            request = RecordsRequest.objects.select_related("organization", "agency__jurisdiction__parent").get(
                tracking=tracking.strip().upper())
        except RecordsRequest.DoesNotExist:
            raise CommandError(f"no request with tracking reference {tracking!r}") from None
        mapping = column_map(options["column"]) or {}
        sheet = (options["sheet"] or "").strip()
        zone = _zone(options["tz"], request)
        self.stdout.write(zone.explain())
        failed = sum(self._one(request, path, mapping, sheet, zone.name) for path in files)
        if failed:
            raise CommandError(f"{failed} file(s) not imported, or not wholly: see above")

    def _one(self, request: RecordsRequest, path: Path, mapping: dict[str, str], sheet: str, zone: str) -> int:
        try:
            with open(path, "rb") as stream:
                uploaded = upload_file(request=request, user=None, name=path.name, stream=stream)
        except OSError as exc:
            self.stdout.write(f"{path}: cannot read it: {exc.strerror or exc}")
            return 1
        if uploaded.document is None:
            self.stdout.write(f"{path}: refused: {uploaded.reason}")
            return 1
        if uploaded.document.kind not in AUDIT_LOG_KINDS:
            self.stdout.write(f"{path}: {NotAnAuditLog.__name__}: a {uploaded.document.get_kind_display()} file")
            return 1
        result = run(AuditImport.objects.create(request=request, document=uploaded.document, column_map=mapping,
                                                sheet=sheet, time_zone=zone))
        if result.state == AuditImport.State.FAILED:
            self.stdout.write(f"{path}: not imported: {result.error}")
            return 1
        if result.sheets:
            self.stdout.write(f"{path}: {result.rows} rows stored, {result.duplicates} repeated, "
                              f"{result.rejected} rejected")
            for line, _ in sheet_lines(result.sheets):
                self.stdout.write(f"  {line}")
        else:
            noun = NOUNS.get(_kind(result.format), "searches")
            self.stdout.write(f"{path}: {result.format}: {result.rows} {noun} stored, {result.duplicates} repeated, "
                              f"{result.rejected} rejected")
        for line, reason in result.rejected_sample[:20]:
            self.stdout.write(f"  line {line}: {reason}")
        return int(any(entry.get("error") for entry in result.sheets))  # a sheet that gave nothing is an error
