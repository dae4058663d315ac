from __future__ import annotations


from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from requests_app.auditlogs import rules
from requests_app.auditlogs.importer import NotAnAuditLog, import_queue
from requests_app.auditlogs.models import CustomTerm
from requests_app.auditlogs.selectors import flagged, local_iso, report_for, rules_versions, sharing_for, zones_of
from requests_app.documents.models import Document
from requests_app.ops.spreadsheets import csv_writer
from requests_app.records.selectors import request_of
from requests_app.teams.permissions import editor_required, organization_required


@editor_required
@require_POST
def analyse_document(request: HttpRequest, pk: int, document_id: int) -> HttpResponse:
    records_request = request_of(request.organization, pk)
    document = get_object_or_404(Document, pk=document_id, organization=request.organization,
                                 request_links__request=records_request)
    try:
        audit_import = import_queue(request=records_request, document=document, user=request.user)
    except NotAnAuditLog as exc:
        messages.error(request, str(exc))
        return redirect("request-detail", pk)
    messages.success(request, f"Reading {document.original_name} as an audit log; the report fills in as it goes.")
    return redirect("audit-import", pk, audit_import.pk)


@organization_required
def audit_report(request: HttpRequest, pk: int) -> HttpResponse:
    records_request = request_of(request.organization, pk)
    context = {
        "req": records_request,
        "report": report_for(records_request),
        "sharing": sharing_for(records_request),
        "imports": records_request.audit_imports.select_related("document"),
        "flagged": flagged(records_request)[:200],
        "caveats": rules.CAVEATS,
        "rules_version": rules_versions(records_request.audit_imports.all()),
    }
    return render(request, "auditlogs/report.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


@organization_required
def flagged_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    records_request = request_of(request.organization, pk)
    writer = csv_writer(_Echo())
    zone = zones_of([records_request])[records_request.pk]

    def rows():
        yield writer.writerow(["search_time", "organization", "state", "federal", "user", "reason", "case_number",
                               "category", "rule", "line", "rules_version", "time_zone"])
        for event in flagged(records_request).iterator(chunk_size=2000):
            for category, rule in event.flags:
                yield writer.writerow([local_iso(event.searched_at, zone), event.organization,
                                       event.organization_state, event.federal, event.user, event.reason,
                                       event.case_number, category, rule, event.line, event.rules_version, zone])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{records_request.tracking}-flagged-searches.csv"'
    return response


@editor_required
def custom_terms(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        category, term = request.POST.get("category", ""), " ".join(request.POST.get("term", "").split())[:100]
        if category not in rules.CATEGORIES or category == "federal" or len(term) < 2:
            messages.error(request, "Choose a category and a term of at least two characters.")
        else:
            CustomTerm.objects.get_or_create(organization=request.organization, category=category, term=term)
            messages.success(request, f"“{term}” now flags {rules.CATEGORIES[category].lower()} in new imports.")
        return redirect("audit-terms")
    terms = CustomTerm.objects.filter(organization=request.organization)
    categories = [(k, v) for k, v in rules.CATEGORIES.items() if k != "federal"]
    return render(request, "auditlogs/terms.html", {"terms": terms, "categories": categories})
