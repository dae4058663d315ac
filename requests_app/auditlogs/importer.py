"""Imports an audit-log document into a request: search events, sharing partners,
hot-list events or roster users, by the export's format; each recognised sheet of a
workbook by its own.

Searches stream in columnar batches (see frames.py), each stored in its own transaction
with the import's progress, so a file of millions of rows never sits in memory and a page
can follow it. A failed or interrupted import keeps nothing: its rows are removed.

The job runner (requests_app/jobs) runs an import as one step under its claim, so of two
workers handed the same import (a sweep re-queued it while the broker still held it) only
one reads it; one whose worker died (no progress for ``STALE``) is read again from scratch.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

import polars as pl
from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.utils import timezone

from requests_app.auditlogs import rules
from requests_app.auditlogs.formats import UnknownFormat
from requests_app.auditlogs.frames import Source, open_source
from requests_app.auditlogs.hotlist import store_hotlist
from requests_app.auditlogs.models import (AuditImport, CustomTerm, HotlistEvent, RosterUser, SearchEvent,
                                           SharingRelation)
from requests_app.auditlogs.parse import Rejected, held_open, nothing_read, records, relations
from requests_app.auditlogs.roster import store_users
from requests_app.auditlogs.sharing import partner_key
from requests_app.auditlogs.storage import store_events
from requests_app.auditlogs.workbooks import Found, Layout, examine
from requests_app.auditlogs.zones import check_zone, request_zone
from requests_app.documents.models import Document
from requests_app.jobs.registry import Kind, register
from requests_app.jobs.services import job_enqueue
from requests_app.records.models import RecordsRequest
from requests_app.teams.models import User

logger = logging.getLogger(__name__)
BATCH = 5000  # sharing partners per INSERT
AUDIT_LOG_KINDS = ("csv", "xlsx", "pdf")
# A running import records progress every few seconds; this long without any, its worker died.
STALE = timedelta(minutes=15)
# A 17-million-row release takes minutes, not the default task's five: an hour, then stop.
IMPORT_SOFT_LIMIT = 3600


class NotAnAuditLog(ValueError):
    pass


def import_queue(*, request: RecordsRequest, document: Document, user: User | None,
                 column_map: dict[str, str] | None = None, time_zone: str | None = None) -> AuditImport:
    """A queued import of the document; times without a zone are read in ``time_zone`` (an
    IANA name, checked: ValueError), by default the agency's (``request_zone``)."""
    if document.kind not in AUDIT_LOG_KINDS:
        raise NotAnAuditLog(f"{document.original_name} is a {document.get_kind_display()}; "
                            "audit logs are read from CSV, XLSX or PDF releases.")
    zone = check_zone(time_zone) if time_zone else request_zone(request).name
    audit_import = AuditImport.objects.create(request=request, document=document, created_by=user,
                                              column_map=column_map or {}, time_zone=zone)
    job_enqueue(audit_import)
    return audit_import


def _local_copy(document: Document, folder: str) -> Path:
    path = Path(folder) / f"log.{document.kind}"
    with document.file.open("rb") as source, open(path, "wb") as target:
        shutil.copyfileobj(source, target)
    return path


def import_step(audit_import: AuditImport) -> bool:
    """The job runner's step: the whole import, in one go (it records its own progress)."""
    run(audit_import)
    return False


def run(audit_import: AuditImport) -> AuditImport:
    """Reads the document and stores its rows; marks the import failed with the reason if the
    file is not an audit log. A failed import leaves nothing stored."""
    AuditImport.objects.filter(pk=audit_import.pk).update(state=AuditImport.State.RUNNING, updated_at=timezone.now())
    try:
        with tempfile.TemporaryDirectory(prefix="recordsreq-audit-") as folder:
            _read_replacing(audit_import, _local_copy(audit_import.document, folder))
    except (UnknownFormat, NotAnAuditLog, ValueError) as exc:
        _discard(audit_import)
        audit_import.state, audit_import.error = AuditImport.State.FAILED, str(exc)[:4000]
    except SoftTimeLimitExceeded:
        _discard(audit_import)
        audit_import.state = AuditImport.State.FAILED
        audit_import.error = ("The import ran past its time limit and was stopped; nothing was stored. "
                              "Import the release a few files at a time (one per month, say).")
    except Exception:
        # A fault of ours, not of the file: logged with its traceback for whoever runs the
        # service, shown to the user as a failure rather than an import that never ends.
        logger.exception("audit import %s stopped", audit_import.pk)
        _discard(audit_import)
        audit_import.state = AuditImport.State.FAILED
        audit_import.error = ("The import stopped on an internal error and nothing was stored; "
                              "the error has been logged. Try again, or send the file to support.")
    else:
        audit_import.state = AuditImport.State.DONE
    audit_import.rules_version, audit_import.finished_at = rules.VERSION, timezone.now()
    audit_import.save()
    return audit_import


def _read_replacing(audit_import: AuditImport, path: Path) -> None:
    """Reads the file; a reading again (in another zone) of an earlier import replaces that
    import's rows in one transaction, so they go only if the new reading succeeds. (Its
    progress is seen when it commits: other connections do not see inside it.)"""
    if audit_import.replaces_id is None:
        _read_into(audit_import, path)
        return
    with transaction.atomic():
        earlier = AuditImport(pk=audit_import.replaces_id)
        _discard(earlier)  # first: the new rows have the same keys
        _read_into(audit_import, path)
        earlier.delete()
        audit_import.replaces = None


def _read_into(audit_import: AuditImport, path: Path) -> None:
    with held_open(path):  # a workbook loaded once, however many of its sheets are read
        _read_parts(audit_import, path)


def _read_parts(audit_import: AuditImport, path: Path) -> None:
    layout = examine(path, audit_import.column_map or None, audit_import.sheet or None)
    audit_import.format = layout.found[0].format.key if len(layout.found) == 1 else WORKBOOK
    _discard(audit_import)  # rows left by an earlier attempt whose worker was killed
    audit_import.rows = audit_import.duplicates = audit_import.rejected = 0  # and its counts: each sheet adds its own
    audit_import.rejected_sample = []
    results = [_read_part(audit_import, path, found, by_sheet=layout.is_workbook) for found in layout.found]
    if layout.is_workbook:
        audit_import.sheets = _in_sheet_order(layout, results)
    if not (audit_import.rows or audit_import.duplicates):
        raise ValueError(_nothing_read(layout, results))


WORKBOOK = "workbook"  # the format of an import that read several sheets, each of its own format


def _nothing_read(layout: Layout, results: list[dict]) -> str:
    if not layout.is_workbook:
        return results[0]["error"]
    each = "; ".join(f"sheet {r['name']!r}: {r['error']}" for r in results)
    return f"no row was read from any sheet of the workbook: {each}"


def _in_sheet_order(layout: Layout, results: list[dict]) -> list[dict]:
    skipped = [{"name": s.sheet, "format": None, "why": s.why} for s in layout.skipped]
    return sorted(results + skipped, key=lambda entry: layout.sheets.index(entry["name"]))


def _read_part(audit_import: AuditImport, path: Path, found: Found, *, by_sheet: bool) -> dict:
    """Reads one part (a sheet, or the whole file) into the import, adding its counts to the
    import's; returns them, with why nothing was read if so."""
    rows, repeated, rejected = audit_import.rows, audit_import.duplicates, audit_import.rejected
    sampled = len(audit_import.rejected_sample)
    audit_import.rows = audit_import.duplicates = 0
    _store_part(audit_import, path, found)
    mine = audit_import.rejected_sample[sampled:]
    if by_sheet:  # the line alone would not say which sheet a rejected row is on
        for sample in mine:
            sample[1] = f"sheet {found.part.sheet!r}: {sample[1]}"
    result = {"name": found.part.sheet, "format": found.format.key, "kind": found.format.kind,
              "read": audit_import.rows + audit_import.duplicates, "rows": audit_import.rows,
              "repeated": audit_import.duplicates, "rejected": audit_import.rejected - rejected}
    if not result["read"]:
        result["error"] = nothing_read(result["rejected"], tuple(mine[0]) if mine else None,
                                       "sheet" if by_sheet else "file")
    audit_import.rows, audit_import.duplicates = rows + audit_import.rows, repeated + audit_import.duplicates
    return result


def _store_part(audit_import: AuditImport, path: Path, found: Found) -> None:
    column_map, part, kind = found.column_map, found.part, found.format.kind
    if kind == "sharing":
        with transaction.atomic():
            _store_relations(audit_import, relations(path, column_map, part))
    elif kind == "hotlist":
        with transaction.atomic():
            store_hotlist(audit_import, records(path, column_map, part)[1])
    elif kind == "users":
        with transaction.atomic():
            store_users(audit_import, records(path, column_map, part)[1])
    else:
        extra = CustomTerm.rules_of(audit_import.request.organization_id)
        store_searches(audit_import, open_source(path, column_map, extra, part=part, zone=audit_import.time_zone))


def _discard(audit_import: AuditImport) -> None:
    for model in (SearchEvent, SharingRelation, HotlistEvent, RosterUser):
        model.objects.filter(audit_import_id=audit_import.pk).delete()


def store_searches(audit_import: AuditImport, source: Source) -> None:
    """Stores the source's batches as they come, each in its own transaction, and records
    progress after each, so a page can follow a million-row import."""
    before = SearchEvent.objects.filter(request_id=audit_import.request_id).count()
    read_rows = 0
    for batch in source.batches:
        accepted = _note_rejected(audit_import, batch)
        read_rows += accepted.height
        with transaction.atomic():
            store_events(accepted, request_id=audit_import.request_id, audit_import_id=audit_import.pk)
        AuditImport.objects.filter(pk=audit_import.pk).update(
            handled=int(batch["line"].max() or 0), total=source.lines_total, rejected=audit_import.rejected,
            updated_at=timezone.now())
    stored = SearchEvent.objects.filter(request_id=audit_import.request_id).count() - before
    audit_import.rows, audit_import.duplicates = stored, read_rows - stored
    audit_import.lines_done = audit_import.lines_total = source.lines_total


def _note_rejected(audit_import: AuditImport, batch: pl.DataFrame) -> pl.DataFrame:
    rejected = batch.filter(pl.col("rejected").is_not_null())
    samples = rejected.select("line", "rejected").head(AuditImport.REJECTED_SAMPLE).rows()
    audit_import.note_rejected(samples, count=rejected.height)
    return batch.filter(pl.col("rejected").is_null())


def _store_relations(audit_import: AuditImport, relations) -> None:
    """One row per organization listed; an organization already listed (in this file or an
    earlier import, whatever its spelling's case and spacing) counts as repeated."""
    known = {partner_key(name) for name in
             SharingRelation.objects.filter(request_id=audit_import.request_id).values_list("organization", flat=True)}
    rows, repeated = [], 0
    for item in relations:
        if isinstance(item, Rejected):
            audit_import.note_rejected([(item.line, item.reason)])
            continue
        key = partner_key(item.organization[:300])
        if key in known:
            repeated += 1
            continue
        known.add(key)
        rows.append(SharingRelation(request_id=audit_import.request_id, audit_import=audit_import,
                                    organization=item.organization[:300], direction=item.direction,
                                    state=item.state, kind=item.kind, networks_shared_with_me=list(item.shared_with_me),
                                    networks_sharing=list(item.sharing)))
    before = SharingRelation.objects.filter(request_id=audit_import.request_id).count()
    # An import of the same request running at once may have stored some meanwhile.
    SharingRelation.objects.bulk_create(rows, ignore_conflicts=True, batch_size=BATCH)
    stored = SharingRelation.objects.filter(request_id=audit_import.request_id).count() - before
    audit_import.rows, audit_import.duplicates = stored, repeated + len(rows) - stored


register(Kind(name="audit_import", model=AuditImport, step=import_step, stale_after=STALE,
              time_limits=(IMPORT_SOFT_LIMIT, IMPORT_SOFT_LIMIT + 120), related=("document", "request")))
