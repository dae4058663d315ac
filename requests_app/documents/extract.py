"""Text and previews of stored documents, read after upload by a worker.

A document that cannot be read is marked failed with the reason and is never lost: the
stored file is untouched whatever happens here.
"""

from __future__ import annotations

import csv
import email
import io
import re
import zipfile
from email import policy
from typing import Any

from charset_normalizer import from_bytes
from pypdf import PdfReader

from requests_app.documents.models import Document

PREVIEW_ROWS = 20
MAX_TEXT = 5_000_000  # characters kept for search
MAX_PDF_PAGES = 2000
_TAGS = re.compile(r"<[^>]+>")


def decode(data: bytes, hint: str = "") -> tuple[str, str]:
    """Text and the encoding it was read with: BOMs, then the hint, UTF-8, then a guess."""
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding), encoding
    for encoding in filter(None, (hint, "utf-8")):
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    guess = from_bytes(data[:200_000]).best()
    encoding = guess.encoding if guess else "cp1252"
    return data.decode(encoding, errors="replace"), encoding


def read_pdf(data: bytes) -> tuple[str, dict[str, Any], bool]:
    reader = PdfReader(io.BytesIO(data), strict=False)
    pages = [page.extract_text() or "" for page in reader.pages[:MAX_PDF_PAGES]]
    text = "\n\n".join(pages)
    return text, {"pages": len(reader.pages)}, not text.strip()


def read_delimited(data: bytes, hint: str) -> tuple[str, dict[str, Any], str]:
    text, encoding = decode(data, hint)
    sample = "\n".join(text.splitlines()[:50])
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = []
    for row in csv.reader(io.StringIO(text), dialect):
        rows.append(row)
        if len(rows) > PREVIEW_ROWS:
            break
    return text, {"rows": rows[:PREVIEW_ROWS + 1], "encoding": encoding}, encoding


def read_xlsx(data: bytes) -> tuple[str, dict[str, Any]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    rows = [["" if v is None else str(v) for v in row]
            for row, _ in zip(sheet.iter_rows(values_only=True), range(PREVIEW_ROWS + 1))]
    preview = {"sheet": sheet.title, "sheets": workbook.sheetnames, "rows": rows}
    workbook.close()
    return "\n".join("\t".join(r) for r in rows), preview


def read_docx(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode("utf-8", errors="replace")
    return _TAGS.sub(" ", xml.replace("</w:p>", "\n"))


def read_eml(data: bytes) -> tuple[str, dict[str, Any]]:
    message = email.message_from_bytes(data, policy=policy.default)
    headers = {name: str(message.get(name, "")) for name in ("From", "To", "Cc", "Subject", "Date", "Message-ID")}
    body_part = message.get_body(preferencelist=("plain", "html"))
    body = body_part.get_content() if body_part is not None else ""
    if body_part is not None and body_part.get_content_type() == "text/html":
        body = _TAGS.sub(" ", body)
    attachments = [part.get_filename() or "attachment" for part in message.iter_attachments()]
    preview = {"headers": headers, "body": body[:20_000], "attachments": attachments}
    return f"{headers['Subject']}\n{headers['From']}\n{body}", preview


def extract(document: Document) -> Document:
    """Reads the stored file into text and a preview; marks the document failed if it cannot."""
    try:
        with document.file.open("rb") as handle:
            data = handle.read()
        _read_into(document, data)
        document.extraction, document.extraction_error = Document.Extraction.DONE, ""
    except Exception as exc:  # any parser error: the document is kept and marked
        document.extraction = Document.Extraction.FAILED
        document.extraction_error = f"{type(exc).__name__}: {exc}"[:2000]
    document.text = document.text[:MAX_TEXT]
    document.save(update_fields=["extraction", "extraction_error", "text", "preview", "scanned", "encoding"])
    return document


def _read_into(document: Document, data: bytes) -> None:
    kind = document.kind
    if kind == "pdf":
        document.text, document.preview, document.scanned = read_pdf(data)
    elif kind in ("csv", "txt"):
        document.text, document.preview, document.encoding = read_delimited(data, document.encoding)
        if kind == "txt":
            document.preview = {"text": document.text[:20_000], "encoding": document.encoding}
    elif kind == "xlsx":
        document.text, document.preview = read_xlsx(data)
    elif kind == "docx":
        document.text = read_docx(data)
        document.preview = {"text": document.text[:20_000]}
    elif kind == "eml":
        document.text, document.preview = read_eml(data)
