"""Mapping an unrecognised export's columns by hand (of the sheet a person picks, in a
workbook), and importing it again under that map."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from requests_app.auditlogs.formats import mapped_format, norm
from requests_app.auditlogs.models import AuditImport
from requests_app.auditlogs.parse import headers_of, held_open
from requests_app.auditlogs.workbooks import sheet_headers, workbook_sheets
from requests_app.documents.models import Document
from requests_app.jobs.services import job_enqueue
from requests_app.teams.models import User

# The start of formats.UnknownFormat's message: the one failure a column map can cure.
UNKNOWN_COLUMNS = "the columns are not a known Flock export"
# Enough for any header row. A CSV is copied only this far so that showing the mapping
# form never copies a release of millions of rows; an XLSX or a PDF must be whole (each
# keeps its index at the end of the file).
HEAD_BYTES = 1 << 20


def can_remap(audit_import: AuditImport) -> bool:
    """Failed imports only: a failed import stored nothing, so importing the document again
    under a map cannot count any row twice. A failed hand-made map can be corrected too."""
    if audit_import.state != AuditImport.State.FAILED:
        return False
    return audit_import.error.startswith(UNKNOWN_COLUMNS) or bool(audit_import.column_map)


@dataclass(frozen=True)
class Columns:
    """What a column map is made from: the headers of the file, or of one sheet of a workbook."""

    headers: list[str]
    sheet: str = ""  # the sheet they are of ("" for a CSV or PDF)
    sheets: tuple[str, ...] = ()  # every sheet of the workbook, to pick another


def document_headers(document: Document) -> list[str]:
    """The document's columns, each once, in file order; raises ValueError if unreadable."""
    return document_columns(document).headers


def document_columns(document: Document, sheet: str = "") -> Columns:
    """The columns to map: the file's, or for a workbook those of ``sheet`` (by default the
    sheet with the most rows, likeliest the audit); raises ValueError if unreadable or if
    the workbook has no such sheet."""
    with tempfile.TemporaryDirectory(prefix="recordsreq-headers-") as folder:
        path = Path(folder) / f"log.{document.kind}"
        _copy_head(document, path, whole=document.kind != "csv")
        if document.kind != "xlsx":
            return Columns(_distinct(headers_of(path)))
        with held_open(path):
            return _sheet_columns(path, sheet)


def _sheet_columns(path: Path, sheet: str) -> Columns:
    sheets = workbook_sheets(path)
    named = [s.name for s in sheets if s.name.casefold() == sheet.strip().casefold()]
    if named:
        sheet = named[0]
    elif not sheet and sheets:
        sheet = max(sheets, key=lambda s: (s.rows_total, len(s.head))).name  # dimensions may be missing: 0
    return Columns(_distinct(sheet_headers(path, sheet)), sheet, tuple(s.name for s in sheets))


def _copy_head(document: Document, path: Path, *, whole: bool) -> None:
    with document.file.open("rb") as source, open(path, "wb") as target:
        if whole:
            shutil.copyfileobj(source, target)
            return
        head = source.read(HEAD_BYTES)
        if len(head) == HEAD_BYTES and b"\n" in head:
            head = head[: head.rindex(b"\n") + 1]  # no half line at the end
        target.write(head)


def _distinct(headers: list[str]) -> list[str]:
    # A map is keyed by header name, so a blank header cannot be mapped and a header that
    # repeats (in any case or spacing) is one choice, not two that could disagree.
    seen: set[str] = set()
    distinct = []
    for header in headers:
        if header.strip() and norm(header) not in seen:
            seen.add(norm(header))
            distinct.append(header)
    return distinct


def remap_import(*, audit_import: AuditImport, column_map: dict[str, str], user: User | None,
                 sheet: str = "") -> AuditImport:
    """A new import of the same document under ``column_map`` (file header -> search field),
    of ``sheet`` only if one is named, queued like any other; raises ValueError saying what
    is wrong with the map."""
    if not can_remap(audit_import):
        raise ValueError("only an import that failed on its columns can be imported again under a column map")
    mapped_format(column_map)
    new = AuditImport.objects.create(request_id=audit_import.request_id, document_id=audit_import.document_id,
                                     column_map=column_map, sheet=sheet, time_zone=audit_import.time_zone,
                                     created_by=user)
    job_enqueue(new)
    return new
