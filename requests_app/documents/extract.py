"""Text and previews of stored documents, read after upload by a worker.

A document that cannot be read is marked failed with the reason and is never lost: the
stored file is untouched whatever happens here.

No document takes more than a fixed amount of the worker's memory: text is read from at most
READ_CAP bytes of a file (or of a DOCX's text part), PDF, DOCX and XLSX files are read from
the stored file rather than copied into memory, a container (DOCX, XLSX) is checked for
bombs before it is opened, and an XLSX whose shared strings would have to be loaded whole
past SHARED_STRINGS_CAP is not previewed.
"""

from __future__ import annotations

import csv
import email
import io
import re
from email import policy
from typing import IO, Any

from charset_normalizer import from_bytes
from pypdf import PdfReader

from requests_app.documents.containers import open_checked, read_capped
from requests_app.documents.models import Document

PREVIEW_ROWS = 20
MAX_TEXT = 5_000_000  # characters kept for search
READ_CAP = 16 * 1024 * 1024  # bytes of text read from a file for search and preview
SHARED_STRINGS_CAP = 64 * 1024 * 1024  # openpyxl loads an XLSX's shared strings whole
CONTAINER_CAP = 512 * 1024 * 1024  # an office file's members expanded, all together
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


def read_pdf(handle: IO[bytes]) -> tuple[str, dict[str, Any], bool]:
    """The PDF's text, page by page until MAX_TEXT characters are held (pypdf itself caps
    each stream it inflates at 75 MB), its page count, and whether it has no text (a scan)."""
    reader = PdfReader(handle, strict=False)
    pages, held = [], 0
    for page in reader.pages[:MAX_PDF_PAGES]:
        pages.append(page.extract_text() or "")
        held += len(pages[-1])
        if held >= MAX_TEXT:
            break
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


def read_xlsx(handle: IO[bytes]) -> tuple[str, dict[str, Any]]:
    from openpyxl import load_workbook

    with open_checked(handle, max_total=CONTAINER_CAP, what="XLSX") as archive:
        shared = next((m.file_size for m in archive.infolist() if m.filename == "xl/sharedStrings.xml"), 0)
    if shared > SHARED_STRINGS_CAP:
        raise ValueError(f"the workbook's text table expands to {shared // (1024 * 1024)} MB, too large to preview")
    handle.seek(0)
    workbook = load_workbook(handle, read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    rows = [["" if v is None else str(v) for v in row]
            for row, _ in zip(sheet.iter_rows(values_only=True), range(PREVIEW_ROWS + 1))]
    preview = {"sheet": sheet.title, "sheets": workbook.sheetnames, "rows": rows}
    workbook.close()
    return "\n".join("\t".join(r) for r in rows), preview


def read_docx(handle: IO[bytes]) -> tuple[str, bool]:
    """The text of a DOCX, from at most READ_CAP bytes of its body, and whether it was cut."""
    with open_checked(handle, max_total=CONTAINER_CAP, what="DOCX") as archive:
        data, cut = read_capped(archive, "word/document.xml", READ_CAP)
    xml = data.decode("utf-8", errors="replace")
    return _TAGS.sub(" ", xml.replace("</w:p>", "\n")), cut


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
            _read_into(document, handle)
        document.extraction, document.extraction_error = Document.Extraction.DONE, ""
    except Exception as exc:  # any parser error: the document is kept and marked
        document.extraction = Document.Extraction.FAILED
        document.extraction_error = f"{type(exc).__name__}: {exc}"[:2000]
    document.text = document.text[:MAX_TEXT]
    document.save(update_fields=["extraction", "extraction_error", "text", "preview", "scanned", "encoding"])
    return document


def _read_into(document: Document, handle: IO[bytes]) -> None:
    kind = document.kind
    if kind == "pdf":
        document.text, document.preview, document.scanned = read_pdf(handle)
    elif kind in ("csv", "txt"):
        data = handle.read(READ_CAP + 1)
        document.text, document.preview, document.encoding = read_delimited(data[:READ_CAP], document.encoding)
        if kind == "txt":
            document.preview = {"text": document.text[:20_000], "encoding": document.encoding}
        document.preview["cut"] = len(data) > READ_CAP
    elif kind == "xlsx":
        document.text, document.preview = read_xlsx(handle)
    elif kind == "docx":
        document.text, cut = read_docx(handle)
        document.preview = {"text": document.text[:20_000], "cut": cut}
    elif kind == "eml":
        data = handle.read(READ_CAP + 1)
        document.text, document.preview = read_eml(data[:READ_CAP])
        document.preview["cut"] = len(data) > READ_CAP
