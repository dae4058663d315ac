from __future__ import annotations

import io

import pytest

from requests_app.auditlogs.models import AuditImport
from requests_app.campaigns.models import Campaign, CampaignRendering, PacketExport
from requests_app.documents.upload import upload_file
from requests_app.records.models import BulkJob
from tests.factories import AgencyFactory, draft_request, state


@pytest.fixture
def request_(alice):
    return draft_request(organization=alice.organization, user=alice.user, agency=AgencyFactory(jurisdiction=state("WA")))


@pytest.fixture
def campaign(alice) -> Campaign:
    return Campaign.objects.create(organization=alice.organization, title="Audits", slug="audits",
                                   created_by=alice.user)


@pytest.fixture
def make_job(alice, request_, campaign):
    """A job of the named kind, in ``state``, stored as a service would have started it."""
    document = upload_file(request=request_, user=None, name="audit.csv",
                           stream=io.BytesIO(b"Date,User\n2025-01-01 10:00,a\n")).document

    def make(kind: str, state: str = "queued"):
        if kind == "bulk_job":
            return BulkJob.objects.create(organization=alice.organization, created_by=alice.user, state=state,
                                          action="draft_follow_ups", request_ids=[request_.pk], total=1)
        if kind == "campaign_rendering":
            rendering, _ = CampaignRendering.objects.update_or_create(campaign=campaign, defaults={"state": state})
            return rendering
        if kind == "packet_export":
            return PacketExport.objects.create(campaign=campaign, requested_by=alice.user, state=state)
        return AuditImport.objects.create(request=request_, document=document, state=state)

    return make
