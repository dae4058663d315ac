"""Report pages and exports beyond the request page: campaign report, campaign CSV, PDFs."""

from __future__ import annotations

from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from requests_app.auditlogs import rules
from requests_app.auditlogs.models import AuditImport, SearchEvent, SharingRelation
from requests_app.auditlogs.report_pdf import campaign_report_pdf, request_report_pdf
from requests_app.auditlogs.selectors import (campaign_flagged, campaign_report_for, campaign_requests, local_iso,
                                            rules_versions, zones_of)
from requests_app.campaigns.models import Campaign
from requests_app.ops.spreadsheets import csv_writer
from requests_app.records.selectors import request_of
from requests_app.teams.models import Organization
from requests_app.teams.permissions import organization_required

CAMPAIGN_FLAGGED_SHOWN = 200
CSV_HEADER = ["tracking", "agency", "agency_state", "search_time", "organization", "state", "federal", "user",
              "reason", "case_number", "category", "rule", "line", "rules_version", "time_zone"]


def campaign_of(organization: Organization, pk: int) -> Campaign:
    """The organization's campaign, or 404: another organization's id is simply not found."""
    return get_object_or_404(Campaign.objects.select_related("organization"), pk=pk, organization=organization)


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@organization_required
def audit_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    records_request = request_of(request.organization, pk)
    data = request_report_pdf(request=records_request, generated=timezone.localdate())
    return _pdf(data, f"{records_request.tracking}-audit-report.pdf")


@organization_required
def campaign_audit_report(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_of(request.organization, pk)
    report = campaign_report_for(campaign)
    context = {
        "campaign": campaign, "report": report, "sharing": report.sharing, "hotlist": report.hotlist,
        "flagged": list(campaign_flagged(campaign)[:CAMPAIGN_FLAGGED_SHOWN]) if report.flagged_total else [],
        "flagged_cap": CAMPAIGN_FLAGGED_SHOWN, "caveats": rules.CAVEATS,
        "rules_version": rules_versions(AuditImport.objects.filter(request__campaign=campaign)),
    }
    return render(request, "auditlogs/campaign_report.html", context)


@organization_required
def campaign_audit_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_of(request.organization, pk)
    return _pdf(campaign_report_pdf(campaign=campaign, generated=timezone.localdate()),
                f"{campaign.slug}-audit-report.pdf")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _flag_rows(events: Iterator[SearchEvent], zones: dict[int, str]) -> Iterator[list]:
    """Each flag of each search, its time in its own agency's zone (named on the row)."""
    for event in events:
        agency, zone = event.request.agency, zones[event.request_id]
        for category, rule in event.flags:
            yield [event.request.tracking, agency.name, agency.jurisdiction.state_code,
                   local_iso(event.searched_at, zone), event.organization,
                   event.organization_state, event.federal, event.user, event.reason, event.case_number,
                   category, rule, event.line, event.rules_version, zone]


@organization_required
def campaign_flagged_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    campaign = campaign_of(request.organization, pk)
    writer = csv_writer(_Echo())
    zones = zones_of(campaign_requests(campaign))

    def lines() -> Iterator[str]:
        yield writer.writerow(CSV_HEADER)
        for row in _flag_rows(campaign_flagged(campaign).iterator(chunk_size=2000), zones):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-flagged-searches.csv"'
    return response


PARTNER_HEADER = ["organization", "state", "kind", "direction", "networks_shared_with_me", "networks_sharing",
                  "document"]


def _partner_rows(relations, *, with_agency: bool) -> Iterator[list]:
    for r in relations:
        agency = [r.request.tracking, r.request.agency.name] if with_agency else []
        yield [*agency, r.organization, r.state, r.kind, r.direction, "; ".join(r.networks_shared_with_me),
               "; ".join(r.networks_sharing), r.audit_import.document.original_name]


def _partners_csv(relations, filename: str, *, with_agency: bool) -> StreamingHttpResponse:
    """Every sharing partner as released, one organization a row, its networks as listed;
    cells a spreadsheet would run as formulas are written as text (csv_writer)."""
    writer = csv_writer(_Echo())
    header = (["tracking", "agency"] if with_agency else []) + PARTNER_HEADER

    def lines() -> Iterator[str]:
        yield writer.writerow(header)
        for row in _partner_rows(relations.iterator(chunk_size=2000), with_agency=with_agency):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@organization_required
def sharing_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    records_request = request_of(request.organization, pk)
    relations = (SharingRelation.objects.filter(request=records_request).select_related("audit_import__document")
                 .order_by("organization", "direction"))
    return _partners_csv(relations, f"{records_request.tracking}-sharing-partners.csv", with_agency=False)


@organization_required
def campaign_sharing_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    campaign = campaign_of(request.organization, pk)
    relations = (SharingRelation.objects.filter(request__campaign=campaign)
                 .select_related("request__agency", "audit_import__document")
                 .order_by("request__agency__name", "organization", "direction"))
    return _partners_csv(relations, f"{campaign.slug}-sharing-partners.csv", with_agency=True)
