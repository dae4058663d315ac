"""Imports agencies from a CSV file: validate every row, then write the valid ones.

Columns: name,state,kind,email,portal_url,address,phone,alpr_vendor,notes. A row matches
an existing agency by name (ignoring case and spacing) and state, and updates it. Blank
cells never erase stored values and vendors are only ever added, so a partial file cannot
destroy what is already known.

What a file sets is a person's word: the fields it writes are marked as edited, so the
bundled directory loader (``directory_load.py``) never overwrites them, and each vendor
it names gets a user evidence row, which Agency.vendors follows.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from requests_app.agencies import validation
from requests_app.agencies.models import Agency, AlprVendor, VendorEvidence, name_key
from requests_app.laws.models import Jurisdiction

COLUMNS = ("name", "state", "kind", "email", "portal_url", "address", "phone", "alpr_vendor", "notes")
_UPDATABLE = ("kind", "records_email", "portal_url", "mailing_address", "phone", "notes")
_NOT_UTF8 = re.compile(r"[\udc80-\udcff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ImportFileError(ValueError):
    """The file as a whole cannot be read; nothing was imported."""


@dataclass(frozen=True)
class AgencyRow:
    line: int
    name: str
    state: str
    kind: str
    records_email: str
    portal_url: str
    mailing_address: str
    phone: str
    vendors: tuple[str, ...]
    notes: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.state, name_key(self.name))


@dataclass(frozen=True)
class Rejection:
    line: int
    reason: str
    name: str = ""

    def __str__(self) -> str:
        label = f" ({self.name})" if self.name else ""
        return f"line {self.line}{label}: {self.reason}"


@dataclass
class ImportReport:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    def summary(self) -> str:
        return f"imported {self.imported}, updated {self.updated}, rejected {len(self.rejected)}"


def import_agencies(*, data: bytes) -> ImportReport:
    states = set(
        Jurisdiction.objects.exclude(kind=Jurisdiction.Kind.LOCAL).values_list("code", flat=True)
    )
    rows, rejected = parse_agency_csv(data, known_states=states)
    report = ImportReport(rejected=rejected)
    _write(rows, report)
    return report


# Parsing ----------------------------------------------------------------------------


def parse_agency_csv(data: bytes, *, known_states: set[str]) -> tuple[list[AgencyRow], list[Rejection]]:
    """Valid rows and rejections; raises ImportFileError when the file is unusable."""
    if not data.strip():
        raise ImportFileError("the file is empty")
    # Undecodable bytes become lone surrogates, so the row holding them is rejected with
    # its line number instead of the whole file failing.
    text = data.decode("utf-8-sig", errors="surrogateescape")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = _read_header(reader)
    rows: list[AgencyRow] = []
    rejected: list[Rejection] = []
    seen: dict[tuple[str, str], int] = {}
    for line, cells in _records(reader, rejected):
        try:
            row = _parse_row(line, dict(zip(header, cells)), len(cells), len(header), known_states)
        except ValidationError as exc:
            rejected.append(Rejection(line, "; ".join(exc.messages), _name_hint(header, cells)))
            continue
        if row.key in seen:
            rejected.append(Rejection(line, f"same agency as line {seen[row.key]}", row.name))
            continue
        seen[row.key] = line
        rows.append(row)
    return rows, rejected


def _read_header(reader) -> list[str]:
    return read_header(reader, missing_of=lambda header: [c for c in COLUMNS if c not in header],
                       expected=",".join(COLUMNS))


def read_header(reader, *, missing_of: Callable[[list[str]], list[str]], expected: str) -> list[str]:
    """The header row, its names without case, spacing or a byte-order mark; a file without
    the columns ``missing_of`` asks for, or with a name twice, is refused whole, saying
    what was ``expected`` and what was found."""
    try:
        raw = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise ImportFileError(f"no header row could be read ({exc or 'empty file'})") from None
    header = [" ".join(c.replace("\ufeff", "").split()).casefold().replace(" ", "_") for c in raw]
    missing = missing_of(header)
    if missing or len(set(header)) != len(header):
        found = ", ".join(repr(c) for c in raw[:20]) or "(none)"
        problem = f"missing columns: {', '.join(missing)}" if missing else "repeated column names"
        raise ImportFileError(f"{problem}. Expected: {expected}. Found: {found}")
    return header


def _records(reader, rejected: list[Rejection]):
    """(line number, cells) of each non-blank record; unreadable records are rejected."""
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            rejected.append(Rejection(start, f"not valid CSV: {exc}"))
            continue
        if any(c.strip() for c in cells):
            yield start, cells


def _parse_row(line: int, cells: dict[str, str], n_cells: int, n_header: int, known_states: set[str]) -> AgencyRow:
    if n_cells != n_header:
        raise ValidationError(f"has {n_cells} fields but the header has {n_header}")
    bad = [name for name, value in cells.items() if _NOT_UTF8.search(value)]
    if bad:
        raise ValidationError(
            f"contains bytes that are not UTF-8 (in {', '.join(bad)}); save the file as UTF-8"
        )
    bad = [name for name, value in cells.items() if _CONTROL.search(value)]
    if bad:
        raise ValidationError(f"contains control characters such as NUL (in {', '.join(bad)})")
    cells = {k: v.strip() for k, v in cells.items()}
    errors: list[str] = []

    def clean(fn, value):
        try:
            return fn(value)
        except ValidationError as exc:
            errors.extend(exc.messages)
            return None

    state = cells["state"].upper()
    if state not in known_states:
        errors.append(f"unknown state {cells['state']!r} (use a two-letter state code, DC or US)")
    row = AgencyRow(
        line=line,
        name=clean(validation.clean_name, cells["name"]),
        state=state,
        # A blank kind leaves a stored agency's kind alone (a new agency gets "other").
        kind=clean(validation.clean_kind, cells["kind"]) if cells["kind"] else "",
        records_email=clean(validation.clean_email, cells["email"]),
        portal_url=clean(validation.clean_url, cells["portal_url"]),
        mailing_address=cells["address"],
        phone=clean(validation.clean_phone, cells["phone"]),
        vendors=clean(validation.clean_vendors, cells["alpr_vendor"]),
        notes=cells["notes"],
    )
    if errors:
        raise ValidationError(errors)
    return row


def _name_hint(header: list[str], cells: list[str]) -> str:
    name = dict(zip(header, cells)).get("name", "")
    return _CONTROL.sub("?", _NOT_UTF8.sub("?", " ".join(name.split())))[:80]


# Writing ----------------------------------------------------------------------------


@transaction.atomic
def _write(rows: list[AgencyRow], report: ImportReport) -> None:
    jurisdictions = {
        j.code: j for j in Jurisdiction.objects.filter(code__in={row.state for row in rows})
    }
    existing = {
        (a.jurisdiction.state_code, a.name_key): a
        for a in Agency.objects.filter(name_key__in={row.key[1] for row in rows})
        .select_related("jurisdiction__parent")
        .prefetch_related("vendors")
    }
    vendors = _vendors({name for row in rows for name in row.vendors})
    for row in rows:
        agency = existing.get(row.key)
        is_new = agency is None
        if is_new:
            agency = Agency(name=row.name, jurisdiction=jurisdictions[row.state])
            agency.mark_edited(["name"])
        changed = _apply(agency, row)
        if is_new or changed:
            agency.save()
        changed |= _add_vendors(agency, [vendors[name.casefold()] for name in row.vendors], is_new)
        if is_new:
            report.imported += 1
        else:
            report.updated += 1
            report.unchanged += not changed


def _apply(agency: Agency, row: AgencyRow) -> bool:
    """Copies the row's non-blank values onto the agency, marking them edited; True if anything changed."""
    written = [name for name in _UPDATABLE if getattr(row, name)]
    changed = bool(agency.mark_edited(written))
    for name in written:
        value = getattr(row, name)
        if getattr(agency, name) != value:
            setattr(agency, name, value)
            changed = True
    return changed


def _vendors(names: set[str]) -> dict[str, AlprVendor]:
    found = {v.name.casefold(): v for v in AlprVendor.objects.all()}
    for name in names:
        if name.casefold() not in found:
            found[name.casefold()] = AlprVendor.objects.create(name=name)
    return found


def _add_vendors(agency: Agency, vendors: list[AlprVendor], is_new: bool) -> bool:
    current = set() if is_new else {v.pk for v in agency.vendors.all()}
    missing = [v for v in vendors if v.pk not in current]
    if missing:
        agency.vendors.add(*missing)
        VendorEvidence.objects.bulk_create([
            VendorEvidence(agency=agency, vendor=v, source=VendorEvidence.Source.USER,
                           detail="Named in an agency file imported by a user.")
            for v in missing
        ])
    return bool(missing)
