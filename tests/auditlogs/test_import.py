from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from requests_app.auditlogs.models import AuditImport, SearchEvent
from tests.auditlogs.test_analyze import EUGENE, NETWORK_14, network_rows, write_csv
from tests.factories import AgencyFactory, draft_request, state

pytestmark = pytest.mark.django_db


@pytest.fixture
def oregon(alice):
    return draft_request(organization=alice.organization, agency=AgencyFactory(name="Bend Police Department",
                                                                                 jurisdiction=state("OR")), user=alice.user)


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_audit_log", *args, stdout=out)
    return out.getvalue()


def test_a_network_audit_is_imported_flagged_and_reported(oregon, tmp_path, alice_client):
    path = write_csv(tmp_path / "audit.csv", NETWORK_14, network_rows(NETWORK_14))
    output = run(oregon.tracking, str(path))
    assert "network_audit_14: 7 searches stored, 1 repeated, 1 rejected" in output
    assert "line 18: unreadable time 'not a date'" in output
    ice = SearchEvent.objects.get(reason="ICE warrant")
    assert (ice.organization_state, ice.categories, ice.flags) == ("FL", ",immigration,", [["immigration", "ICE"]])
    assert SearchEvent.objects.get(reason="Drugs/Narcotics - HSI").federal
    report = alice_client.get(reverse("audit-report", args=[oregon.pk])).context["report"]
    assert report.total == 7 and report.federal == 1 and report.out_of_state == 2
    assert dict((key, n) for key, _, n in report.categories)["immigration"] == 1
    body = alice_client.get(reverse("audit-flagged-csv", args=[oregon.pk]))
    rows = list(csv.DictReader(io.StringIO(b"".join(body.streaming_content).decode())))
    assert {(r["reason"], r["rule"]) for r in rows} >= {("ICE warrant", "ICE"), ("abortion", "abortion")}


def test_importing_the_next_monthly_file_does_not_count_repeated_rows_twice(oregon, tmp_path):
    rows = network_rows(NETWORK_14)
    run(oregon.tracking, str(write_csv(tmp_path / "1.csv", NETWORK_14, rows[:4])))
    output = run(oregon.tracking, str(write_csv(tmp_path / "2.csv", NETWORK_14, rows[3:7])))
    assert "3 searches stored, 1 repeated" in output
    assert SearchEvent.objects.filter(request=oregon).count() == 7


def test_the_eugene_sample_imports_all_its_searches(oregon):
    assert "portal_search_audit: 4294 searches stored, 0 repeated, 0 rejected" in run(oregon.tracking, str(EUGENE))
    # Its times carry no zone: Eugene's clock (Pacific), stored in UTC.
    first = SearchEvent.objects.order_by("searched_at").first()
    assert first.searched_at.isoformat() == "2025-06-18T07:02:04.789000+00:00"


def test_a_file_that_is_not_an_audit_log_imports_nothing(oregon, tmp_path):
    (tmp_path / "budget.csv").write_text("line,amount\nradios,1200\ncameras,5000\n")
    with pytest.raises(CommandError, match="1 file\\(s\\) not imported"):
        run(oregon.tracking, str(tmp_path / "budget.csv"))
    assert AuditImport.objects.get().state == "failed" and not SearchEvent.objects.exists()


def test_the_page_queues_an_analysis_of_an_uploaded_export(oregon, alice_client, tmp_path, django_capture_on_commit_callbacks):
    from requests_app.documents.upload import upload_file

    data = write_csv(tmp_path / "audit.csv", NETWORK_14, network_rows(NETWORK_14)).read_bytes()
    document = upload_file(request=oregon, user=oregon.created_by, name="audit.csv", stream=io.BytesIO(data)).document
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("audit-analyse", args=[oregon.pk, document.pk]))
    audit_import = AuditImport.objects.get()
    assert response.url == reverse("audit-import", args=[oregon.pk, audit_import.pk])
    assert audit_import.state == "done" and SearchEvent.objects.count() == 7
    assert audit_import.lines_done == audit_import.lines_total > 0


def test_another_organization_sees_no_report(oregon, bob_client, tmp_path):
    run(oregon.tracking, str(write_csv(tmp_path / "a.csv", NETWORK_14, network_rows(NETWORK_14))))
    assert bob_client.get(reverse("audit-report", args=[oregon.pk])).status_code == 404
    assert bob_client.get(reverse("audit-flagged-csv", args=[oregon.pk])).status_code == 404


def test_an_organizations_own_terms_flag_new_imports(oregon, alice_client, tmp_path):
    alice_client.post(reverse("audit-terms"), {"category": "protest", "term": "Free Palestine"})
    rows = network_rows(NETWORK_14)
    rows[0][NETWORK_14.index("Reason")] = "free  palestine march"
    run(oregon.tracking, str(write_csv(tmp_path / "a.csv", NETWORK_14, rows)))
    event = SearchEvent.objects.get(reason="free  palestine march")
    assert event.flags == [["protest", "custom term “Free Palestine”"]]


def test_a_california_report_points_out_federal_and_out_of_state_searches(alice, alice_client, tmp_path):
    request = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state("CA")),
                            user=alice.user)
    run(request.tracking, str(write_csv(tmp_path / "a.csv", NETWORK_14, network_rows(NETWORK_14))))
    findings = alice_client.get(reverse("audit-report", args=[request.pk])).context["report"].findings
    # Florida, the federal searcher and Texas; Oregon's own searches are out of state too, seen from California.
    assert [f.law for f in findings] == ["California Civil Code § 1798.90.5–.55 (SB 34)"]
    assert findings[0].count == 7


def test_an_illinois_report_points_out_immigration_and_reproductive_searches(alice, alice_client, tmp_path):
    request = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state("IL")),
                            user=alice.user)
    run(request.tracking, str(write_csv(tmp_path / "a.csv", NETWORK_14, network_rows(NETWORK_14))))
    findings = alice_client.get(reverse("audit-report", args=[request.pk])).context["report"].findings
    assert [(f.law, f.count) for f in findings] == [("625 ILCS 5/2-130 (2023)", 2)]


def test_no_finding_where_the_state_sets_no_such_limit(oregon, alice_client, tmp_path):
    run(oregon.tracking, str(write_csv(tmp_path / "a.csv", NETWORK_14, network_rows(NETWORK_14))))
    assert alice_client.get(reverse("audit-report", args=[oregon.pk])).context["report"].findings == []


SHARING = EUGENE.parent / "eugene-or-sharing-orgs.csv"


def test_a_sharing_list_is_imported_as_the_agencys_partners(oregon, alice_client):
    assert "sharing_list: 59 partner organizations stored, 0 repeated, 0 rejected" in run(oregon.tracking, str(SHARING))
    from requests_app.auditlogs.models import SharingRelation

    assert SharingRelation.objects.filter(request=oregon).count() == 59
    assert SharingRelation.objects.get(organization="Ada County ID SO").kind == "sheriff"
    sharing = alice_client.get(reverse("audit-report", args=[oregon.pk])).context["sharing"]
    assert sharing.total == 59 and dict(sharing.by_state)["OR"] > 0


def test_shared_networks_with_federal_and_private_partners_in_california(alice, alice_client, tmp_path):
    from requests_app.auditlogs.models import SharingRelation

    request = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state("CA")),
                            user=alice.user)
    path = tmp_path / "networks.csv"
    path.write_text("Organization Name,Networks Shared With Me,Networks I'm Sharing\n"
                    '"Alameda County CA SO","Alameda County CA SO, Alameda County CA SO (LPR)","Oakland CA PD"\n'
                    '"Reno NV PD","Reno NV PD",""\n'
                    '"[Federal] US Border Patrol","","Oakland CA PD"\n'
                    '"Sunny Acres HOA CA","","Oakland CA PD"\n')
    assert "shared_networks: 4 partner organizations stored" in run(request.tracking, str(path))
    stored = {r.organization: (r.direction, r.kind) for r in SharingRelation.objects.all()}
    assert stored == {"Alameda County CA SO": ("both", "sheriff"), "Reno NV PD": ("shared_with_me", "police"),
                      "[Federal] US Border Patrol": ("sharing", "federal"), "Sunny Acres HOA CA": ("sharing", "private")}
    report = alice_client.get(reverse("audit-report", args=[request.pk])).context
    assert [m.organization for m in report["sharing"].marked] == ["[Federal] US Border Patrol", "Sunny Acres HOA CA"]
    # Reno only lets the agency search its cameras: the agency's own data goes to the other two.
    assert any("shares ALPR data with 2" in f.text for f in report["report"].findings)


def _queued(oregon, tmp_path) -> AuditImport:
    from requests_app.documents.upload import upload_file

    data = write_csv(tmp_path / "audit.csv", NETWORK_14, network_rows(NETWORK_14)).read_bytes()
    document = upload_file(request=oregon, user=None, name="audit.csv", stream=io.BytesIO(data)).document
    return AuditImport.objects.create(request=oregon, document=document)


def test_only_one_worker_claims_an_import(oregon, tmp_path):
    from django.utils import timezone

    from requests_app.jobs.runner import claim

    queued = _queued(oregon, tmp_path)
    assert claim("audit_import", queued.pk, now=timezone.now()).state == "running"
    assert claim("audit_import", queued.pk, now=timezone.now()) is None


def test_an_import_whose_worker_died_is_claimed_again_and_swept(oregon, tmp_path, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from requests_app.jobs.runner import claim
    from requests_app.jobs.tasks import jobs_sweep

    queued = _queued(oregon, tmp_path)
    now = timezone.now()
    claim("audit_import", queued.pk, now=now - timedelta(minutes=16))
    sent = []
    monkeypatch.setattr("requests_app.ops.queue.enqueue_now", lambda task, *args, **kw: sent.append(args) or True)
    assert jobs_sweep(now=now) == 1 and sent == [("audit_import", queued.pk)]
    assert claim("audit_import", queued.pk, now=now).state == "running"
    assert jobs_sweep(now=now) == 0  # claimed just now: alive


def test_a_queued_import_the_broker_never_delivered_is_swept(oregon, tmp_path, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from requests_app.jobs.tasks import jobs_sweep

    queued = _queued(oregon, tmp_path)
    monkeypatch.setattr("requests_app.ops.queue.enqueue_now", lambda task, *args, **kw: True)
    assert jobs_sweep(now=timezone.now()) == 0
    assert jobs_sweep(now=queued.created_at + timedelta(minutes=11)) == 1


def test_an_internal_error_fails_the_import_and_keeps_nothing(oregon, tmp_path, monkeypatch):
    from requests_app.auditlogs import csvblocks, importer, storage

    monkeypatch.setattr(csvblocks.record_blocks, "__defaults__", (300,))  # a batch or two per row
    calls = []

    def store_then_break(batch, **ids):
        calls.append(batch.height)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        storage.store_events(batch, **ids)

    monkeypatch.setattr(importer, "store_events", store_then_break)
    done = importer.run(_queued(oregon, tmp_path))
    assert len(calls) == 3 and done.state == "failed" and "internal error" in done.error
    assert not SearchEvent.objects.exists()  # the two batches stored before the error are gone


def test_an_import_past_its_time_limit_fails_with_advice(oregon, tmp_path, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    from requests_app.auditlogs import importer

    def too_slow(batch, **ids):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(importer, "store_events", too_slow)
    done = importer.run(_queued(oregon, tmp_path))
    assert done.state == "failed" and "time limit" in done.error and not SearchEvent.objects.exists()


ODD = "When,Agency,Officer,Why\n01/31/2022, 11:26:24 PM UTC,Okaloosa County FL SO,J. Smith,ICE detainer\n"


def test_an_unrecognised_export_is_read_on_the_command_line_with_its_columns_named(oregon, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text(ODD.replace("01/31/2022, 11:26:24 PM UTC", '"01/31/2022, 11:26:24 PM UTC"'))
    columns = ["--column", "When=searched_at", "--column", "Agency=organization", "--column", "Why=reason"]
    out = io.StringIO()
    call_command("analyze_audit_log", str(path), "--json", *columns, stdout=out)
    assert '"format": "mapped"' in out.getvalue() and '"immigration": 1' in out.getvalue()
    assert "mapped: 1 searches stored" in run(oregon.tracking, str(path), *columns)
    assert SearchEvent.objects.get().organization_state == "FL"


@pytest.mark.parametrize("column, message", [
    ("When", "write it as HEADER=FIELD"),
    ("When=time", "unknown field(s) in the column map: time"),
    ("Why=reason", "map one column to the search time"),
])
def test_a_bad_column_option_is_explained(tmp_path, column, message):
    path = tmp_path / "odd.csv"
    path.write_text(ODD)
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("analyze_audit_log", str(path), "--column", column, stdout=io.StringIO())


@pytest.mark.parametrize("frame, start, end", [
    ("01/01/2025 - 01/31/2025", "01/01/2025", "01/31/2025"),
    ("01/01/2025, 12:00:00 AM UTC to 01/31/2025, 11:59:59 PM UTC", "01/01/2025, 12:00:00 AM UTC",
     "01/31/2025, 11:59:59 PM UTC"),
])
def test_a_time_frame_written_on_one_line_is_imported(oregon, tmp_path, frame, start, end):
    rows = [[frame if column == "Time Frame" else value for column, value in zip(NETWORK_14, row)]
            for row in network_rows(NETWORK_14)]
    output = run(oregon.tracking, str(write_csv(tmp_path / "one-line.csv", NETWORK_14, rows)))
    assert "7 searches stored" in output
    ice = SearchEvent.objects.get(reason="ICE warrant")
    assert (ice.time_frame_start, ice.time_frame_end) == (start, end)


def test_a_time_frame_written_on_one_line_is_imported_from_a_workbook(oregon, tmp_path):
    workbook = Workbook()
    workbook.active.append(NETWORK_14)
    for row in network_rows(NETWORK_14):
        workbook.active.append([("01/01/2025 - 01/31/2025" if c == "Time Frame" else v) for c, v in zip(NETWORK_14, row)])
    workbook.save(tmp_path / "one-line.xlsx")
    assert "7 searches stored" in run(oregon.tracking, str(tmp_path / "one-line.xlsx"))
    assert SearchEvent.objects.get(reason="ICE warrant").time_frame_end == "01/31/2025"
