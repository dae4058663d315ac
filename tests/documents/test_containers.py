"""Archive bombs in every ZIP container, at every level, and extraction within a fixed memory."""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from requests_app.documents.models import Document
from tests.documents.test_upload import up
from tests.factories import AgencyFactory, draft_request

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
CONTENT_TYPES = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def stream_member(archive: zipfile.ZipFile, name: str, chunks) -> None:
    with archive.open(name, "w", force_zip64=True) as member:
        for chunk in chunks:
            member.write(chunk)


def zeros(total: int, block: int = 1 << 20):
    for _ in range(total // block):
        yield b" " * block


def docx(members: dict[str, object]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        for name, content in members.items():
            if isinstance(content, bytes):
                archive.writestr(name, content)
            else:
                stream_member(archive, name, content)
    return out.getvalue()


def plain_zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.fixture
def request_(alice):
    return draft_request(organization=alice.organization, agency=AgencyFactory(), user=alice.user)


def test_a_docx_whose_body_expands_a_thousandfold_is_refused(request_):
    bomb = docx({"word/document.xml": zeros(64 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    result = up(request_, "report.docx", bomb)
    assert result.status == "refused" and "archive bomb" in result.reason and "DOCX" in result.reason
    assert not Document.objects.exists()


def test_an_xlsx_bomb_is_refused_too(request_):
    bomb = docx({"xl/workbook.xml": b"<workbook/>", "xl/sharedStrings.xml": zeros(32 * 1024 * 1024)})
    result = up(request_, "audit.xlsx", bomb)
    assert result.status == "refused" and "archive bomb" in result.reason and "XLSX" in result.reason


def test_a_bomb_inside_a_zip_is_refused_when_its_own_bytes_come_in(request_):
    inner = plain_zip({"huge.txt": b" " * (48 * 1024 * 1024)})
    outer = plain_zip({"release/logs.zip": inner, "release/readme.txt": b"Audit logs, as released.\n"},
                      compression=zipfile.ZIP_STORED)  # stored: the outer archive itself looks harmless
    result = up(request_, "release.zip", outer)
    assert result.status == "stored"
    by_name = {m.name: m for m in result.members}
    assert by_name["readme.txt"].status == "stored"
    assert by_name["logs.zip"].status == "refused" and "archive bomb" in by_name["logs.zip"].reason
    assert sorted(Document.objects.values_list("original_name", flat=True)) == ["readme.txt", "release.zip"]


def test_a_zip_of_too_many_files_is_refused(request_):
    many = plain_zip({f"f{n}.txt": b"x" for n in range(2001)})
    result = up(request_, "many.zip", many)
    assert result.status == "refused" and "2001 files" in result.reason


def test_a_zip_that_expands_past_the_limit_is_refused(request_, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    rng = random.Random(7)
    members = {f"part{n}.csv": bytes(rng.getrandbits(8) for _ in range(300_000)) for n in range(20)}
    result = up(request_, "parts.zip", plain_zip(members, compression=zipfile.ZIP_STORED))
    assert result.status == "refused"
    assert "larger than the limit" in result.reason or "would expand to" in result.reason


def long_docx(path: Path, total: int) -> None:
    """A DOCX of ``total`` bytes of body text that compresses as prose does (about 50 times):
    no bomb, so only the reader's cap keeps its memory small."""
    rng = random.Random(1)
    paragraph = "<w:p><w:r><w:t>The agency searched the network for a stolen vehicle again. </w:t></w:r></w:p>" * 7

    def chunks():
        written = 0
        while written < total:
            block = "".join(paragraph + f"<w:p><w:t>{rng.getrandbits(64):x}</w:t></w:p>" for _ in range(1000))
            written += len(block)
            yield block.encode()

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        stream_member(archive, "word/document.xml", chunks())


MEASURE = """
import json, os, resource, sys
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "recordsreq.test_settings"
django.setup()
from requests_app.documents.extract import read_docx
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with open(sys.argv[1], "rb") as handle:
    text, cut = read_docx(handle)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"grew_mb": (after - before) / 1024, "chars": len(text), "cut": cut}))
"""


def test_reading_a_long_docx_takes_a_fixed_amount_of_memory(tmp_path):
    path = tmp_path / "long.docx"
    long_docx(path, 200 * 1024 * 1024)  # 200 MB of text, a 4 MB file
    shown = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, cwd=ROOT,
                           env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert shown.returncode == 0, shown.stderr
    measured = json.loads(shown.stdout)
    assert measured["cut"] and measured["chars"] < 17 * 1024 * 1024
    # 16 MB read, decoded and stripped of its tags: a few copies, never the 200 MB body.
    assert measured["grew_mb"] < 160, measured


def test_a_pdf_is_read_page_by_page_only_until_enough_text_is_held(monkeypatch):
    from weasyprint import HTML

    from requests_app.documents import extract

    pages = "".join(f"<p style='break-after: page'>{'page %d ' % n * 50}</p>" for n in range(1, 6))
    data = HTML(string=f"<html><body>{pages}</body></html>").write_pdf()
    monkeypatch.setattr(extract, "MAX_TEXT", 500)
    text, preview, scanned = extract.read_pdf(io.BytesIO(data))
    assert preview["pages"] == 5 and not scanned
    assert "page 1" in text and "page 2" in text and "page 3" not in text
