from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfWriter

from requests_app.documents.models import Document, RequestDocument
from requests_app.documents.upload import upload_file
from tests.factories import AgencyFactory, draft_request

pytestmark = pytest.mark.django_db


def pdf_bytes(password: str | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    return zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                      "xl/worksheets/sheet1.xml": b"<worksheet/>" * 50})


@pytest.fixture
def request_(alice):
    return draft_request(organization=alice.organization, agency=AgencyFactory(), user=alice.user)


def up(request, name: str, data: bytes):
    return upload_file(request=request, user=request.created_by, name=name, stream=io.BytesIO(data))


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.mark.parametrize("name, data, reason", [
    ("empty.pdf", b"", "the file is empty"),
    ("invoice.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "this is a Windows program, not a document"),
    ("tool.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "this is a Linux program"),
    ("locked.pdf", pdf_bytes("secret"), "the PDF is encrypted"),
    ("records.xlsx", xlsx_bytes()[:60], "is damaged"),
    ("slip.zip", zip_bytes({"../../outside.txt": b"gotcha"}), "member names that leave its folder"),
    ("abs.zip", zip_bytes({"/etc/cron.d/evil": b"gotcha"}), "member names that leave its folder"),
    ("bomb.zip", zip_bytes({"zeros.txt": b"\x00" * (20 * 1024 * 1024)}), "archive bomb"),
    ("blob.bin", bytes(range(256)) * 8, "binary data of a type that is not accepted"),
])
def test_bad_files_are_refused_clearly_and_nothing_is_stored(request_, name, data, reason, tmp_path):
    media = Path(settings.MEDIA_ROOT)
    before = files_under(media)
    result = up(request_, name, data)
    assert result.status == "refused" and reason in result.reason
    assert not Document.objects.exists()
    assert files_under(media) == before


def test_a_file_over_the_size_limit_is_refused(request_, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    result = up(request_, "big.csv", b"a,b\n" * 1000)
    assert result.status == "refused" and "larger than the limit" in result.reason


@pytest.mark.parametrize("name", ["../../../../etc/passwd.csv", "/etc/cron.d/job.csv", "..\\..\\boot.csv"])
def test_a_path_traversal_name_is_refused_and_nothing_is_written(request_, name):
    before = files_under(Path(settings.MEDIA_ROOT))
    result = up(request_, name, b"name,value\nx,1\ny,2\n")
    assert result.status == "refused" and "tries to leave its folder" in result.reason
    assert files_under(Path(settings.MEDIA_ROOT)) == before and not Document.objects.exists()


def test_a_file_in_a_folder_keeps_its_plain_name_and_is_stored_inside_the_media_root(request_):
    document = up(request_, "release/2025/audit.csv", b"name,value\nx,1\ny,2\n").document
    assert document.original_name == "audit.csv"
    stored = Path(document.file.path).resolve()
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve()) and "audit" not in stored.name


def test_a_cp1252_csv_is_accepted_and_its_encoding_noted(request_):
    result = up(request_, "searches.csv", "name,city\nCafé,Montréal\nJosé,Zürich\n".encode("cp1252"))
    assert (result.status, result.document.kind, result.document.encoding) == ("stored", "csv", "cp1252")


@pytest.mark.parametrize("name, data, kind", [
    ("letter.pdf", pdf_bytes(), "pdf"),
    ("audit.xlsx", xlsx_bytes(), "xlsx"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "xls"),
    ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "png"),
    ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 50, "jpeg"),
    ("scan.tif", b"II*\x00" + b"\x00" * 50, "tiff"),
    ("notes.txt", b"The agency called back on Monday.\n", "txt"),
    ("reply.eml", b"From: clerk@city.example.gov\r\nTo: us@example.org\r\nSubject: RR-2026-0001\r\n"
                  b"Date: Mon, 30 Nov 2026 10:00:00 -0500\r\n\r\nHello.\r\n", "eml"),
    ("misnamed.pdf", b"id,userId,searchDate\n1,2,2025-06-18\n3,4,2025-06-19\n", "csv"),
])
def test_types_are_judged_by_content(request_, name, data, kind):
    assert up(request_, name, data).document.kind == kind


def test_the_same_file_twice_is_stored_once(request_, alice):
    data = pdf_bytes()
    first = up(request_, "a.pdf", data)
    again = up(request_, "copy-of-a.pdf", data)
    other = draft_request(organization=alice.organization, agency=AgencyFactory(), user=alice.user)
    elsewhere = up(other, "a.pdf", data)
    assert (first.status, again.status, elsewhere.status) == ("stored", "already", "linked")
    assert Document.objects.count() == 1 and RequestDocument.objects.count() == 2


def test_a_zip_is_kept_and_its_members_extracted(request_):
    data = zip_bytes({"release/letter.pdf": pdf_bytes(), "release/audit.csv": b"a,b\n1,2\n3,4\n",
                      "release/run.exe": b"MZ" + b"\x00" * 100})
    result = up(request_, "release.zip", data)
    assert result.status == "stored" and result.document.kind == "zip"
    members = {m.name: m for m in result.members}
    assert members["letter.pdf"].document.parent == result.document
    assert members["audit.csv"].document.kind == "csv"
    assert members["run.exe"].status == "refused"
    assert request_.document_links.count() == 3


def test_another_organization_cannot_download_a_document(request_, bob_client, alice_client):
    document = up(request_, "a.pdf", pdf_bytes()).document
    assert bob_client.get(reverse("document-download", args=[document.pk])).status_code == 404
    response = alice_client.get(reverse("document-download", args=[document.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_page_uploads_several_files_at_once(alice_client, request_):
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = [SimpleUploadedFile("a.pdf", pdf_bytes()), SimpleUploadedFile("b.csv", b"x,y\n1,2\n3,4\n"),
             SimpleUploadedFile("c.pdf", b"MZ" + b"\x00" * 10)]
    response = alice_client.post(reverse("document-upload", args=[request_.pk]), {"files": files}, follow=True)
    body = response.content.decode()
    assert "a.pdf: stored." in body and "b.csv: stored." in body and "c.pdf was refused" in body
    assert request_.document_links.count() == 2


def test_a_viewer_or_another_organization_cannot_upload(bob_client, request_):
    assert bob_client.post(reverse("document-upload", args=[request_.pk]), {}).status_code == 404


def test_the_attach_command_reports_each_file(request_, tmp_path, capsys):
    (tmp_path / "a.pdf").write_bytes(pdf_bytes())
    (tmp_path / "bad.pdf").write_bytes(b"MZ" + b"\x00" * 10)
    with pytest.raises(CommandError, match="2 file\\(s\\) refused"):
        call_command("attach", request_.tracking, str(tmp_path / "a.pdf"), str(tmp_path / "bad.pdf"),
                     str(tmp_path / "missing.pdf"), "--note", "from the clerk")
    out = capsys.readouterr().out
    document = Document.objects.get()
    assert f"a.pdf: {document.pk} pdf {document.sha256} (stored)" in out
    assert "bad.pdf: refused: this is a Windows program" in out
    assert "missing.pdf: refused: cannot read it" in out
    assert request_.document_links.get().note == "from the clerk"


def test_attach_needs_a_known_tracking_reference(tmp_path):
    with pytest.raises(CommandError, match="no request with tracking reference 'RR-1999-0001'"):
        call_command("attach", "RR-1999-0001", str(tmp_path / "x.pdf"))
