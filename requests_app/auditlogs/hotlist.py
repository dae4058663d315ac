"""Hot-list event logs: plates added to, changed on or removed from an agency's hot lists.

A row is ``Timestamp, User, Event Type, Entity Type, Entity Details``; the details cell holds
``Label: value`` lines whose labels vary by agency and release, so the plate and the stated
reason are found by label, ignoring case and spacing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from requests_app.auditlogs import rules
from requests_app.auditlogs.formats import norm
from requests_app.auditlogs.models import AuditImport, CustomTerm, HotlistEvent
from requests_app.auditlogs.parse import REDACTED, Rejected, each_row, parse_time
from requests_app.auditlogs.zones import UTC

BATCH = 5000

# Labels compared by their words alone (see _core): "License #", "Plate No." and "Tag Number"
# are "license", "plate" and "tag". A hot list holds vehicles, so a "License" is a plate.
PLATE_LABELS = ("plate", "license plate", "licence plate", "lp", "lpn", "license", "licence", "tag", "license tag",
                "vehicle plate", "plate tag", "plate/tag", "tag/plate")
REASON_LABELS = ("reason", "description", "notes", "note", "comment", "comments")  # in order of preference
_NUMBERED = re.compile(r"(?:\s*(?:#|\bno\b\.?|\bnum\b\.?|\bnumber\b))+$")

# A label is a few words, no digits, so a value such as "seen at 12:00" is not split as one.
_LABEL = r"[A-Za-z][A-Za-z #/_().'-]{0,39}?"
_LINE = re.compile(rf"^\s*({_LABEL})\s*:\s*(.*)$")
# "Label: value; Label: value" on one line: split only where a label follows the ";".
_NEXT_PAIR = re.compile(rf";\s*(?={_LABEL}\s*:)")


@dataclass(frozen=True)
class HotlistRow:
    line: int
    occurred_at: datetime
    user: str
    event_type: str
    entity_type: str
    details: dict[str, str]
    plate: str
    reason: str
    key: str


def _clean(value: object) -> str:
    text = "" if value is None else " ".join(str(value).split())
    return "" if text.casefold() in REDACTED else text


def parse_details(cell: object) -> dict[str, str]:
    """The ``Label: value`` pairs of an Entity Details cell, each label as first written.

    A line with no label continues the value before it; a label given twice (in any case or
    spacing) keeps both values."""
    details: dict[str, str] = {}
    written: dict[str, str] = {}  # normalised label -> the label as first written
    label = ""
    for part in _parts(cell):
        found = _LINE.match(part)
        if found:
            name = " ".join(found.group(1).split())
            label, value, joint = written.setdefault(norm(name), name), _clean(found.group(2)), "; "
        else:
            label, value, joint = label or "Details", _clean(part), " "
        previous = details.get(label, "")
        details[label] = f"{previous}{joint}{value}" if previous and value else previous or value
    return details


def _parts(cell: object) -> Iterator[str]:
    text = "" if cell is None else str(cell)
    for line in text.splitlines():
        yield from (p for p in _NEXT_PAIR.split(line) if p.strip())


def _core(label: str) -> str:
    """A label without the "#", "No." or "Number" that says its value is an identifier."""
    return _NUMBERED.sub("", norm(label)).strip()


def _labelled(details: dict[str, str], labels: tuple[str, ...]) -> str:
    by_label = {_core(label): value for label, value in details.items()}
    return next((by_label[name] for name in labels if by_label.get(name)), "")


def to_hotlist(line: int, fields: dict[str, object], zone: str = UTC) -> HotlistRow:
    """One event from a row's canonical fields (formats.py names the timestamp ``searched_at``),
    a timestamp without a zone read in ``zone``; raises ValueError when the row has no
    readable timestamp."""
    raw_time = fields.get("searched_at")
    if raw_time is None or not str(raw_time).strip():
        raise ValueError("no timestamp")
    occurred_at = parse_time(raw_time, zone)
    details = parse_details(fields.get("details"))
    user, event_type, entity_type = (_clean(fields.get(name)) for name in ("user", "event_type", "entity_type"))
    return HotlistRow(
        line=line, occurred_at=occurred_at, user=user, event_type=event_type, entity_type=entity_type,
        details=details, plate=_labelled(details, PLATE_LABELS), reason=_labelled(details, REASON_LABELS),
        key=_key(occurred_at, user, event_type, entity_type, details),
    )


def _key(occurred_at: datetime, user: str, event_type: str, entity_type: str, details: dict[str, str]) -> str:
    # Not the line: a row released twice, in one file or in two, is the same event.
    text = repr((occurred_at.isoformat(), user, event_type, entity_type, sorted(details.items())))
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


def flag_text(row: HotlistRow) -> str:
    """What the rules read: every detail but the plate.

    Agencies write an entry's purpose under whatever label they like (Reason, Notes,
    Description, Comment, or a list name such as "ICE detainers"), so reading only the
    reason would miss most of them; the rules' drug-context exceptions also need the whole
    text. The plate is left out because it is an arbitrary string: a vanity plate reading
    "NO ICE" says nothing about why it was listed.
    """
    plate_labels = {label for label in row.details if _core(label) in PLATE_LABELS}
    return "\n".join(f"{label}: {value}" for label, value in row.details.items() if label not in plate_labels)


def _event(audit_import: AuditImport, row: HotlistRow, extra: tuple[rules.Rule, ...]) -> HotlistEvent:
    found = rules.reason_flags(flag_text(row), extra)
    return HotlistEvent(
        request_id=audit_import.request_id, audit_import=audit_import, line=row.line, key=row.key,
        occurred_at=row.occurred_at, user=row.user[:200], event_type=row.event_type[:100],
        entity_type=row.entity_type[:100], details=row.details, plate=row.plate[:40], reason=row.reason[:1000],
        categories="," + ",".join(sorted({c for c, _ in found})) + "," if found else "", flags=found,
    )


def hotlist_rows(items: Iterable[tuple[int, dict[str, object]] | Rejected],
                 zone: str = UTC) -> Iterator[HotlistRow | Rejected]:
    """The events of a hot-list log's rows (parse.records), or why a row was refused."""
    return each_row(items, lambda line, fields: to_hotlist(line, fields, zone))


def _rows(audit_import: AuditImport, items: Iterable[tuple[int, dict[str, object]] | Rejected]) -> Iterator[HotlistRow]:
    for item in hotlist_rows(items, audit_import.time_zone):
        if isinstance(item, Rejected):
            audit_import.note_rejected([(item.line, item.reason)])
        else:
            yield item


def store_hotlist(audit_import: AuditImport, items: Iterable[tuple[int, dict[str, object]] | Rejected]) -> None:
    """Stores a hot-list log's events in batches, each row once per request, timestamps
    without a zone read in the import's zone, and counts rows, repeats and rejects on
    ``audit_import``; the caller saves it."""
    extra = CustomTerm.rules_of(audit_import.request.organization_id)
    existing = HotlistEvent.objects.filter(request_id=audit_import.request_id)
    before, read = existing.count(), 0
    rows = _rows(audit_import, items)
    while batch := [_event(audit_import, row, extra) for row in islice(rows, BATCH)]:
        HotlistEvent.objects.bulk_create(batch, ignore_conflicts=True)
        read += len(batch)
    stored = existing.count() - before
    audit_import.rows, audit_import.duplicates = stored, read - stored
