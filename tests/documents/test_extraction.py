from __future__ import annotations

import io
import re
from email.message import EmailMessage

import pytest
from openpyxl import Workbook

from requests_app.correspondence.models import Communication
from requests_app.documents.models import Document
from requests_app.documents.upload import upload_file
from requests_app.letters.rendering import render_pdf
from tests.documents.test_upload import pdf_bytes
from tests.factories import AgencyFactory, draft_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_(alice):
    return draft_request(organization=alice.organization, agency=AgencyFactory(records_email="clerk@city.example.gov"),
                         user=alice.user)


def upload(request, name, data, capture):
    with capture(execute=True):  # the extraction task runs after commit (eagerly in tests)
        result = upload_file(request=request, user=request.created_by, name=name, stream=io.BytesIO(data))
    result.document.refresh_from_db()
    return result


def test_a_pdfs_text_is_read_after_upload(request_, django_capture_on_commit_callbacks):
    data = render_pdf("<p>Network Audit for Eugene, 4,294 searches</p>")
    document = upload(request_, "audit.pdf", data, django_capture_on_commit_callbacks).document
    assert document.extraction == "done" and "4,294 searches" in document.text and not document.scanned
    assert document.preview == {"pages": 1}


def test_a_pdf_without_a_text_layer_is_flagged_as_scanned(request_, django_capture_on_commit_callbacks):
    document = upload(request_, "scan.pdf", pdf_bytes(), django_capture_on_commit_callbacks).document
    assert document.extraction == "done" and document.scanned


def test_a_cp1252_csv_is_previewed_decoded(request_, django_capture_on_commit_callbacks):
    data = "name,city\nCafé,Montréal\nJosé,Zürich\n".encode("cp1252")
    document = upload(request_, "searches.csv", data, django_capture_on_commit_callbacks).document
    assert document.preview["rows"][:2] == [["name", "city"], ["Café", "Montréal"]]
    assert document.preview["encoding"] == "cp1252"


def test_an_xlsx_shows_its_first_rows(request_, django_capture_on_commit_callbacks):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Network Audit"
    sheet.append(["ID", "Org Name", "Reason"])
    sheet.append([1, "Okaloosa County FL SO", "ICE warrant"])
    out = io.BytesIO()
    workbook.save(out)
    document = upload(request_, "audit.xlsx", out.getvalue(), django_capture_on_commit_callbacks).document
    assert document.kind == "xlsx" and document.preview["sheet"] == "Network Audit"
    assert document.preview["rows"][1] == ["1", "Okaloosa County FL SO", "ICE warrant"]
    assert "ICE warrant" in document.text


def test_a_document_that_cannot_be_read_is_marked_and_kept(request_, django_capture_on_commit_callbacks):
    document = upload(request_, "broken.pdf", b"%PDF-1.4\n garbage that is not a PDF", django_capture_on_commit_callbacks).document
    assert document.extraction == "failed" and document.extraction_error
    with document.file.open("rb") as handle:
        assert handle.read().startswith(b"%PDF-1.4")


def eml_with_attachment(subject: str, tracking: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Records Clerk <clerk@city.example.gov>"
    message["To"] = "records@watchdog.example.org"
    message["Subject"] = subject
    message["Date"] = "Mon, 23 Nov 2026 10:00:00 -0500"
    message.set_content(f"Attached are the records for {tracking}.")
    message.add_attachment(pdf_bytes(), maintype="application", subtype="pdf", filename="network-audit.pdf")
    return message.as_bytes()


def test_an_eml_upload_becomes_a_communication_with_its_attachment(request_, django_capture_on_commit_callbacks):
    result = upload(request_, "reply.eml", eml_with_attachment(f"RE: {request_.tracking}", request_.tracking),
                    django_capture_on_commit_callbacks)
    communication = Communication.objects.get(request=request_)
    assert (communication.direction, communication.channel, str(communication.occurred_on)) == (
        "from_agency", "email", "2026-11-23")
    assert communication.subject == f"RE: {request_.tracking}" and "Attached are the records" in communication.body
    attachment = Document.objects.get(original_name="network-audit.pdf")
    assert attachment.parent == result.document
    assert set(communication.document_links.values_list("document__original_name", flat=True)) == {
        "reply.eml", "network-audit.pdf"}
    assert result.document.preview["attachments"] == ["network-audit.pdf"]


def test_the_document_page_shows_the_preview_only_to_its_organization(request_, alice_client, bob_client,
                                                                     django_capture_on_commit_callbacks):
    from django.urls import reverse

    document = upload(request_, "searches.csv", b"name,reason\nA,<script>x</script>\n", django_capture_on_commit_callbacks).document
    page = alice_client.get(reverse("document-detail", args=[document.pk])).content.decode()
    assert "First rows" in page and "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x</script>" not in page
    assert bob_client.get(reverse("document-detail", args=[document.pk])).status_code == 404


def test_a_file_filed_on_many_requests_lists_them_fifty_a_page(request_, alice, alice_client, django_assert_max_num_queries,
                                                              django_capture_on_commit_callbacks):
    from django.urls import reverse

    from requests_app.documents.models import RequestDocument

    document = upload(request_, "release.csv", b"a,b\n1,2\n", django_capture_on_commit_callbacks).document
    others = [draft_request(organization=alice.organization, agency=AgencyFactory(), user=alice.user) for _ in range(60)]
    RequestDocument.objects.bulk_create([RequestDocument(request=r, document=document) for r in others])
    url = reverse("document-detail", args=[document.pk])
    with django_assert_max_num_queries(20):
        first = alice_client.get(url).content.decode()
    filed = re.compile(r'href="/requests/\d+/"')
    assert "Filed on 61 requests" in first and len(filed.findall(first)) == 50 and "Page 1 of 2" in first
    second = alice_client.get(url + "?page=2").content.decode()
    assert len(filed.findall(second)) == 11
