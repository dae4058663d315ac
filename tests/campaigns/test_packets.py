from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from datetime import date

import pytest
from django.urls import reverse

from requests_app.campaigns import services
from requests_app.campaigns.packets import packet_folder
from tests.documents.test_upload import pdf_bytes, up
from tests.factories import AgencyFactory, state

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 27)


@pytest.fixture
def campaign(alice, django_capture_on_commit_callbacks):
    campaign = services.campaign_create(organization=alice.organization, user=alice.user, title="Flock audit logs 2025",
                                        item_keys=["org-audit"], date_from=date(2025, 1, 1))
    agencies = [AgencyFactory(name="Seattle Police Department", jurisdiction=state("WA")),
                AgencyFactory(name="Austin Police Department", jurisdiction=state("TX"))]
    services.campaign_add_agencies(campaign=campaign, agencies=agencies, user=alice.user, today=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_start_rendering(campaign=campaign, acknowledge_residency=True)
    return campaign


def download(client, campaign) -> zipfile.ZipFile:
    response = client.get(reverse("campaign-packets", args=[campaign.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="{campaign.slug}-packets.zip"'
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_it_holds_each_requests_packet_in_a_folder_named_by_tracking_and_agency(alice_client, campaign):
    seattle, austin = campaign.requests.order_by("-agency__name")
    up(seattle, "audit.pdf", pdf_bytes())
    archive = download(alice_client, campaign)
    for request in (seattle, austin):
        folder = f"{request.tracking}-{request.agency.name.lower().replace(' ', '-')}"
        assert packet_folder(request) == folder
        assert {f"{folder}/manifest.csv", f"{folder}/communications-log.pdf",
                f"{folder}/letters/{request.tracking}-v1.pdf"} <= set(archive.namelist())
    assert any(n.startswith(f"{packet_folder(seattle)}/documents/") and n.endswith("audit.pdf") for n in archive.namelist())
    assert not any(n.startswith(f"{packet_folder(austin)}/documents/") for n in archive.namelist())


def test_each_folders_manifest_still_matches_its_files(alice_client, campaign):
    archive = download(alice_client, campaign)
    index = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode())))
    assert sorted(row["agency"] for row in index) == ["Austin Police Department", "Seattle Police Department"]
    for row in index:
        manifest = csv.DictReader(io.StringIO(archive.read(f"{row['folder']}/manifest.csv").decode()))
        for entry in manifest:
            assert hashlib.sha256(archive.read(f"{row['folder']}/{entry['file']}")).hexdigest() == entry["sha256"]


def test_another_organization_gets_a_404(bob_client, campaign):
    assert bob_client.get(reverse("campaign-packets", args=[campaign.pk])).status_code == 404


def test_a_tampered_document_stops_the_download_with_a_message(alice_client, campaign):
    request = campaign.requests.first()
    document = up(request, "audit.pdf", pdf_bytes()).document
    with open(document.file.path, "ab") as handle:
        handle.write(b"tampered")
    response = alice_client.get(reverse("campaign-packets", args=[campaign.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("campaign-detail", args=[campaign.pk])
    assert "Packets stopped" in response.content.decode()


def test_the_campaign_page_links_to_the_packets(alice_client, campaign):
    body = alice_client.get(reverse("campaign-detail", args=[campaign.pk])).content.decode()
    assert f'href="{reverse("campaign-packets", args=[campaign.pk])}"' in body


def test_the_item_boxes_of_a_new_campaign_are_named_by_a_legend(alice_client):
    from django.urls import reverse

    body = alice_client.get(reverse("campaign-create")).content.decode()
    assert '<label for="">' not in body and "<legend>Items</legend>" in body
