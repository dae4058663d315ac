"""Imports an audit-log document into a request: search events, sharing relations or
hot-list events, by the export's format.

Searches stream in columnar batches (see frames.py), each stored in its own transaction
with the import's progress, so a file of millions of rows never sits in memory and a page
can follow it. A failed or interrupted import keeps nothing: its rows are removed.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from requests_app.auditlogs import rules
from requests_app.auditlogs.formats import UnknownFormat
from requests_app.auditlogs.frames import Source, open_source
from requests_app.auditlogs.hotlist import store_hotlist
from requests_app.auditlogs.models import AuditImport, CustomTerm, HotlistEvent, SearchEvent, SharingRelation
from requests_app.auditlogs.parse import Rejected, format_for, headers_of, nothing_read, records, relations
from requests_app.auditlogs.storage import store_events
from requests_app.auditlogs.zones import check_zone, request_zone
from requests_app.documents.models import Document
from requests_app.records.models import RecordsRequest
from requests_app.teams.models import User

logger = logging.getLogger(__name__)
BATCH = 5000  # sharing relations per INSERT
AUDIT_LOG_KINDS = ("csv", "xlsx", "pdf")
# A running import records progress every few seconds; this long without any, its worker died.
STALE = timedelta(minutes=15)


class NotAnAuditLog(ValueError):
    pass


def import_queue(*, request: RecordsRequest, document: Document, user: User | None,
                 column_map: dict[str, str] | None = None, time_zone: str | None = None) -> AuditImport:
    """A queued import of the document; times without a zone are read in ``time_zone`` (an
    IANA name, checked: ValueError), by default the agency's (``request_zone``)."""
    from requests_app.auditlogs.tasks import run_import
    from requests_app.ops.queue import enqueue_on_commit

    if document.kind not in AUDIT_LOG_KINDS:
        raise NotAnAuditLog(f"{document.original_name} is a {document.get_kind_display()}; "
                            "audit logs are read from CSV, XLSX or PDF releases.")
    zone = check_zone(time_zone) if time_zone else request_zone(request).name
    audit_import = AuditImport.objects.create(request=request, document=document, created_by=user,
                                              column_map=column_map or {}, time_zone=zone)
    enqueue_on_commit(run_import, audit_import.pk)
    return audit_import


def _local_copy(document: Document, folder: str) -> Path:
    path = Path(folder) / f"log.{document.kind}"
    with document.file.open("rb") as source, open(path, "wb") as target:
        shutil.copyfileobj(source, target)
    return path


def claim(import_id: int, *, now: datetime) -> AuditImport | None:
    """The import, marked running, if this worker may run it: it is queued, or running with
    no progress for ``STALE`` (its worker died). One UPDATE, so of two workers handed the
    same import (a sweep re-queued it while the broker still held it) only one runs it."""
    claimable = Q(state=AuditImport.State.QUEUED) | Q(state=AuditImport.State.RUNNING, progress_at__lt=now - STALE)
    claimed = AuditImport.objects.filter(claimable, pk=import_id).update(state=AuditImport.State.RUNNING,
                                                                          progress_at=now)
    return AuditImport.objects.select_related("document", "request").get(pk=import_id) if claimed else None


def sweep(*, now: datetime) -> int:
    """Queues again the imports no worker has picked up (the broker was down when they were
    queued) or whose worker died; ``claim`` keeps a live one from running twice."""
    from requests_app.auditlogs.tasks import run_import
    from requests_app.ops.queue import enqueue_now

    stale = AuditImport.objects.filter(
        Q(state=AuditImport.State.QUEUED, created_at__lt=now - timedelta(minutes=10))
        | Q(state=AuditImport.State.RUNNING, progress_at__lt=now - STALE))
    return sum(enqueue_now(run_import, pk) for pk in stale.values_list("pk", flat=True))


def run(audit_import: AuditImport) -> AuditImport:
    """Reads the document and stores its rows; marks the import failed with the reason if the
    file is not an audit log. A failed import leaves nothing stored."""
    AuditImport.objects.filter(pk=audit_import.pk).update(state=AuditImport.State.RUNNING, progress_at=timezone.now())
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
    column_map = audit_import.column_map or None
    fmt = format_for(headers_of(path), column_map)
    audit_import.format = fmt.key
    _discard(audit_import)  # rows left by an earlier attempt whose worker was killed
    if fmt.kind == "sharing":
        with transaction.atomic():
            _store_relations(audit_import, relations(path, column_map))
    elif fmt.kind == "hotlist":
        with transaction.atomic():
            store_hotlist(audit_import, records(path, column_map)[1])
    else:
        extra = CustomTerm.rules_of(audit_import.request.organization_id)
        store_searches(audit_import, open_source(path, column_map, extra, zone=audit_import.time_zone))
    if not (audit_import.rows or audit_import.duplicates):
        first = audit_import.rejected_sample[0] if audit_import.rejected_sample else None
        raise ValueError(nothing_read(audit_import.rejected, first))


def _discard(audit_import: AuditImport) -> None:
    for model in (SearchEvent, SharingRelation, HotlistEvent):
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
            lines_done=int(batch["line"].max() or 0), lines_total=source.lines_total, rejected=audit_import.rejected,
            progress_at=timezone.now())
    stored = SearchEvent.objects.filter(request_id=audit_import.request_id).count() - before
    audit_import.rows, audit_import.duplicates = stored, read_rows - stored
    audit_import.lines_done = audit_import.lines_total = source.lines_total


def _note_rejected(audit_import: AuditImport, batch: pl.DataFrame) -> pl.DataFrame:
    rejected = batch.filter(pl.col("rejected").is_not_null())
    samples = rejected.select("line", "rejected").head(AuditImport.REJECTED_SAMPLE).rows()
    audit_import.note_rejected(samples, count=rejected.height)
    return batch.filter(pl.col("rejected").is_null())


def _store_relations(audit_import: AuditImport, relations) -> None:
    rows = []
    for item in relations:
        if isinstance(item, Rejected):
            audit_import.note_rejected([(item.line, item.reason)])
            continue
        rows.append(SharingRelation(request_id=audit_import.request_id, audit_import=audit_import,
                                    organization=item.organization[:300], direction=item.direction,
                                    state=item.state, kind=item.kind))
    before = SharingRelation.objects.filter(request_id=audit_import.request_id).count()
    SharingRelation.objects.bulk_create(rows, ignore_conflicts=True, batch_size=BATCH)
    stored = SharingRelation.objects.filter(request_id=audit_import.request_id).count() - before
    audit_import.rows, audit_import.duplicates = stored, len(rows) - stored
