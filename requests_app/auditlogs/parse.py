"""Audit-log exports read row by row: CSV, XLSX and PDF releases, their headers and
format, and the small exports (sharing lists, hot-list logs) parsed a row at a time.

Searches, which run to millions of rows, go through the columnar reader in frames.py
instead. Nothing here holds a whole file in memory, and a row that cannot be understood
is yielded as a Rejected with its line number, never dropped silently.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from requests_app.auditlogs import timestamps
from requests_app.auditlogs.formats import Format, UnknownFormat, mapped_format, norm, recognise
from requests_app.auditlogs.pdf_tables import pdf_rows
from requests_app.auditlogs.sharing import Relation, to_relation
from requests_app.auditlogs.zones import UTC as UTC_ZONE
from requests_app.auditlogs.zones import to_utc

REDACTED = {"***", "[redacted]", "redacted"}
T = TypeVar("T")
_ZONE_MARK = re.compile(timestamps.ZONE_MARK)


@dataclass(frozen=True)
class Part:
    """What of a file is read as one export: the whole file (CSV, PDF), or one sheet of a
    workbook from its header row (``header_line``: a title or blank lines may stand above it)."""

    sheet: str | None = None
    header_line: int = 1
    rows_total: int = 0  # rows of the sheet, as its dimensions say (0 when unknown), for progress


WHOLE = Part()


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str


def nothing_read(rejected: int, first: tuple[int, str] | None, where: str = "file") -> str:
    """Why no row of a file (or sheet) was read: one that yields none is an error, never an empty success."""
    if not rejected:
        return f"no row was read: the {where} has its column headers but no rows under them"
    every = "the only row was" if rejected == 1 else f"all {rejected} rows were"
    return f"no row was read: {every} rejected" + ("" if first is None else f" (line {first[0]}: {first[1]})")


def parse_time(value: object, zone: str = UTC_ZONE) -> datetime:
    """A UTC time from the shapes exports use; raises ValueError with what was seen.

    A time that says its zone (``UTC``, ``GMT``, ``Z``, an offset, an aware cell) keeps it;
    a bare one (text, an Excel serial, a naive spreadsheet cell) is a clock time in ``zone``."""
    if isinstance(value, datetime):
        return value if value.tzinfo else to_utc(value, zone)
    if isinstance(value, (int, float)) and (serial := _excel_serial(float(value))) is not None:
        return to_utc(serial, zone)
    text = str(value).strip()
    bare = _ZONE_MARK.sub("", text)
    wall = _wall_time(bare)
    if wall is not None:
        return wall.replace(tzinfo=UTC) if bare != text else to_utc(wall, zone)
    moment = _iso_or_serial(text)
    if moment is None:
        raise ValueError(f"unreadable time {str(value)[:40]!r}")
    return moment if moment.tzinfo else to_utc(moment, zone)


def _wall_time(text: str) -> datetime | None:
    for pattern in timestamps.PYTHON_SHAPES:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def _iso_or_serial(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return _excel_serial(float(text))  # an Excel serial date written as text
    except ValueError:
        return None


def _excel_serial(serial: float) -> datetime | None:
    """The clock time an Excel serial number stands for, if it is one (see timestamps.SERIAL_RANGE)."""
    low, high = timestamps.SERIAL_RANGE
    return timestamps.EXCEL_EPOCH + timedelta(days=serial) if low <= serial <= high else None


def _clean(value: object) -> str:
    text = "" if value is None else str(value).strip()
    return "" if text.casefold() in REDACTED else text


def _mapped(fmt: Format, headers: list[str]) -> list[str | None]:
    return [fmt.columns.get(norm(h)) for h in headers]


def mapped_fields(fmt: Format, headers: list[str]) -> dict[str, int]:
    """Canonical field -> index of the column feeding it (the first, if a header repeats)."""
    fields: dict[str, int] = {}
    for index, name in enumerate(_mapped(fmt, headers)):
        if name and name not in fields:
            fields[name] = index
    return fields


def stringify(cell: object) -> str | None:
    """A spreadsheet or PDF cell as the text a CSV would hold (times as ISO 8601: a naive
    cell stays without a zone, to be read in the agency's, and an aware one keeps its offset)."""
    if cell is None:
        return None
    if isinstance(cell, datetime):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def csv_encoding(path: Path) -> str:
    """UTF-8 (with or without a byte-order mark) unless the start of the file says otherwise."""
    with open(path, "rb") as raw:
        head = raw.read(65536)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not merely a character cut at the end of the sample
            return "cp1252"
    return "utf-8-sig"


def _csv_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    with open(path, newline="", encoding=csv_encoding(path), errors="replace") as handle:
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


def _load(path: Path):
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a damaged or foreign ZIP: openpyxl raises many kinds
        raise ValueError(f"the file is not a readable XLSX workbook ({exc.__class__.__name__})") from None


_HELD: ContextVar[tuple[Path, object] | None] = ContextVar("held_workbook", default=None)


@contextmanager
def held_open(path: Path) -> Iterator[None]:
    """Within the block, a workbook is loaded once however many of its sheets are read: each
    load parses the whole shared-strings table, seconds for a large release. Anything read
    from it must be read within the block."""
    if file_kind(path) != "xlsx":
        yield
        return
    workbook = _load(path)
    token = _HELD.set((path, workbook))
    try:
        yield
    finally:
        _HELD.reset(token)
        workbook.close()


@contextmanager
def open_workbook(path: Path) -> Iterator[object]:
    """The workbook, read-only: the one held open (see held_open), else loaded and closed after."""
    held = _HELD.get()
    if held is not None and held[0] == path:
        yield held[1]
        return
    workbook = _load(path)
    try:
        yield workbook
    finally:
        workbook.close()


def _xlsx_rows(path: Path, part: Part = WHOLE) -> Iterator[tuple[int, list[object]]]:
    """The rows of the part's sheet (the first, if none is named) from its header row on."""
    with open_workbook(path) as workbook:
        sheet = workbook[part.sheet] if part.sheet is not None else workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(min_row=part.header_line, values_only=True),
                                     start=part.header_line):
            if any(c not in (None, "") for c in row):
                yield number, list(row)


def file_kind(path: Path) -> str:
    """"csv", "xlsx" or "pdf", from the content; ValueError for anything else."""
    with open(path, "rb") as handle:
        magic = handle.read(512)
    if not magic:
        raise ValueError("the file is empty")
    if magic.startswith(b"PK\x03\x04"):
        return "xlsx"
    if magic.startswith(b"%PDF"):
        return "pdf"
    if b"\x00" in magic:
        raise ValueError("the file is not a CSV, XLSX or PDF export (binary content)")
    return "csv"


def row_count(path: Path, part: Part = WHOLE) -> int:
    """Rows in a spreadsheet, as its dimensions say (0 when unknown), for progress."""
    if part.sheet is not None or file_kind(path) != "xlsx":
        return part.rows_total
    with open_workbook(path) as workbook:
        return workbook.worksheets[0].max_row or 0


def rows_of(path: Path, part: Part = WHOLE) -> Iterator[tuple[int, list[object]]]:
    """The rows of the file, or of the part of a workbook, from its header row on."""
    if part.sheet is not None:
        return _xlsx_rows(path, part)
    readers = {"csv": _csv_rows, "xlsx": _xlsx_rows, "pdf": pdf_rows}
    return readers[file_kind(path)](path)


def format_for(headers: list[str], column_map: dict[str, str] | None = None) -> Format:
    """The export format of these headers, or the one a person mapped by hand."""
    if not column_map:
        return recognise(headers)
    fmt = mapped_format(column_map)
    found = {norm(h) for h in headers}
    missing = sorted(h for h in column_map if norm(h) not in found)
    if missing:
        raise UnknownFormat(f"the column map names columns this file does not have: {', '.join(missing)}")
    return fmt


def headers_of(path: Path, part: Part = WHOLE) -> list[str]:
    """The header row of the file or sheet, as text (for mapping columns by hand)."""
    rows = rows_of(path, part)
    try:
        return [str(h or "") for h in next(rows)[1]]
    except StopIteration:
        raise ValueError("the file has no rows") from None


def relations(path: Path, column_map: dict[str, str] | None = None,
              part: Part = WHOLE) -> Iterator[Relation | Rejected]:
    """The partners of a shared-networks export or sharing list, one per organization listed, streamed."""
    return each_row(records(path, column_map, part)[1], to_relation)


def each_row(items: Iterable[tuple[int, dict] | Rejected], make: Callable[[int, dict], T]) -> Iterator[T | Rejected]:
    """``make(line, fields)`` of each row (parse.records), or why a row was refused: a row
    ``make`` cannot read (ValueError, or a time out of range) is a Rejected with its line and,
    from a PDF, its page."""
    for item in items:
        if isinstance(item, Rejected):
            yield item
            continue
        line, fields = item
        try:
            yield make(line, fields)
        except (ValueError, TypeError, OverflowError) as exc:
            yield Rejected(line, on_page(str(exc), fields))


def records(path: Path, column_map: dict[str, str] | None = None,
            part: Part = WHOLE) -> tuple[Format, Iterator[tuple[int, dict] | Rejected]]:
    """The file's format and its rows as {canonical field: value}, streamed (for small
    exports read row by row: hot-list event logs, sharing lists, user rosters)."""
    rows = rows_of(path, part)
    try:
        _, headers = next(rows)
    except StopIteration:
        raise ValueError("the file has no rows") from None
    fmt = format_for([str(h or "") for h in headers], column_map)
    return fmt, _records(_mapped(fmt, [str(h or "") for h in headers]), rows)


class Fields(dict):
    """A row's values by canonical field, knowing the PDF page it was printed on, if any."""

    page: int | None = None


def on_page(reason: str, fields: dict) -> str:
    """Why a row was refused, with its page when it comes from a PDF."""
    page = getattr(fields, "page", None)
    return f"{reason} (page {page})" if page else reason


def _records(fields: list[str | None], rows) -> Iterator[tuple[int, Fields] | Rejected]:
    for line, row in rows:
        if row and isinstance(row[0], str) and row[0].startswith("\x00"):
            yield Rejected(line, row[0][1:])
        else:
            values = Fields((name, value) for name, value in zip(fields, row) if name)
            values.page = getattr(row, "page", None)
            yield line, values
