"""Imports an audit-log document into a request's search events, streamed in batches, so
a file of millions of rows never sits in memory."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from requests_app.auditlogs import rules
from requests_app.auditlogs.analyze import flags_of
from requests_app.auditlogs.formats import UnknownFormat
from requests_app.auditlogs.models import AuditImport, CustomTerm, SearchEvent, SharingRelation
from requests_app.auditlogs.parse import Event, Rejected, read, state_of
from requests_app.documents.models import Document
from requests_app.records.models import RecordsRequest
from requests_app.teams.models import User

BATCH = 5000
REJECTED_SAMPLE = 100


class NotAnAuditLog(ValueError):
    pass


def import_queue(*, request: RecordsRequest, document: Document, user: User | None) -> AuditImport:
    from requests_app.auditlogs.tasks import run_import
    from requests_app.ops.queue import enqueue_on_commit

    if document.kind not in ("csv", "xlsx"):
        raise NotAnAuditLog(f"{document.original_name} is a {document.get_kind_display()}; audit logs are read from CSV or XLSX.")
    audit_import = AuditImport.objects.create(request=request, document=document, created_by=user)
    enqueue_on_commit(run_import, audit_import.pk)
    return audit_import


def _local_copy(document: Document, folder: str) -> Path:
    path = Path(folder) / ("log.xlsx" if document.kind == "xlsx" else "log.csv")
    with document.file.open("rb") as source, open(path, "wb") as target:
        shutil.copyfileobj(source, target)
    return path


def _event_row(audit_import: AuditImport, event: Event, extra: tuple[rules.Rule, ...]) -> SearchEvent:
    found = flags_of(event, extra)
    frame = event.time_frame or ("", "")
    return SearchEvent(
        request_id=audit_import.request_id, audit_import=audit_import, line=event.line,
        key=hashlib.blake2b(event.key.encode(), digest_size=20).hexdigest(), searched_at=event.searched_at,
        organization=event.organization[:300], organization_state=state_of(event.organization) or "",
        federal=rules.is_federal(event.organization), user=event.user[:200], reason=event.reason[:1000],
        case_number=event.case_number[:200], search_type=event.search_type[:60], networks=event.networks,
        devices=event.devices, time_frame_start=frame[0][:60], time_frame_end=frame[1][:60], plate=event.plate[:40],
        categories="," + ",".join(sorted({c for c, _ in found})) + "," if found else "", flags=found,
    )


def run(audit_import: AuditImport) -> AuditImport:
    """Reads the document and stores its events; marks the import failed with the reason if
    the file is not an audit log (nothing is stored then)."""
    AuditImport.objects.filter(pk=audit_import.pk).update(state=AuditImport.State.RUNNING)
    try:
        with tempfile.TemporaryDirectory(prefix="recordsreq-audit-") as folder:
            fmt, events = read(_local_copy(audit_import.document, folder), audit_import.column_map or None)
            if fmt.kind == "hotlist":
                raise NotAnAuditLog("hot-list event logs can be analysed on the command line but are not imported yet")
            audit_import.format = fmt.key
            with transaction.atomic():
                (_store_relations if fmt.kind == "sharing" else _store)(audit_import, events)
    except (UnknownFormat, NotAnAuditLog, ValueError) as exc:
        audit_import.state, audit_import.error = AuditImport.State.FAILED, str(exc)[:4000]
    else:
        audit_import.state = AuditImport.State.DONE
    audit_import.rules_version, audit_import.finished_at = rules.VERSION, timezone.now()
    audit_import.save()
    return audit_import


def organization_rules(organization_id: int) -> tuple[rules.Rule, ...]:
    terms = CustomTerm.objects.filter(organization_id=organization_id, category__in=rules.CATEGORIES)
    return tuple(rules.custom_rule(t.category, t.term) for t in terms)


def _store(audit_import: AuditImport, events) -> None:
    extra = organization_rules(audit_import.request.organization_id)
    batch: list[SearchEvent] = []
    before = SearchEvent.objects.filter(request_id=audit_import.request_id).count()
    read_rows = 0
    for item in events:
        if isinstance(item, Rejected):
            audit_import.rejected += 1
            if len(audit_import.rejected_sample) < REJECTED_SAMPLE:
                audit_import.rejected_sample.append([item.line, item.reason])
            continue
        read_rows += 1
        batch.append(_event_row(audit_import, item, extra))
        if len(batch) >= BATCH:
            SearchEvent.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    SearchEvent.objects.bulk_create(batch, ignore_conflicts=True)
    stored = SearchEvent.objects.filter(request_id=audit_import.request_id).count() - before
    audit_import.rows, audit_import.duplicates = stored, read_rows - stored


def _store_relations(audit_import: AuditImport, relations) -> None:
    rows = []
    for item in relations:
        if isinstance(item, Rejected):
            audit_import.rejected += 1
            if len(audit_import.rejected_sample) < REJECTED_SAMPLE:
                audit_import.rejected_sample.append([item.line, item.reason])
            continue
        rows.append(SharingRelation(request_id=audit_import.request_id, audit_import=audit_import,
                                    organization=item.organization[:300], direction=item.direction,
                                    state=item.state, kind=item.kind))
    before = SharingRelation.objects.filter(request_id=audit_import.request_id).count()
    SharingRelation.objects.bulk_create(rows, ignore_conflicts=True, batch_size=BATCH)
    stored = SharingRelation.objects.filter(request_id=audit_import.request_id).count() - before
    audit_import.rows, audit_import.duplicates = stored, len(rows) - stored
