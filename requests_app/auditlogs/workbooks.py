"""What each part of a release is: the whole file for a CSV or PDF, every sheet for a workbook.

Released workbooks hold cover and notes sheets, hidden or empty sheets, and several exports
at once (network audit, users, shared networks, hot list), often with a title or blank lines
above the header row. Each sheet is examined from its first rows only; a recognised one is
read by its kind, any other is listed with why it was not read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from requests_app.auditlogs.formats import FORMATS, Format, UnknownFormat, expected_formats, norm, recognise
from requests_app.auditlogs.parse import WHOLE, Part, file_kind, format_for, headers_of, open_workbook

HEADER_ROWS = 20  # how far down a sheet its header row is looked for
# The start of formats.UnknownFormat's message: mapping.can_remap offers a column map on it.
NOT_KNOWN = "the columns are not a known Flock export"


@dataclass(frozen=True)
class Found:
    """A part read as an export: its format, and the column map that applies to it (if any)."""

    part: Part
    format: Format
    column_map: dict[str, str] | None = None


@dataclass(frozen=True)
class Skipped:
    sheet: str
    why: str


@dataclass(frozen=True)
class Layout:
    found: list[Found]
    skipped: list[Skipped]
    sheets: list[str | None]  # every sheet of the workbook in order, read or not ([None] for a CSV or PDF)

    @property
    def is_workbook(self) -> bool:
        """Whether what is read is told apart by sheet: a workbook of one sheet is read as a file is."""
        return len(self.sheets) > 1


@dataclass(frozen=True)
class Sheet:
    name: str
    head: list[tuple[int, list[str]]]  # the non-empty rows among the first HEADER_ROWS, as text
    rows_total: int

    def widest(self) -> tuple[int, list[str]] | None:
        """The row most likely the header: the one with the most filled cells (the first such)."""
        return max(self.head, key=lambda row: sum(1 for c in row[1] if c), default=None)


def examine(path: Path, column_map: dict[str, str] | None = None, sheet: str | None = None) -> Layout:
    """The parts of the file to read, each with its format; raises UnknownFormat when none is
    an export (naming each sheet and what it holds) and ValueError for a bad ``sheet``."""
    kind = file_kind(path)
    if kind != "xlsx":
        if sheet:
            raise ValueError(f"--sheet {sheet!r} picks a sheet of a workbook (XLSX); this file is a {kind.upper()}, "
                             "which has none")
        return Layout([Found(WHOLE, format_for(headers_of(path), column_map), column_map)], [], [None])
    sheets = workbook_sheets(path)
    if sheet:
        return Layout([_chosen(_named(sheets, sheet), column_map)], [], [s.name for s in sheets])
    return _every_sheet(sheets, column_map)


def workbook_sheets(path: Path) -> list[Sheet]:
    """Every sheet of the workbook (hidden ones too: their rows were released as well), from
    its first rows only."""
    with open_workbook(path) as workbook:
        return [Sheet(ws.title, _head(ws), ws.max_row or 0) for ws in workbook.worksheets]


def _head(worksheet) -> list[tuple[int, list[str]]]:
    rows = worksheet.iter_rows(max_row=HEADER_ROWS, values_only=True)
    return [(number, ["" if c is None else str(c).strip() for c in row])
            for number, row in enumerate(rows, start=1) if any(c not in (None, "") for c in row)]


def _named(sheets: list[Sheet], name: str) -> Sheet:
    wanted = name.strip().casefold()
    for each in sheets:
        if each.name.strip().casefold() == wanted:
            return each
    raise ValueError(f"the workbook has no sheet named {name!r}; its sheets: {_names(sheets)}")


def _names(sheets: list[Sheet]) -> str:
    return ", ".join(repr(s.name) for s in sheets) or "(none)"


def _chosen(sheet: Sheet, column_map: dict[str, str] | None) -> Found:
    found = _mapped(sheet, column_map) if column_map else _recognised(sheet)
    if found is not None:
        return found
    if column_map:
        raise UnknownFormat(f"the column map names columns sheet {sheet.name!r} does not have in its first "
                            f"{HEADER_ROWS} rows: {', '.join(_missing(sheet, column_map))}; {_content(sheet)}")
    raise UnknownFormat(f"{NOT_KNOWN} in sheet {sheet.name!r}: {_content(sheet)}. Name its columns with "
                        "--column HEADER=FIELD, or on the import's page.")


def _every_sheet(sheets: list[Sheet], column_map: dict[str, str] | None) -> Layout:
    mapped = {s.name: found for s in sheets if column_map and (found := _mapped(s, column_map))}
    if column_map and not mapped:
        described = "; ".join(f"sheet {s.name!r}: {_content(s)}" for s in sheets)
        raise UnknownFormat(f"the column map names columns no sheet of the workbook has ({', '.join(column_map)}). "
                            f"{described}. Pick the sheet with --sheet NAME (or on the import's page).")
    found, skipped = [], []
    for each in sheets:
        part = mapped.get(each.name) or _recognised(each)
        if part is None:
            skipped.append(Skipped(each.name, f"not an audit export: {_content(each)}"))
        else:
            found.append(part)
    if not found:
        _none_known(sheets)
    return Layout(found, skipped, [s.name for s in sheets])


def _none_known(sheets: list[Sheet]) -> None:
    if len(sheets) == 1:  # read as a file is: its likeliest header row and the formats expected
        widest = sheets[0].widest()
        recognise(widest[1] if widest else [])
    described = "; ".join(f"sheet {s.name!r}: {_content(s)}" for s in sheets)
    raise UnknownFormat(f"{NOT_KNOWN} in any sheet of the workbook. {described}. Expected one of: "
                        f"{expected_formats()}. Pick the sheet that holds the audit with --sheet NAME and name its "
                        "columns with --column HEADER=FIELD (or do both on the import's page).")


def _recognised(sheet: Sheet) -> Found | None:
    for line, cells in sheet.head:
        try:
            fmt = recognise(cells)
        except UnknownFormat:
            continue
        return Found(Part(sheet.name, line, sheet.rows_total), fmt)
    return None


def _mapped(sheet: Sheet, column_map: dict[str, str]) -> Found | None:
    for line, cells in sheet.head:
        if not _missing_from(cells, column_map):
            return Found(Part(sheet.name, line, sheet.rows_total), format_for(cells, column_map), column_map)
    return None


def _missing_from(cells: list[str], column_map: dict[str, str]) -> list[str]:
    present = {norm(c) for c in cells if c}
    return sorted(h for h in column_map if norm(h) not in present)


def _missing(sheet: Sheet, column_map: dict[str, str]) -> list[str]:
    widest = sheet.widest()
    return _missing_from(widest[1] if widest else [], column_map)


def _content(sheet: Sheet) -> str:
    """What a sheet holds, for a message: empty, or its likeliest header row."""
    widest = sheet.widest()
    if widest is None:
        return "empty"
    line, cells = widest
    shown = [repr(c) for c in cells if c][:15]
    more = sum(1 for c in cells if c) - len(shown)
    return f"row {line} holds {', '.join(shown)}{f' and {more} more' if more > 0 else ''}"


def sheet_headers(path: Path, name: str) -> list[str]:
    """The likeliest header row of a workbook's sheet (for mapping its columns by hand)."""
    found = _named(workbook_sheets(path), name)
    widest = found.widest()
    if widest is None:
        raise ValueError(f"sheet {name!r} is empty")
    return widest[1]


NOUNS = {"search": "searches", "sharing": "partner organizations", "hotlist": "hot-list events", "users": "users"}
TITLES = {f.key: f.title for f in FORMATS} | {"mapped": "Columns mapped by hand", "workbook": "Workbook (see its sheets)"}


def sheet_lines(entries: list[dict]) -> list[tuple[str, bool]]:
    """What each sheet of an import gave (AuditImport.sheets), as sentences; True marks an
    error: a recognised sheet from which no row was read."""
    return [_sheet_line(entry) for entry in entries]


def _sheet_line(entry: dict) -> tuple[str, bool]:
    head = f"Sheet {entry['name']!r}"
    if entry.get("format") is None:
        return f"{head}: {entry['why']}", False
    title = TITLES.get(entry["format"], entry["format"])
    if entry.get("error"):
        return f"{head}: {title}: {entry['error']}", True
    noun = NOUNS.get(entry["kind"], "rows")
    return (f"{head}: {title}, {entry['read']:,} {noun} read, {entry['repeated']:,} repeated, "
            f"{entry['rejected']:,} rejected"), False
