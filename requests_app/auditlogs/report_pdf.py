"""Audit-log reports as PDF, to hand to a city council.

Rendered by the letters' WeasyPrint set-up (``letters.rendering.render_pdf``): its fetcher
loads nothing but the bundled letter assets, so an organization name or a search reason
that carries markup or a URL is escaped by the template and, even if it were not, could
never make the renderer read a file or call a server. Charts are the same inline SVG the
report pages show. The date is passed in, so the module reads no clock.
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.template.loader import render_to_string

from requests_app.auditlogs import rules
from requests_app.auditlogs.models import AuditImport
from requests_app.auditlogs.selectors import (campaign_flagged, campaign_report_for, flagged, report_for,
                                            rules_versions, sharing_for)
from requests_app.campaigns.models import Campaign
from requests_app.letters.rendering import render_pdf
from requests_app.records.models import RecordsRequest

# A council reads a few pages, not tens of thousands of rows: the CSV export has them all.
FLAGGED_SHOWN = 500
TEMPLATE = "auditlogs/report_pdf.html"


def _common(*, organization: str, generated: date, imports: QuerySet[AuditImport]) -> dict:
    return {
        "publisher": organization, "generated": generated, "caveats": rules.CAVEATS,
        "rules_version": rules_versions(imports), "flagged_cap": FLAGGED_SHOWN,
    }


def request_report_html(*, request: RecordsRequest, generated: date) -> str:
    report = report_for(request)
    context = {
        "req": request, "report": report, "sharing": sharing_for(request), "hotlist": report.hotlist,
        "flagged": list(flagged(request)[:FLAGGED_SHOWN]) if report.flagged_total else [],
        "title": f"ALPR search audit: {request.agency.name}",
        **_common(organization=request.organization.name, generated=generated, imports=request.audit_imports.all()),
    }
    return render_to_string(TEMPLATE, context)


def campaign_report_html(*, campaign: Campaign, generated: date) -> str:
    report = campaign_report_for(campaign)
    context = {
        "campaign": campaign, "report": report, "sharing": report.sharing, "hotlist": report.hotlist,
        "flagged": list(campaign_flagged(campaign)[:FLAGGED_SHOWN]) if report.flagged_total else [],
        "title": f"ALPR search audits: {campaign.title}",
        **_common(organization=campaign.organization.name, generated=generated,
                  imports=AuditImport.objects.filter(request__campaign=campaign)),
    }
    return render_to_string(TEMPLATE, context)


def request_report_pdf(*, request: RecordsRequest, generated: date) -> bytes:
    return render_pdf(request_report_html(request=request, generated=generated))


def campaign_report_pdf(*, campaign: Campaign, generated: date) -> bytes:
    return render_pdf(campaign_report_html(campaign=campaign, generated=generated))
