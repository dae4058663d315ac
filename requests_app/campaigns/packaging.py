"""A campaign's letters as one ZIP: every latest PDF plus manifest.csv.

Each PDF's hash is checked against the one recorded when it was finalised, so the ZIP
can serve as evidence of exactly what was sent.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import dataclass
from typing import IO

from django.utils.text import slugify

from requests_app.ops.spreadsheets import csv_writer
from requests_app.campaigns.models import Campaign
from requests_app.documents.integrity import read_verified
from requests_app.letters.models import LetterVersion

MANIFEST_COLUMNS = ("tracking", "agency", "state", "email", "portal_url", "file", "sha256")


@dataclass(frozen=True)
class Packed:
    file: IO[bytes]
    letters: int


def latest_letters(campaign: Campaign) -> list[LetterVersion]:
    letters = (
        LetterVersion.objects.filter(request__campaign=campaign)
        .select_related("request__agency__jurisdiction__parent")
        .order_by("request_id", "-number")
    )
    latest: dict[int, LetterVersion] = {}
    for letter in letters:
        latest.setdefault(letter.request_id, letter)
    return sorted(latest.values(), key=lambda l: (l.request.agency.jurisdiction.state_code, l.request.agency.name))


def letter_filename(letter: LetterVersion) -> str:
    return f"{letter.request.tracking}-{slugify(letter.request.agency.name)[:60]}.pdf"


def campaign_zip(campaign: Campaign) -> Packed:
    """A ZIP in a temporary file (on disk past a few MB), positioned at its start."""
    letters = latest_letters(campaign)
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    manifest = io.StringIO()
    writer = csv_writer(manifest)
    writer.writerow(MANIFEST_COLUMNS)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for letter in letters:
            data = _verified_pdf(letter)
            name = letter_filename(letter)
            archive.writestr(name, data)
            writer.writerow(_manifest_row(letter, name))
        archive.writestr("manifest.csv", manifest.getvalue())
    out.seek(0)
    return Packed(file=out, letters=len(letters))


def write_letters_to(directory, letters: list[LetterVersion]) -> None:
    """The same files and manifest, written into a folder (for `draft_letters`)."""
    rows = []
    for letter in letters:
        name = letter_filename(letter)
        (directory / name).write_bytes(_verified_pdf(letter))
        rows.append(_manifest_row(letter, name))
    with open(directory / "manifest.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv_writer(handle)
        writer.writerow(MANIFEST_COLUMNS)
        writer.writerows(rows)


def _verified_pdf(letter: LetterVersion) -> bytes:
    return read_verified(letter.pdf, letter.sha256, letter.filename)


def _manifest_row(letter: LetterVersion, name: str) -> list[str]:
    agency = letter.request.agency
    cells = [letter.request.tracking, agency.name, agency.jurisdiction.state_code,
             agency.records_email, agency.portal_url, name, letter.sha256]
    return cells  # written by csv_writer: the directory is shared, its names are anyone's text
