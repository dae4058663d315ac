"""Small generated files standing in for what agencies release in the demo: an audit-log
export (CSV, in Flock's 14-column Network Audit layout) and a cover letter (text).

Every row is invented and says so. The same agency and year always give the same bytes,
so seeding again finds each file stored already (documents are kept once per content).
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from requests_app.agencies.models import Agency
from requests_app.documents.extract import extract
from requests_app.documents.models import Document
from requests_app.teams.models import Organization, User

AUDIT_ROWS = 24
AUDIT_HEADER = ["ID", "Name", "Org Name", "Total Networks Searched", "Total Devices Searched", "Time Frame",
                "License Plate", "Reason", "Case #", "Filters", "Search Time", "Search Type"]
REASONS = ["stolen vehicle", "investigation", "missing person", "robbery suspect vehicle", "hit and run",
           "welfare check", "federal task force assist", "warrant"]
_EXTENSIONS = {Document.Kind.CSV: ".csv", Document.Kind.TXT: ".txt"}


@dataclass(frozen=True)
class DemoFile:
    name: str
    kind: str
    data: bytes


def audit_log(agency: Agency, *, year: int) -> DemoFile:
    """An invented audit-log export of the agency's searches in ``year``."""
    rng = random.Random(f"audit|{agency.name}|{year}")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(AUDIT_HEADER)
    start = datetime(year, 1, 1, 6)
    for n in range(1, AUDIT_ROWS + 1):
        at = start + timedelta(days=rng.randint(0, 364), minutes=rng.randint(0, 16 * 60))
        networks = rng.choice([1, 1, 3, 12, 48, 1450])
        writer.writerow([
            f"DEMO-{n:04d}", f"Officer {rng.randint(100, 999)} (invented)", agency.name, networks,
            networks * rng.randint(3, 40), "7 days", "(redacted)", rng.choice(REASONS),
            f"{year % 100}-{rng.randint(1000, 9999)}", "", at.strftime("%Y-%m-%d %H:%M:%S"), "License plate",
        ])
    return DemoFile(f"{agency.name} ALPR audit log {year} (demo).csv", Document.Kind.CSV, out.getvalue().encode())


def cover_letter(agency: Agency, *, year: int) -> DemoFile:
    """An invented cover letter from the agency's records unit."""
    text = (
        f"Records Unit, {agency.name}\n\n"
        "This letter answers your public records request for automated license plate reader records.\n"
        f"Enclosed is the audit log of searches made by this agency's users in {year}. License plate\n"
        "numbers are redacted to protect the privacy of the people whose vehicles were searched.\n\n"
        "This is demonstration data: the agency did not write this letter.\n"
    )
    return DemoFile(f"{agency.name} response letter (demo).txt", Document.Kind.TXT, text.encode())


def stored_document(*, organization: Organization, user: User | None, file: DemoFile) -> Document:
    """The organization's document of these bytes: stored and read now if it is not held yet.

    Stored as the upload service stores (documents.upload: a generated name, never
    overwritten, once per content) but without it, as the bulk seeder has no request to
    file it on yet and links it to many afterwards; its type is known, so not detected."""
    sha256 = hashlib.sha256(file.data).hexdigest()
    document = Document.objects.filter(organization=organization, sha256=sha256).first()
    if document is not None:
        return document
    name = default_storage.save(f"documents/{organization.pk}/{uuid.uuid4().hex}{_EXTENSIONS[file.kind]}",
                                ContentFile(file.data))
    document = Document.objects.create(
        organization=organization, file=name, original_name=file.name, kind=file.kind, encoding="utf-8",
        size=len(file.data), sha256=sha256, uploaded_by=user)
    return extract(document)  # read here rather than by a worker: a few small files
