"""Streaming readers for audit-log exports (CSV and XLSX) into plain search events.

Nothing here holds a whole file in memory: rows are read, normalised and yielded one at
a time. A row that cannot be understood is yielded as a Rejected with its line number,
never dropped silently.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from requests_app.auditlogs.formats import Format, UnknownFormat, mapped_format, norm, recognise

REDACTED = {"***", "[redacted]", "redacted"}
STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND "
    "OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR".split())
_STATE_TOKEN = re.compile(r"\b([A-Z]{2})\b")
_TIMESTAMP_FORMATS = ("%m/%d/%Y, %I:%M:%S %p", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y, %H:%M:%S", "%m/%d/%Y %H:%M:%S",
                      "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S",
                      "%m/%d/%Y")
EXCEL_EPOCH = datetime(1899, 12, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Event:
    line: int
    searched_at: datetime | None
    organization: str
    user: str
    reason: str
    case_number: str
    search_type: str
    networks: int | None
    devices: int | None
    time_frame: tuple[str, str] | None
    plate: str
    key: str


@dataclass(frozen=True)
class Relation:
    line: int
    organization: str
    direction: str  # "shared_with_me", "sharing" or "listed"
    state: str
    kind: str  # "police", "sheriff", "federal", "private", "other"


_PRIVATE = re.compile(r"\b(?:HOA|homeowners?|inc\.?|llc|corp\w*|company|mall|apartments?|property management|"
                      r"lowe'?s|home depot|walmart|business|school|university|college)\b", re.IGNORECASE)


def kind_of(name: str, stated: str = "") -> str:
    text = f"{stated} {name}"
    if re.search(r"\[federal\]|\bfederal\b", text, re.IGNORECASE):
        return "federal"
    if _PRIVATE.search(text):
        return "private"
    if re.search(r"\bSO\b|sheriff", text, re.IGNORECASE):
        return "sheriff"
    if re.search(r"\bPD\b|police|\bDPS\b|patrol", text, re.IGNORECASE):
        return "police"
    return "other"


def to_relations(line: int, fields: dict[str, object]) -> list[Relation]:
    if "shared_with_me" in fields or "sharing" in fields:
        relations = []
        for column in ("shared_with_me", "sharing"):
            for name in (n.strip() for n in _clean(fields.get(column)).split(",")):
                if name:
                    relations.append(Relation(line, name, column, state_of(name) or "", kind_of(name)))
        return relations
    name = _clean(fields.get("organization"))
    if not name:
        raise ValueError("no organization name")
    state = (_clean(fields.get("state")) or state_of(name) or "").upper()[:2]
    return [Relation(line, name, "listed", state, kind_of(name, _clean(fields.get("type"))))]


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str


def state_of(organization: str) -> str | None:
    """The state code in a name such as "Okaloosa County FL SO", or None."""
    codes = [t for t in _STATE_TOKEN.findall(organization or "") if t in STATES]
    return codes[-1] if codes else None


def parse_time(value: object) -> datetime:
    """A UTC time from the shapes exports use; raises ValueError with what was seen."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, (int, float)):
        return EXCEL_EPOCH + timedelta(days=float(value))
    text = str(value).strip()
    text = re.sub(r"\s*(?:UTC|GMT|Z)$", "", text)
    for pattern in _TIMESTAMP_FORMATS:
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    try:
        moment = datetime.fromisoformat(text)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    except ValueError:
        pass
    try:
        return EXCEL_EPOCH + timedelta(days=float(text))  # an Excel serial date written as text
    except ValueError:
        raise ValueError(f"unreadable time {str(value)[:40]!r}") from None


def _clean(value: object) -> str:
    text = "" if value is None else str(value).strip()
    return "" if text.casefold() in REDACTED else text


def _number(value: object) -> int | None:
    text = _clean(value).replace(",", "")
    return int(float(text)) if text else None


def _time_frame(value: object) -> tuple[str, str] | None:
    parts = [p.strip() for p in re.split(r"\s*(?:\n| - | to )\s*", _clean(value), maxsplit=1) if p.strip()]
    return (parts[0], parts[1]) if len(parts) == 2 else None


def to_event(line: int, fields: dict[str, object]) -> Event:
    searched_raw = fields.get("searched_at")
    if searched_raw in (None, ""):
        raise ValueError("no search time")
    values = {k: _clean(v) for k, v in fields.items() if k != "searched_at"}
    searched_at = parse_time(searched_raw) if searched_raw not in (None, "") else None
    key = values.get("id") or "|".join(f"{k}={values[k]}" for k in sorted(values)) + f"|{searched_at}"
    return Event(
        line=line, searched_at=searched_at, organization=values.get("organization", ""),
        user=values.get("user", ""), reason=values.get("reason", ""), case_number=values.get("case_number", ""),
        search_type=values.get("search_type", ""), networks=_number(fields.get("networks")),
        devices=_number(fields.get("devices")), time_frame=_time_frame(fields.get("time_frame")),
        plate=values.get("plate", ""), key=key,
    )


def _mapped(fmt: Format, headers: list[str]) -> list[str | None]:
    return [fmt.columns.get(norm(h)) for h in headers]


def _csv_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    with open(path, "rb") as raw:
        head = raw.read(65536)
    encoding = "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:
            encoding = "cp1252"
    with open(path, newline="", encoding=encoding, errors="replace") as handle:
        reader = csv.reader(handle)
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield start, [f"\x00unreadable CSV: {exc}"]
                continue
            if any(str(c).strip() for c in row):
                yield start, row


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        for number, row in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            if any(c not in (None, "") for c in row):
                yield number, list(row)
    finally:
        workbook.close()


def rows_of(path: Path) -> Iterator[tuple[int, list[object]]]:
    with open(path, "rb") as handle:
        magic = handle.read(512)
    if not magic:
        raise ValueError("the file is empty")
    if magic.startswith(b"PK\x03\x04"):
        return _xlsx_rows(path)
    if b"\x00" in magic or magic.startswith(b"%PDF"):
        raise ValueError("the file is not a CSV or XLSX export (binary content)")
    return _csv_rows(path)


def format_for(headers: list[str], column_map: dict[str, str] | None = None) -> Format:
    """The export format of these headers, or the one a person mapped by hand."""
    if not column_map:
        return recognise(headers)
    fmt = mapped_format(column_map)
    missing = [h for h in column_map if h and not fmt.matches({norm(x) for x in headers})]
    if missing:
        raise UnknownFormat(f"the column map names columns this file does not have: {', '.join(sorted(column_map))}")
    return fmt


def headers_of(path: Path) -> list[str]:
    """The first row of the file, as text (for mapping columns by hand)."""
    rows = rows_of(path)
    try:
        return [str(h or "") for h in next(rows)[1]]
    except StopIteration:
        raise ValueError("the file has no rows") from None


def read(path: Path, column_map: dict[str, str] | None = None) -> tuple[Format, Iterator[Event | Rejected]]:
    """The file's format and its events, streamed; raises UnknownFormat or ValueError."""
    rows = rows_of(path)
    try:
        _, headers = next(rows)
    except StopIteration:
        raise ValueError("the file has no rows") from None
    headers = [str(h or "") for h in headers]
    fmt = format_for(headers, column_map)
    return fmt, _events(fmt, _mapped(fmt, headers), rows)


def _events(fmt: Format, fields: list[str | None], rows) -> Iterator[Event | Rejected]:
    for line, row in rows:
        if row and isinstance(row[0], str) and row[0].startswith("\x00"):
            yield Rejected(line, row[0][1:])
            continue
        values = {name: value for name, value in zip(fields, row) if name}
        try:
            if fmt.kind == "sharing":
                yield from to_relations(line, values)
                continue
            yield to_event(line, values)
        except (ValueError, TypeError, OverflowError) as exc:
            yield Rejected(line, str(exc))

