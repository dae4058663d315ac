"""What a file is, judged by its content, never by its name.

Pure functions over a file on disk (the upload's temporary copy). A file that is not one
of the accepted types, or that cannot be trusted (a program, an encrypted PDF, a damaged
spreadsheet), gets a Refused with a reason a person can act on.
"""

from __future__ import annotations

import csv
import email
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from requests_app.documents.containers import check_container
from requests_app.documents.refusal import Refused

HEAD = 8192
_PROGRAMS = {b"MZ": "a Windows program", b"\x7fELF": "a Linux program", b"\xca\xfe\xba\xbe": "a macOS program",
             b"\xcf\xfa\xed\xfe": "a macOS program", b"#!": "a script"}
_EML_HEADERS = (b"from:", b"to:", b"subject:", b"date:", b"received:", b"message-id:", b"mime-version:",
                b"return-path:", b"delivered-to:")


@dataclass(frozen=True)
class Detected:
    kind: str
    encoding: str = ""


def detect(path: Path, name: str) -> Detected:
    with open(path, "rb") as handle:
        head = handle.read(HEAD)
    if not head:
        raise Refused("the file is empty")
    for magic, what in _PROGRAMS.items():
        if head.startswith(magic):
            raise Refused(f"this is {what}, not a document (whatever its name says)")
    if b"%PDF-" in head[:1024]:
        return _pdf(path)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_family(path)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return Detected("xls")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Detected("png")
    if head.startswith(b"\xff\xd8\xff"):
        return Detected("jpeg")
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return Detected("tiff")
    return _text(path, head, name)


def _pdf(path: Path) -> Detected:
    try:
        reader = PdfReader(str(path), strict=False)
        encrypted = reader.is_encrypted
    except (PdfReadError, ValueError, OSError, KeyError, TypeError):
        return Detected("pdf")  # damaged but still a PDF: kept, and flagged when its text is read
    if encrypted:
        raise Refused("the PDF is encrypted; ask the agency for an unprotected copy, or remove the password first")
    return Detected("pdf")


def _zip_family(path: Path) -> Detected:
    from django.conf import settings

    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            # Sizes first: testzip below decompresses every member.
            check_container(archive, max_total=settings.UPLOAD_MAX_BYTES * 5, what=_container_name(names))
            broken = archive.testzip()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise Refused(f"the file looks like a ZIP (or XLSX/DOCX) but is damaged: {exc}") from None
    if broken is not None:
        raise Refused(f"the archive is damaged: member {broken!r} fails its checksum")
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return Detected("xlsx")
    if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
        return Detected("docx")
    return Detected("zip")


def _container_name(names: set[str]) -> str:
    if "[Content_Types].xml" in names:
        return "XLSX" if any(n.startswith("xl/") for n in names) else "DOCX" if any(
            n.startswith("word/") for n in names) else "Office file"
    return "ZIP"


def _decode(head: bytes) -> tuple[str, str]:
    for encoding in ("utf-8", "cp1252"):
        try:
            return head.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            if encoding == "utf-8" and exc.start >= len(head) - 3:
                return head[:exc.start].decode("utf-8"), "utf-8"  # a character cut at the end of the sample
    raise Refused("the file is neither a known document type nor readable text")


def _text(path: Path, head: bytes, name: str) -> Detected:
    if b"\x00" in head:
        raise Refused("the file is binary data of a type that is not accepted "
                      "(accepted: PDF, CSV, XLSX, XLS, DOCX, TXT, EML, ZIP, PNG, JPEG, TIFF)")
    text, encoding = _decode(head)
    if _looks_like_email(head):
        return Detected("eml", encoding)
    if name.lower().endswith((".csv", ".tsv")) or _looks_like_csv(text):
        return Detected("csv", encoding)
    return Detected("txt", encoding)


def _looks_like_email(head: bytes) -> bool:
    lines = head.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].lower().splitlines()
    headers = {line.split(b":", 1)[0] + b":" for line in lines if b":" in line and not line.startswith((b" ", b"\t"))}
    return len(headers & set(_EML_HEADERS)) >= 3 and email.message_from_bytes(head).get("From") is not None


def _looks_like_csv(text: str) -> bool:
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if len(lines) < 2:
        return False
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|")
    except csv.Error:
        return False
    widths = {len(row) for row in csv.reader(io.StringIO("\n".join(lines)), dialect)}
    return len(widths) == 1 and widths.pop() > 1
