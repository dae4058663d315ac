"""Audit-log exports read row by row: CSV, XLSX and PDF releases, their headers and
format, and the small exports (sharing lists, hot-list logs) parsed a row at a time.

Searches, which run to millions of rows, go through the columnar reader in frames.py
instead. Nothing here holds a whole file in memory, and a row that cannot be understood
is yielded as a Rejected with its line number, never dropped silently.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from requests_app.auditlogs.formats import Format, UnknownFormat, mapped_format, norm, recognise
from requests_app.auditlogs.sharing import Relation, to_relation

REDACTED = {"***", "[redacted]", "redacted"}
_TIMESTAMP_FORMATS = ("%m/%d/%Y, %I:%M:%S %p", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y, %H:%M:%S", "%m/%d/%Y %H:%M:%S",
                      "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S",
                      "%m/%d/%Y")
EXCEL_EPOCH = datetime(1899, 12, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str


def nothing_read(rejected: int, first: tuple[int, str] | None) -> str:
    """Why no row of a file was read: a file that yields none is an error, never an empty success."""
    if not rejected or first is None:
        return "no row was read: the file has its column headers but no rows under them"
    line, reason = first
    every = "the only row was" if rejected == 1 else f"all {rejected} rows were"
    return f"no row was read: {every} rejected (line {line}: {reason})"


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
    """A spreadsheet or PDF cell as the text a CSV would hold (times as ISO 8601 in UTC)."""
    if cell is None:
        return None
    if isinstance(cell, datetime):
        return (cell if cell.tzinfo else cell.replace(tzinfo=UTC)).isoformat()
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


def _workbook(path: Path):
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a damaged or foreign ZIP: openpyxl raises many kinds
        raise ValueError(f"the file is not a readable XLSX workbook ({exc.__class__.__name__})") from None


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    workbook = _workbook(path)
    try:
        for number, row in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            if any(c not in (None, "") for c in row):
                yield number, list(row)
    finally:
        workbook.close()


def _pdf_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    from requests_app.auditlogs.pdf_tables import pdf_rows

    yield from pdf_rows(path)


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


def row_count(path: Path) -> int:
    """Rows in a spreadsheet, as its dimensions say (0 when unknown), for progress."""
    if file_kind(path) != "xlsx":
        return 0
    workbook = _workbook(path)
    try:
        return workbook.worksheets[0].max_row or 0
    finally:
        workbook.close()


def rows_of(path: Path) -> Iterator[tuple[int, list[object]]]:
    readers = {"csv": _csv_rows, "xlsx": _xlsx_rows, "pdf": _pdf_rows}
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


def headers_of(path: Path) -> list[str]:
    """The first row of the file, as text (for mapping columns by hand)."""
    rows = rows_of(path)
    try:
        return [str(h or "") for h in next(rows)[1]]
    except StopIteration:
        raise ValueError("the file has no rows") from None


def relations(path: Path, column_map: dict[str, str] | None = None) -> Iterator[Relation | Rejected]:
    """The partners of a shared-networks export or sharing list, one per organization listed, streamed."""
    for item in records(path, column_map)[1]:
        if isinstance(item, Rejected):
            yield item
            continue
        line, values = item
        try:
            yield to_relation(line, values)
        except ValueError as exc:
            yield Rejected(line, on_page(str(exc), values))


def records(path: Path, column_map: dict[str, str] | None = None) -> tuple[Format, Iterator[tuple[int, dict] | Rejected]]:
    """The file's format and its rows as {canonical field: value}, streamed (for small
    exports read row by row: hot-list event logs)."""
    rows = rows_of(path)
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
