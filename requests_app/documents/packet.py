"""One request as an evidence bundle: its letters, a PDF of the communications log, every
document, and a manifest with the sha256 of each file."""

from __future__ import annotations

import hashlib
import io
import tempfile
import zipfile
from typing import IO

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import get_valid_filename

from requests_app.documents.integrity import read_verified
from requests_app.letters.rendering import render_pdf
from requests_app.records.models import RecordsRequest
from requests_app.ops.spreadsheets import csv_writer

MANIFEST_COLUMNS = ("file", "what", "date", "sha256", "bytes")


def request_packet(request: RecordsRequest) -> IO[bytes]:
    """The packet as a ZIP in a temporary file, positioned at its start."""
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    rows: list[list[str]] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        def add(name: str, data: bytes, what: str, day) -> None:
            archive.writestr(name, data)
            rows.append([name, what, str(day or ""), hashlib.sha256(data).hexdigest(), str(len(data))])

        for letter in request.letters.order_by("number"):
            add(f"letters/{letter.filename}", read_verified(letter.pdf, letter.sha256, letter.filename),
                f"request letter, version {letter.number}", letter.letter_date)
        for letter in request.follow_ups.exclude(sha256=""):
            add(f"letters/{letter.filename}", read_verified(letter.pdf, letter.sha256, letter.filename),
                f"{letter.get_kind_display().lower()} letter ({letter.reason})", letter.sent_on or letter.occasion)
        add("communications-log.pdf", communications_log_pdf(request), "log of every communication",
            timezone.localdate())
        for link in request.document_links.select_related("document").order_by("added_at"):
            document = link.document
            name = f"documents/{document.pk}-{get_valid_filename(document.original_name)}"
            add(name, read_verified(document.file, document.sha256, document.original_name),
                f"document ({document.get_kind_display()}){': ' + link.note if link.note else ''}",
                link.added_at.date())
        manifest = io.StringIO()
        writer = csv_writer(manifest)
        writer.writerow(MANIFEST_COLUMNS)
        writer.writerows(rows)
        archive.writestr("manifest.csv", manifest.getvalue())
    out.seek(0)
    return out


def communications_log_pdf(request: RecordsRequest) -> bytes:
    context = {
        "req": request,
        "communications": request.communications.select_related("logged_by"),
        "changes": request.status_changes.select_related("changed_by"),
        "printed": timezone.localtime(),
    }
    return render_pdf(render_to_string("documents/communications_log.html", context))
