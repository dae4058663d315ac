"""One audit-log import: its progress while it runs, its counts after, and a column map by hand
when the file's columns were not recognised."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from requests_app.auditlogs.formats import FORMATS, SEARCH_FIELDS
from requests_app.auditlogs.mapping import can_remap, document_columns, remap_import
from requests_app.auditlogs.models import AuditImport
from requests_app.auditlogs.rereading import ZONE_CHOICES, can_reread, reread_import, zone_why
from requests_app.auditlogs.workbooks import TITLES, sheet_lines
from requests_app.records.models import RecordsRequest
from requests_app.records.selectors import request_of
from requests_app.teams.permissions import editor_required, organization_required

_UNTIMED = {f.key for f in FORMATS if f.kind == "sharing"}  # sharing lists have no times
_ACTIVE = (AuditImport.State.QUEUED, AuditImport.State.RUNNING)


def _import_of(records_request: RecordsRequest, import_id: int) -> AuditImport:
    return get_object_or_404(AuditImport.objects.select_related("document"), pk=import_id, request=records_request)


def percent(done: int, total: int) -> int:
    return min(100, done * 100 // total) if total else 0


def _page(request: HttpRequest, records_request: RecordsRequest, audit_import: AuditImport, *,
          chosen: dict[str, str] | None = None, map_error: str = "", sheet: str = "", zone_error: str = "",
          zone_asked: str = "") -> HttpResponse:
    context = {
        "req": records_request,
        "imp": audit_import,
        "format_title": TITLES.get(audit_import.format, audit_import.format),
        "sheet_lines": sheet_lines(audit_import.sheets),
        "active": audit_import.state in _ACTIVE,
        "percent": percent(audit_import.lines_done, audit_import.lines_total),
        "more_rejected": audit_import.rejected - len(audit_import.rejected_sample),
        "mapping": can_remap(audit_import),
        "fields": SEARCH_FIELDS,
        "map_used": [(header, SEARCH_FIELDS.get(name, name)) for header, name in audit_import.column_map.items()],
        "map_error": map_error,
        "timed": audit_import.format not in _UNTIMED,
        "zone_why": zone_why(audit_import),
        "rereading": can_reread(audit_import),
        "zone_choices": ZONE_CHOICES,
        "zone_error": zone_error,
        "zone_asked": zone_asked,
    }
    if context["mapping"]:
        chosen = chosen if chosen is not None else audit_import.column_map
        context |= _mapping_rows(audit_import, chosen, sheet or audit_import.sheet)
    return render(request, "auditlogs/import.html", context)


def _mapping_rows(audit_import: AuditImport, chosen: dict[str, str], sheet: str) -> dict[str, object]:
    try:
        columns = document_columns(audit_import.document, sheet)
    except ValueError as exc:
        return {"headers_error": f"The file's columns could not be read: {exc}."}
    return {"columns": [(header, chosen.get(header, "")) for header in columns.headers],
            "map_sheet": columns.sheet, "map_sheets": columns.sheets if len(columns.sheets) > 1 else ()}


@organization_required
def import_page(request: HttpRequest, pk: int, import_id: int) -> HttpResponse:
    records_request = request_of(request.organization, pk)
    # ?sheet=NAME: the columns of that sheet of a workbook, to map them.
    return _page(request, records_request, _import_of(records_request, import_id), sheet=request.GET.get("sheet", ""))


@organization_required
def import_progress(request: HttpRequest, pk: int, import_id: int) -> JsonResponse:
    audit_import = _import_of(request_of(request.organization, pk), import_id)
    return JsonResponse({
        "state": audit_import.state,
        "done": audit_import.lines_done,
        "total": audit_import.lines_total,
        "percent": percent(audit_import.lines_done, audit_import.lines_total),
    })


@editor_required
@require_POST
def import_columns(request: HttpRequest, pk: int, import_id: int) -> HttpResponse:
    records_request = request_of(request.organization, pk)
    audit_import = _import_of(records_request, import_id)
    if not can_remap(audit_import):
        messages.error(request, "Only an import that failed on its columns can be imported again under a column map.")
        return redirect("audit-import", pk, import_id)
    sheet = request.POST.get("sheet", "")
    try:
        # Choices are posted by position, so the map can only name columns the file (or sheet) has.
        columns = document_columns(audit_import.document, sheet)
    except ValueError:
        return _page(request, records_request, audit_import, sheet=sheet)  # the page says why the columns are unreadable
    chosen = {h: request.POST.get(f"column-{i}", "") for i, h in enumerate(columns.headers)}
    column_map = {header: field for header, field in chosen.items() if field}
    try:
        new = remap_import(audit_import=audit_import, column_map=column_map, user=request.user, sheet=columns.sheet)
    except ValueError as exc:
        return _page(request, records_request, audit_import, chosen=chosen, map_error=str(exc), sheet=sheet)
    messages.success(request, f"Reading {audit_import.document.original_name} again under your column map.")
    return redirect("audit-import", pk, new.pk)


@editor_required
@require_POST
def import_zone(request: HttpRequest, pk: int, import_id: int) -> HttpResponse:
    """Reads the document again with its bare times in another zone."""
    records_request = request_of(request.organization, pk)
    audit_import = _import_of(records_request, import_id)
    asked = request.POST.get("time_zone", "").strip()
    try:
        new = reread_import(audit_import=audit_import, time_zone=asked, user=request.user)
    except ValueError as exc:
        return _page(request, records_request, audit_import, zone_error=str(exc), zone_asked=asked)
    messages.success(request, f"Reading {audit_import.document.original_name} again with times without a zone in "
                              f"{new.time_zone}; the earlier reading's rows stay until this one has succeeded.")
    return redirect("audit-import", pk, new.pk)
