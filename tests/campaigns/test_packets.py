from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from requests_app.campaigns import exports, packets, services
from requests_app.campaigns.models import PacketExport
from requests_app.campaigns.packets import packet_folder
from requests_app.jobs import parts, runner
from requests_app.jobs.models import JobPart
from requests_app.jobs.tasks import jobs_sweep, run_job
from requests_app.teams.models import Role
from tests.documents.test_upload import pdf_bytes, up
from tests.factories import AgencyFactory, MembershipFactory, state

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


def start(client, campaign, on_commit, *, run: bool = True) -> PacketExport:
    """Posts the campaign page's button; with ``run``, the worker packs the ZIP as it would."""
    with on_commit(execute=run):
        response = client.post(reverse("campaign-packets", args=[campaign.pk]))
    export = PacketExport.objects.filter(campaign=campaign).first()
    assert response.status_code == 302
    assert response.url == reverse("campaign-packet-export", args=[campaign.pk, export.pk])
    return export


def run(export, on_commit) -> None:
    """The worker's turn at the export, as a message or the sweep gives it."""
    with on_commit(execute=True):
        run_job("packet_export", export.pk)


def download(client, export) -> zipfile.ZipFile:
    response = client.get(reverse("campaign-packet-export-download", args=[export.campaign_id, export.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    day = timezone.localtime(export.created_at).date().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="{export.campaign.slug}-packets-{day}.zip"'
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_it_holds_each_requests_packet_in_a_folder_named_by_tracking_and_agency(
        alice_client, campaign, django_capture_on_commit_callbacks):
    seattle, austin = campaign.requests.order_by("-agency__name")
    up(seattle, "audit.pdf", pdf_bytes())
    export = start(alice_client, campaign, django_capture_on_commit_callbacks)
    archive = download(alice_client, export)
    for request in (seattle, austin):
        folder = f"{request.tracking}-{request.agency.name.lower().replace(' ', '-')}"
        assert packet_folder(request) == folder
        assert {f"{folder}/manifest.csv", f"{folder}/communications-log.pdf",
                f"{folder}/letters/{request.tracking}-v1.pdf"} <= set(archive.namelist())
    assert any(n.startswith(f"{packet_folder(seattle)}/documents/") and n.endswith("audit.pdf") for n in archive.namelist())
    assert not any(n.startswith(f"{packet_folder(austin)}/documents/") for n in archive.namelist())


def test_each_folders_manifest_still_matches_its_files(alice_client, campaign, django_capture_on_commit_callbacks):
    archive = download(alice_client, start(alice_client, campaign, django_capture_on_commit_callbacks))
    index = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode())))
    assert sorted(row["agency"] for row in index) == ["Austin Police Department", "Seattle Police Department"]
    for row in index:
        manifest = csv.DictReader(io.StringIO(archive.read(f"{row['folder']}/manifest.csv").decode()))
        for entry in manifest:
            assert hashlib.sha256(archive.read(f"{row['folder']}/{entry['file']}")).hexdigest() == entry["sha256"]


def test_the_stored_zip_is_kept_under_a_generated_path_with_its_size_and_hash(
        alice, alice_client, campaign, django_capture_on_commit_callbacks):
    export = start(alice_client, campaign, django_capture_on_commit_callbacks)
    export.refresh_from_db()
    assert export.state == "done" and export.requested_by == alice.user
    assert export.file.name.startswith(f"packets/{alice.organization_id}/") and export.file.name.endswith(".zip")
    with export.file.open("rb") as handle:
        data = handle.read()
    assert export.size == len(data) and export.sha256 == hashlib.sha256(data).hexdigest()


def test_a_newer_export_replaces_the_older_zip_in_storage(alice_client, campaign, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    first = start(alice_client, campaign, django_capture_on_commit_callbacks)
    first.refresh_from_db()
    old_name = first.file.name
    assert default_storage.exists(old_name)
    second = start(alice_client, campaign, django_capture_on_commit_callbacks)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.file.name, second.state) == ("replaced", "", "done")
    assert not default_storage.exists(old_name) and default_storage.exists(second.file.name)
    url = reverse("campaign-packet-export-download", args=[campaign.pk, first.pk])
    assert alice_client.get(url).status_code == 404
    assert "Replaced by a newer export" in alice_client.get(
        reverse("campaign-packet-export", args=[campaign.pk, first.pk])).content.decode()


def test_progress_is_recorded_as_each_part_is_packed_then_assembled(alice_client, campaign, monkeypatch,
                                                                    django_capture_on_commit_callbacks):
    monkeypatch.setattr(exports, "PART_SIZE", 1)
    export = start(alice_client, campaign, django_capture_on_commit_callbacks, run=False)
    progress = reverse("campaign-packet-export-progress", args=[campaign.pk, export.pk])

    def shown():
        return alice_client.get(progress).json()

    assert shown() == {"state": "queued", "done": 0, "total": 2, "percent": 0, "summary": "Queued: 0 of 2",
                       "error": ""}
    runner.run_step("packet_export", export.pk, now=timezone.now())  # records the parts
    parts.run_part("packet_export", export.pk, 1, now=timezone.now())
    assert shown() == {"state": "running", "done": 1, "total": 2, "percent": 50, "summary": "Packing: 1 of 2",
                       "error": ""}
    parts.run_part("packet_export", export.pk, 0, now=timezone.now())
    assert shown() == {"state": "running", "done": 2, "total": 2, "percent": 99,
                       "summary": "Assembling the ZIP: 2 of 2", "error": ""}
    runner.run_step("packet_export", export.pk, now=timezone.now())  # as the last part queued it
    assert shown() == {"state": "done", "done": 2, "total": 2, "percent": 100, "summary": "Done: 2 of 2",
                       "error": ""}


def test_a_second_start_while_one_runs_follows_the_running_one(alice_client, campaign,
                                                                django_capture_on_commit_callbacks):
    first = start(alice_client, campaign, django_capture_on_commit_callbacks, run=False)
    again = alice_client.post(reverse("campaign-packets", args=[campaign.pk]), follow=True)
    assert again.redirect_chain[-1][0] == reverse("campaign-packet-export", args=[campaign.pk, first.pk])
    assert "already being packed" in again.content.decode()
    assert PacketExport.objects.filter(campaign=campaign).count() == 1
    run(first, django_capture_on_commit_callbacks)
    later = start(alice_client, campaign, django_capture_on_commit_callbacks)  # once done, a new one starts
    assert later.pk != first.pk and PacketExport.objects.filter(campaign=campaign).count() == 2


def test_a_tampered_document_fails_the_export_with_the_reason(alice_client, campaign,
                                                              django_capture_on_commit_callbacks):
    request = campaign.requests.first()
    document = up(request, "audit.pdf", pdf_bytes()).document
    with open(document.file.path, "ab") as handle:
        handle.write(b"tampered")
    export = start(alice_client, campaign, django_capture_on_commit_callbacks)
    export.refresh_from_db()
    assert export.state == "failed" and not export.file
    assert export.error.startswith("Packets stopped: audit.pdf does not match its recorded sha256")
    page = alice_client.get(reverse("campaign-packet-export", args=[campaign.pk, export.pk])).content.decode()
    assert "Packets stopped" in page and "Start the export again" in page and 'data-active="0"' in page
    assert alice_client.get(reverse("campaign-packet-export-download",
                                    args=[campaign.pk, export.pk])).status_code == 404


def test_an_unexpected_error_fails_the_export_and_a_finished_one_is_not_run_again(
        alice_client, campaign, monkeypatch, django_capture_on_commit_callbacks):
    def broken(request):
        raise OSError("disk full")

    monkeypatch.setattr(packets, "request_packet", broken)
    export = start(alice_client, campaign, django_capture_on_commit_callbacks)
    export.refresh_from_db()
    assert export.state == "failed" and "Could not pack the requests: OSError: disk full" in export.error
    assert not JobPart.objects.exists()
    run(export, django_capture_on_commit_callbacks)
    export.refresh_from_db()
    assert export.state == "failed"


def test_download_is_a_404_until_the_export_is_done(alice_client, campaign, django_capture_on_commit_callbacks):
    export = start(alice_client, campaign, django_capture_on_commit_callbacks, run=False)
    url = reverse("campaign-packet-export-download", args=[campaign.pk, export.pk])
    assert alice_client.get(url).status_code == 404
    page = alice_client.get(reverse("campaign-packet-export", args=[campaign.pk, export.pk])).content.decode()
    assert 'data-active="1"' in page and url not in page
    run(export, django_capture_on_commit_callbacks)
    assert alice_client.get(url).status_code == 200
    assert url in alice_client.get(reverse("campaign-packet-export", args=[campaign.pk, export.pk])).content.decode()


def test_the_sweep_wakes_exports_that_stopped_and_leaves_fresh_and_finished_ones(alice, campaign, monkeypatch):
    woken = []
    monkeypatch.setattr("requests_app.jobs.tasks.run_job.apply_async",
                        lambda args, **kw: woken.append(args))
    stopped, running, fresh, done, failed = (
        PacketExport.objects.create(campaign=campaign, requested_by=alice.user, state=state_)
        for state_ in ("queued", "running", "queued", "done", "failed"))
    PacketExport.objects.exclude(pk=fresh.pk).update(updated_at=timezone.now() - timedelta(minutes=11))
    assert jobs_sweep(now=timezone.now()) == 2
    assert sorted(woken) == [("packet_export", stopped.pk), ("packet_export", running.pk)]


def test_any_member_may_export_even_a_viewer(alice, campaign, django_capture_on_commit_callbacks):
    viewer = Client()
    viewer.force_login(MembershipFactory(organization=alice.organization, role=Role.VIEWER).user)
    export = start(viewer, campaign, django_capture_on_commit_callbacks)
    export.refresh_from_db()
    assert export.state == "done"
    assert len(download(viewer, export).namelist()) > 2


def test_starting_needs_a_post(alice_client, campaign):
    assert alice_client.get(reverse("campaign-packets", args=[campaign.pk])).status_code == 405
    assert not PacketExport.objects.exists()


def test_another_organization_gets_a_404(bob_client, alice_client, campaign, django_capture_on_commit_callbacks):
    export = start(alice_client, campaign, django_capture_on_commit_callbacks)
    assert bob_client.post(reverse("campaign-packets", args=[campaign.pk])).status_code == 404
    for name in ("campaign-packet-export", "campaign-packet-export-progress", "campaign-packet-export-download"):
        assert bob_client.get(reverse(name, args=[campaign.pk, export.pk])).status_code == 404
    assert PacketExport.objects.count() == 1


def test_an_export_is_found_only_under_its_own_campaign(alice, alice_client, campaign,
                                                       django_capture_on_commit_callbacks):
    export = start(alice_client, campaign, django_capture_on_commit_callbacks)
    other = services.campaign_create(organization=alice.organization, user=alice.user, title="Another",
                                     item_keys=["org-audit"])
    url = reverse("campaign-packet-export-download", args=[other.pk, export.pk])
    assert alice_client.get(url).status_code == 404


def test_the_campaign_page_starts_an_export_and_shows_the_latest(alice_client, campaign,
                                                                 django_capture_on_commit_callbacks):
    detail = reverse("campaign-detail", args=[campaign.pk])
    body = alice_client.get(detail).content.decode()
    assert f'action="{reverse("campaign-packets", args=[campaign.pk])}"' in body and 'id="packet-export"' not in body
    export = start(alice_client, campaign, django_capture_on_commit_callbacks)
    body = alice_client.get(detail).content.decode()
    assert 'id="packet-export"' in body
    assert reverse("campaign-packet-export", args=[campaign.pk, export.pk]) in body
    assert reverse("campaign-packet-export-download", args=[campaign.pk, export.pk]) in body


def test_the_item_boxes_of_a_new_campaign_are_named_by_a_legend(alice_client):
    from django.urls import reverse

    body = alice_client.get(reverse("campaign-create")).content.decode()
    assert '<label for="">' not in body and "<legend>Items</legend>" in body
