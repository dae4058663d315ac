"""Local time in imports, on the import page and in reports: bare times stored in UTC after
reading them in the agency's zone, a document read again in another, times shown in the
agency's zone and the zone named."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from requests_app.auditlogs import importer
from requests_app.auditlogs.models import AuditImport, HotlistEvent, SearchEvent
from requests_app.auditlogs.zones import state_zone
from requests_app.documents.upload import upload_file
from tests.auditlogs.test_local_time import PORTAL, hotlist_log, portal_log, utc, write
from tests.factories import AgencyFactory, draft_request, state

pytestmark = pytest.mark.django_db


# Imports


@pytest.fixture
def oregon(alice):
    return draft_request(organization=alice.organization, agency=AgencyFactory(name="Eugene Police Department",
                                                                                 jurisdiction=state("OR")),
                         user=alice.user)


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_audit_log", *args, stdout=out)
    return out.getvalue()


def test_a_hotlist_log_in_pacific_time_is_stored_in_utc(oregon, tmp_path):
    path = hotlist_log(tmp_path / "hot.csv", ["06/18/2025 3:04:00 PM", "12/18/2025 3:04:00 PM",
                                              "01/31/2022, 11:26:24 PM UTC"])
    output = run(oregon.tracking, str(path))
    assert "times without a zone read as America/Los_Angeles (Oregon's zone; --tz to change)" in output
    stored = list(HotlistEvent.objects.order_by("line").values_list("occurred_at", flat=True))
    assert stored == [utc(2025, 6, 18, 22, 4), utc(2025, 12, 18, 23, 4), utc(2022, 1, 31, 23, 26, 24)]
    assert AuditImport.objects.get().time_zone == "America/Los_Angeles"


def test_a_portal_audit_is_imported_in_the_zone_named(oregon, tmp_path):
    path = portal_log(tmp_path / "portal.csv", ["2025-06-18 00:02:04"])
    output = run(oregon.tracking, str(path), "--tz", "America/New_York")
    assert "times without a zone read as America/New_York (chosen; --tz to change)" in output
    assert SearchEvent.objects.get().searched_at == utc(2025, 6, 18, 4, 2, 4)
    assert AuditImport.objects.get().time_zone == "America/New_York"


def test_the_import_command_refuses_an_unknown_zone(oregon, tmp_path):
    path = portal_log(tmp_path / "portal.csv", ["2025-06-18 00:02:04"])
    with pytest.raises(CommandError, match=r"--tz: unknown time zone 'Oregon'.*America/Chicago"):
        run(oregon.tracking, str(path), "--tz", "Oregon")
    assert not AuditImport.objects.exists()


def test_a_federal_agencys_bare_times_are_read_as_utc(alice, tmp_path):
    federal = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state("US")),
                            user=alice.user)
    output = run(federal.tracking, str(portal_log(tmp_path / "portal.csv", ["2025-06-18 00:02:04"])))
    assert "times without a zone read as UTC (no state, so UTC; --tz to change)" in output
    assert SearchEvent.objects.get().searched_at == utc(2025, 6, 18, 0, 2, 4)


def test_an_uploaded_export_is_imported_in_the_agencys_zone(oregon, alice_client, tmp_path,
                                                             django_capture_on_commit_callbacks):
    data = portal_log(tmp_path / "portal.csv", ["2025-06-18 00:02:04"]).read_bytes()
    document = upload_file(request=oregon, user=oregon.created_by, name="portal.csv", stream=io.BytesIO(data)).document
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(reverse("audit-analyse", args=[oregon.pk, document.pk]))
    assert AuditImport.objects.get().time_zone == "America/Los_Angeles"
    assert SearchEvent.objects.get().searched_at == utc(2025, 6, 18, 7, 2, 4)


# The import page: the zone shown, and a reading again in another


@pytest.fixture
def imported(oregon, tmp_path, alice_client, django_capture_on_commit_callbacks) -> AuditImport:
    data = hotlist_log(tmp_path / "hot.csv", ["06/18/2025 3:04:00 PM", "01/31/2022, 11:26:24 PM UTC"]).read_bytes()
    document = upload_file(request=oregon, user=oregon.created_by, name="hot.csv", stream=io.BytesIO(data)).document
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(reverse("audit-analyse", args=[oregon.pk, document.pk]))
    return AuditImport.objects.get()


def import_page(client, audit_import: AuditImport) -> str:
    return client.get(reverse("audit-import", args=[audit_import.request_id, audit_import.pk])).content.decode()


def reread(client, audit_import: AuditImport, zone: str):
    return client.post(reverse("audit-import-zone", args=[audit_import.request_id, audit_import.pk]),
                       {"time_zone": zone})


def test_the_import_page_names_the_zone_and_offers_another(imported, alice_client):
    body = import_page(alice_client, imported)
    assert "read as <strong>America/Los_Angeles</strong> (Oregon&#x27;s zone)" in body
    assert reverse("audit-import-zone", args=[imported.request_id, imported.pk]) in body


def test_reading_again_in_another_zone_replaces_the_rows(imported, alice_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = reread(alice_client, imported, "America/Denver")
    new = AuditImport.objects.get()
    assert response.url == reverse("audit-import", args=[new.request_id, new.pk]) and new.pk != imported.pk
    assert (new.state, new.time_zone, new.rows, new.duplicates) == ("done", "America/Denver", 2, 0)
    assert sorted(HotlistEvent.objects.values_list("occurred_at", flat=True)) == [
        utc(2022, 1, 31, 23, 26, 24), utc(2025, 6, 18, 21, 4)]  # MDT: +6; the UTC row unchanged
    assert "read as <strong>America/Denver</strong> (chosen)" in import_page(alice_client, new)


def test_a_failed_reading_again_keeps_every_row_of_the_earlier(imported, alice_client, monkeypatch,
                                                               django_capture_on_commit_callbacks):
    stored = importer.store_hotlist

    def stores_then_fails(audit_import, items):
        stored(audit_import, items)
        raise ValueError("the disk is full")

    monkeypatch.setattr(importer, "store_hotlist", stores_then_fails)
    with django_capture_on_commit_callbacks(execute=True):
        reread(alice_client, imported, "America/Denver")
    failed = AuditImport.objects.exclude(pk=imported.pk).get()
    assert failed.state == "failed" and "the disk is full" in failed.error
    assert AuditImport.objects.get(pk=imported.pk).rows == 2
    assert sorted(HotlistEvent.objects.values_list("occurred_at", "audit_import_id")) == [
        (utc(2022, 1, 31, 23, 26, 24), imported.pk), (utc(2025, 6, 18, 22, 4), imported.pk)]


def test_reading_again_refuses_an_unknown_or_the_same_zone(imported, alice_client):
    unknown = reread(alice_client, imported, "Mars/Olympus").content.decode()
    same = reread(alice_client, imported, "America/Los_Angeles").content.decode()
    assert "Unknown time zone &#x27;Mars/Olympus&#x27;" in unknown and "Mars/Olympus" in unknown  # kept in the field
    assert "The file was already read in America/Los_Angeles" in same
    assert AuditImport.objects.count() == 1


# Reports


def test_the_report_shows_local_times_and_names_the_zone(imported, alice_client):
    body = alice_client.get(reverse("audit-report", args=[imported.request_id])).content.decode()
    assert "Times in America/Los_Angeles" in body and "Time (America/Los_Angeles)" in body
    assert "2025-06-18 15:04" in body  # as the log printed it, not 22:04 UTC
    assert "2022-01-31 15:26" in body  # 23:26 UTC is 15:26 PST


def test_the_report_uses_the_zone_the_file_was_read_in(imported, alice_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reread(alice_client, imported, "America/Denver")
    body = alice_client.get(reverse("audit-report", args=[imported.request_id])).content.decode()
    assert "Times in America/Denver" in body and "2025-06-18 15:04" in body


def test_the_flagged_csv_gives_local_times_with_their_offset_and_zone(oregon, tmp_path):
    run(oregon.tracking, str(write(tmp_path / "portal.csv", PORTAL, [["s-1", "u-1", "2025-06-18 00:02:04", 1,
                                                                         "ICE warrant"]])))
    from django.test import Client

    client = Client()
    client.force_login(oregon.created_by)
    response = client.get(reverse("audit-flagged-csv", args=[oregon.pk]))
    row = next(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert (row["search_time"], row["time_zone"]) == ("2025-06-18T00:02:04-07:00", "America/Los_Angeles")


def read_in_state_zones() -> None:
    for each in AuditImport.objects.select_related("request__agency__jurisdiction"):
        each.time_zone = state_zone(each.request.agency.jurisdiction.state_code).name
        each.save()


def test_a_campaign_in_one_zone_shows_its_times_in_it(alice, alice_client):
    from tests.auditlogs.test_reports import make_campaign

    campaign = make_campaign(alice, ["OR"])
    read_in_state_zones()
    body = alice_client.get(reverse("campaign-audit-report", args=[campaign.pk])).content.decode()
    assert "Times in America/Los_Angeles" in body and "Time (America/Los_Angeles)" in body
    assert "2025-01-31 15:00" in body  # the ICE search at 23:00 UTC


def test_a_campaign_across_zones_shows_utc_and_its_csv_each_agencys_own(alice, alice_client):
    from tests.auditlogs.test_reports import make_campaign

    campaign = make_campaign(alice, ["OR", "TX"])
    read_in_state_zones()
    body = alice_client.get(reverse("campaign-audit-report", args=[campaign.pk])).content.decode()
    assert "Times in UTC: the agencies are in several zones" in body and "2025-01-31 23:00" in body
    response = alice_client.get(reverse("campaign-audit-flagged-csv", args=[campaign.pk]))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    ice = {r["agency_state"]: (r["search_time"], r["time_zone"]) for r in rows if r["reason"] == "ICE warrant"}
    assert ice == {"OR": ("2025-01-31T15:00:00-08:00", "America/Los_Angeles"),
                   "TX": ("2025-01-31T17:00:00-06:00", "America/Chicago")}
