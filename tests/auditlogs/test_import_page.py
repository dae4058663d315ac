"""The page of one audit-log import: progress while it runs, counts and rejected rows after."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse

from requests_app.auditlogs.models import AuditImport
from requests_app.documents.upload import upload_file
from tests.auditlogs.test_analyze import NETWORK_14, network_rows, write_csv
from tests.factories import AgencyFactory, draft_request, state

pytestmark = pytest.mark.django_db


@pytest.fixture
def oregon(alice):
    return draft_request(organization=alice.organization, agency=AgencyFactory(name="Bend Police Department",
                                                                                 jurisdiction=state("OR")), user=alice.user)


@pytest.fixture
def document(oregon, tmp_path):
    data = write_csv(tmp_path / "audit.csv", NETWORK_14, network_rows(NETWORK_14)).read_bytes()
    return upload_file(request=oregon, user=oregon.created_by, name="bend-audit.csv", stream=io.BytesIO(data)).document


def an_import(oregon, document, **fields) -> AuditImport:
    return AuditImport.objects.create(request=oregon, document=document, **fields)


def page(client, audit_import: AuditImport):
    return client.get(reverse("audit-import", args=[audit_import.request_id, audit_import.pk]))


def progress(client, audit_import: AuditImport):
    return client.get(reverse("audit-import-progress", args=[audit_import.request_id, audit_import.pk]))


def test_analysing_a_document_leads_to_its_import_page(oregon, document, alice_client,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("audit-analyse", args=[oregon.pk, document.pk]))
    audit_import = AuditImport.objects.get()
    assert response.url == reverse("audit-import", args=[oregon.pk, audit_import.pk])
    body = page(alice_client, audit_import).content.decode()
    assert "bend-audit.csv" in body and "Network Audit (14 columns)" in body
    assert '<th scope="row">Rows stored</th><td>7</td>' in body
    assert '<th scope="row">Repeated (counted once)</th><td>1</td>' in body
    assert "line 18: unreadable time &#x27;not a date&#x27;" in body


def test_a_running_import_shows_a_progress_bar_that_follows_it(oregon, document, alice_client):
    audit_import = an_import(oregon, document, state="running", lines_done=250, lines_total=1000)
    body = page(alice_client, audit_import).content.decode()
    url = reverse("audit-import-progress", args=[oregon.pk, audit_import.pk])
    assert f'data-progress-url="{url}" data-progress-label="Importing" data-active="1"' in body
    assert '<progress max="100" value="25"' in body and "250 of 1,000" in body
    assert "js/progress.js" in body


def test_the_progress_is_reported_as_json(oregon, document, alice_client):
    audit_import = an_import(oregon, document, state="running", lines_done=1, lines_total=3)
    assert json.loads(progress(alice_client, audit_import).content) == {
        "state": "running", "done": 1, "total": 3, "percent": 33}


def test_the_progress_is_zero_before_the_lines_are_counted(oregon, document, alice_client):
    audit_import = an_import(oregon, document)
    assert json.loads(progress(alice_client, audit_import).content) == {
        "state": "queued", "done": 0, "total": 0, "percent": 0}


def test_a_finished_import_stops_polling(oregon, document, alice_client):
    body = page(alice_client, an_import(oregon, document, state="done")).content.decode()
    assert "data-progress-url" not in body and "js/progress.js" not in body


def test_every_kept_rejected_row_is_listed_and_the_rest_are_counted(oregon, document, alice_client):
    sample = [[n, f"unreadable time 'row {n}'"] for n in range(2, 102)]
    audit_import = an_import(oregon, document, state="done", rows=10, rejected=250, rejected_sample=sample)
    body = page(alice_client, audit_import).content.decode()
    assert body.count("<li>line ") == 100 and "line 101: unreadable time &#x27;row 101&#x27;" in body
    assert "150 more rejected rows not listed: the first 100 of 250 are shown." in body


def test_a_failed_import_shows_why_and_links_to_the_report(oregon, document, alice_client):
    audit_import = an_import(oregon, document, state="failed", error="the file is empty")
    body = page(alice_client, audit_import).content.decode()
    assert "Not imported" in body and "The file is empty" in body
    assert f'href="{reverse("audit-report", args=[oregon.pk])}"' in body


def test_the_error_is_escaped(oregon, document, alice_client):
    audit_import = an_import(oregon, document, state="failed", error="<script>alert(1)</script>")
    body = page(alice_client, audit_import).content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_another_organization_gets_not_found(oregon, document, bob_client):
    audit_import = an_import(oregon, document)
    assert page(bob_client, audit_import).status_code == 404
    assert progress(bob_client, audit_import).status_code == 404


def test_an_import_of_another_request_is_not_found_under_this_one(oregon, document, alice, alice_client):
    other = draft_request(organization=alice.organization, agency=AgencyFactory(), user=alice.user)
    audit_import = an_import(oregon, document)
    assert alice_client.get(reverse("audit-import", args=[other.pk, audit_import.pk])).status_code == 404


def test_the_progress_costs_a_fixed_number_of_queries(oregon, document, alice_client, django_assert_num_queries):
    audit_import = an_import(oregon, document, state="running")
    progress(alice_client, audit_import)  # the session and membership, warmed
    # Session, user, memberships (middleware); the request; the import.
    with django_assert_num_queries(5):
        progress(alice_client, audit_import)
