"""Imports records contacts from a CSV file: validate every row, then write the valid ones,
as ``import_agencies`` does: the same reading of the file, the same field rules
(``validation.py``) and the same per-line report. A row is written whole or not at all.

Columns: email,portal_url,address,phone,source_url,verified_on, and name,state or ori
(both may be present: a row with an ORI is matched by it). Other columns are read as notes
and left alone (a campaign's needs-contact CSV adds county and flock_portal_url for the
researcher). A row must match exactly one agency already in the directory, by ORI or by
name or alias within its state (read as ``agencies.selectors.agency_for_name`` reads
names); agencies are never created here. A row whose contact cells are all blank was not
researched yet: it is skipped with a note. Blank cells never erase. Every row cites its
source_url; a blank verified_on is the day of the import. Each written row is an
AgencyContactChange, as a contact form edit is.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Coalesce

from requests_app.agencies import validation
from requests_app.agencies.contacts import ContactEdit, apply_edit
from requests_app.agencies.importer import _CONTROL, _NOT_UTF8, ImportFileError, Rejection, _records, read_header
from requests_app.agencies.models import Agency, AgencyAlias, AgencyContactChange, name_key
from requests_app.agencies.selectors import agencies_for_names
from requests_app.ops.spreadsheets import spreadsheet_text
from requests_app.laws.models import Jurisdiction
from requests_app.teams.models import Membership

COLUMNS = ("name", "state", "email", "portal_url", "address", "phone", "source_url", "verified_on")
_CONTACT_COLUMNS = ("email", "portal_url", "address", "phone", "source_url", "verified_on")
_FIELD_OF = {"email": "records_email", "portal_url": "portal_url", "address": "mailing_address", "phone": "phone"}
_ORI = re.compile(r"^[A-Z0-9]{1,12}$")


@dataclass(frozen=True)
class ContactRow:
    line: int
    ori: str
    name: str
    state: str
    values: dict[str, str]  # the row's non-blank contact fields, by Agency field name
    source_url: str
    verified_on: date

    @property
    def label(self) -> str:
        return self.name or self.ori


@dataclass
class ContactImportReport:
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    skipped: list[Rejection] = field(default_factory=list)  # rows left blank: nothing to import yet

    def summary(self) -> str:
        skipped = f", skipped {len(self.skipped)} left blank" if self.skipped else ""
        return f"updated {self.updated}, rejected {len(self.rejected)}{skipped}"


@dataclass
class ParsedContacts:
    rows: list[ContactRow] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    skipped: list[Rejection] = field(default_factory=list)


def import_contacts(*, data: bytes, membership: Membership | None, today: date) -> ContactImportReport:
    """Raises ImportFileError when the file as a whole is unusable (nothing is written)."""
    states = set(Jurisdiction.objects.exclude(kind=Jurisdiction.Kind.LOCAL).values_list("code", flat=True))
    parsed = parse_contact_csv(data, known_states=states, today=today)
    matched = _match(parsed.rows, parsed.rejected)
    report = ContactImportReport(rejected=sorted(parsed.rejected, key=lambda r: r.line), skipped=parsed.skipped)
    _write(matched, membership, report)
    return report


# Parsing ----------------------------------------------------------------------------


def parse_contact_csv(data: bytes, *, known_states: set[str], today: date) -> ParsedContacts:
    if not data.strip():
        raise ImportFileError("the file is empty")
    text = data.decode("utf-8-sig", errors="surrogateescape")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = _read_header(reader)
    parsed = ParsedContacts()
    for line, cells in _records(reader, parsed.rejected):
        named = dict(zip(header, cells))
        if len(cells) == len(header) and not any(named[c].strip() for c in _CONTACT_COLUMNS):
            parsed.skipped.append(Rejection(line, "left blank: no contact to import yet", _hint(named)))
            continue
        try:
            parsed.rows.append(_parse_row(line, named, len(cells), len(header), known_states, today))
        except ValidationError as exc:
            parsed.rejected.append(Rejection(line, "; ".join(exc.messages), _hint(named)))
    return parsed


def _read_header(reader) -> list[str]:
    def missing_of(header: list[str]) -> list[str]:
        missing = [c for c in _CONTACT_COLUMNS if c not in header]
        return missing if "ori" in header else [c for c in ("name", "state") if c not in header] + missing

    return read_header(reader, missing_of=missing_of,
                       expected=f"{','.join(COLUMNS)} (or ori instead of name and state)")


def _parse_row(line: int, cells: dict[str, str], n_cells: int, n_header: int, known_states: set[str],
               today: date) -> ContactRow:
    if n_cells != n_header:
        raise ValidationError(f"has {n_cells} fields but the header has {n_header}")
    bad = [name for name, value in cells.items() if _NOT_UTF8.search(value)]
    if bad:
        raise ValidationError(f"contains bytes that are not UTF-8 (in {', '.join(bad)}); save the file as UTF-8")
    bad = [name for name, value in cells.items() if _CONTROL.search(value)]
    if bad:
        raise ValidationError(f"contains control characters such as NUL (in {', '.join(bad)})")
    cells = {k: v.strip() for k, v in cells.items()}
    errors: list[str] = []

    def clean(fn, value, **kwargs):
        try:
            return fn(value, **kwargs)
        except ValidationError as exc:
            errors.extend(exc.messages)
            return None

    ori, name, state = _agency_cells(cells, known_states, errors)
    values = {
        "records_email": clean(validation.clean_email, cells["email"]),
        "portal_url": clean(validation.clean_url, cells["portal_url"]),
        "mailing_address": clean(validation.clean_address, cells["address"]),
        "phone": clean(validation.clean_phone, cells["phone"]),
    }
    if not any(cells[column] for column in _FIELD_OF):
        errors.append("gives no contact: fill in email, portal_url, address or phone")
    row = ContactRow(
        line=line, ori=ori, name=name, state=state,
        values={f: v for f, v in values.items() if v},
        source_url=clean(validation.clean_source_url, cells["source_url"]),
        verified_on=clean(validation.clean_verified_on, cells["verified_on"], today=today),
    )
    if errors:
        raise ValidationError(errors)
    return row


def _agency_cells(cells: dict[str, str], known_states: set[str], errors: list[str]) -> tuple[str, str, str]:
    """(ori, name, state) naming the row's agency; problems are added to ``errors``."""
    ori = cells.get("ori", "").upper()
    name = " ".join(spreadsheet_text(cells.get("name", "")).split())
    if ori:
        if not _ORI.match(ori):
            errors.append(f"malformed ori {cells['ori']!r} (an ORI is letters and digits, e.g. OR0200300)")
        return ori, name, ""  # the name only labels the row in the report
    state = cells.get("state", "").upper()
    if not name:
        errors.append("no agency given: fill in ori, or name and state")
    elif len(name) > 200:
        errors.append("name is longer than 200 characters")
    if name and state not in known_states:
        errors.append(f"unknown state {cells.get('state', '')!r} (use a two-letter state code, DC or US)")
    return "", name, state


def _hint(cells: dict[str, str]) -> str:
    hint = spreadsheet_text(cells.get("name", "")) or cells.get("ori") or ""
    return _CONTROL.sub("?", _NOT_UTF8.sub("?", " ".join(hint.split())))[:80]


# Matching ---------------------------------------------------------------------------


def _match(rows: list[ContactRow], rejected: list[Rejection]) -> list[tuple[ContactRow, int]]:
    """(row, agency id) of each row naming exactly one agency, the first row per agency;
    the other rows are rejected with the reason."""
    by_ori = {a.ori: a.pk for a in Agency.objects.filter(ori__in={r.ori for r in rows if r.ori}).only("pk", "ori")}
    by_name, unmatched = _by_name([r for r in rows if not r.ori])
    matched: list[tuple[ContactRow, int]] = []
    seen: dict[int, int] = {}
    for row in rows:
        pk = by_ori.get(row.ori) if row.ori else by_name.get((row.state, row.name))
        if pk is None:
            reason = (unmatched[(row.state, row.name)] if not row.ori
                      else f"unknown ori {row.ori!r}: no agency in the directory has it")
            rejected.append(Rejection(row.line, reason, row.label))
        elif pk in seen:
            rejected.append(Rejection(row.line, f"same agency as line {seen[pk]}", row.label))
        else:
            seen[pk] = row.line
            matched.append((row, pk))
    return matched


def _by_name(rows: list[ContactRow]) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], str]]:
    """The agency id of each (state, name) that names one, and why the others name none."""
    names: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        names[row.state].add(row.name)
    found: dict[tuple[str, str], int] = {}
    missing: set[tuple[str, str]] = set()
    for state, in_state in names.items():
        for name, agency in agencies_for_names(in_state, state=state).items():
            if agency:
                found[(state, name)] = agency.pk
            else:
                missing.add((state, name))
    counts = _agencies_going_by(missing)
    return found, {(state, name): _why_unmatched(state, name, counts.get((state, name_key(name)), 0))
                   for state, name in missing}


def _why_unmatched(state: str, name: str, going_by: int) -> str:
    if going_by > 1:
        return f"ambiguous name: {going_by} agencies in {state} go by {name!r} (use the ori column to say which)"
    return (f"unknown agency {name!r} in {state} (check the name against the directory, or use the ori column; "
            "this import never creates agencies)")


def _agencies_going_by(wanted: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """How many agencies of each state have each name, as their name or as an alias."""
    keys = {name_key(name) for _, name in wanted}
    state = Coalesce("jurisdiction__parent__code", "jurisdiction__code")
    alias_state = Coalesce("agency__jurisdiction__parent__code", "agency__jurisdiction__code")
    found: dict[tuple[str, str], set[int]] = defaultdict(set)
    for key, pk, code in Agency.objects.filter(name_key__in=keys).values_list("name_key", "pk", state):
        found[(code, key)].add(pk)
    for key, pk, code in AgencyAlias.objects.filter(name_key__in=keys).values_list("name_key", "agency_id",
                                                                                   alias_state):
        found[(code, key)].add(pk)
    return {key: len(pks) for key, pks in found.items()}


# Writing ----------------------------------------------------------------------------


@transaction.atomic
def _write(matched: list[tuple[ContactRow, int]], membership: Membership | None, report: ContactImportReport) -> None:
    agencies = Agency.objects.select_for_update().in_bulk([pk for _, pk in matched])
    changes = []
    for row, pk in matched:
        edit = ContactEdit(values=row.values, source_url=row.source_url, verified_on=row.verified_on)
        change = apply_edit(agency=agencies[pk], edit=edit, membership=membership,
                            via=AgencyContactChange.Via.IMPORT)
        changes.append(change)
        report.updated += 1
        report.unchanged += not change.changed_fields
    AgencyContactChange.objects.bulk_create(changes)
