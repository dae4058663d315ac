"""The table of a PDF audit-log release, read page by page.

Agencies print a Flock export as one long table: a header row (usually repeated at the top
of each page), then one row per search, with long values wrapped inside their cell. This
module turns it back into rows of cells, as a CSV reader would.

Two kinds of table are read:

* ruled tables (cell borders drawn), found by pdfplumber from the drawn lines;
* tables without rules, whose columns are found once, on the page that has the header, from
  the header cells and the gutters the rows leave between them (counted in characters, so a
  count printed run together with the next column's text is cut apart), and whose rows are
  told apart by their first column (ID, organization), which every row fills: the lines
  around it are its wrapped cells, after it when cells are printed top-aligned (a browser),
  before it when bottom-aligned (a spreadsheet). Without padding between rows, cells printed
  vertically centred, or a first column that itself wraps, are not read right.

Pages are created one at a time and closed (pdfplumber's caches flushed) before the next,
so a 500-page release does not have to fit in memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BufferedReader
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.pdfpage import PDFPage
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import PdfminerException

from requests_app.auditlogs.pdf_unruled import (Layout, band_cells, find_columns, header_cell, header_key, text_bands,
                                                words_of)

NO_TEXT = ("this PDF has no text layer (a scan?): run OCR on it first, or ask the agency for the CSV or XLSX "
           "export")
NO_TABLE = ("no table was found in this PDF: it has text but no rows of columns. If the log is there, ask the "
            "agency for the CSV or XLSX export")
NO_PAGES = "this PDF has no pages"
ENCRYPTED = ("this PDF is password-protected: ask the agency for a copy without a password, or for the CSV or "
             "XLSX export")
UNREADABLE = "this file could not be read as a PDF (damaged, or not a PDF): {detail}"
TRUNCATED = "this PDF is incomplete (its end is missing, as in an interrupted download): download it again"
NO_ROWS = ("this PDF's table has a header ({header}) but no row under it could be read: if the log is "
           "there, ask the agency for the CSV or XLSX export")
DANGLING = ("\x00page {page}: lines at the end of the table that belong to no row (their first column is "
            "empty); they were not read")
BAD_PAGE = "page {page} of this PDF could not be read (damaged?): {detail}"

# Columns whose cells hold one item per line: the newline between items is kept, and only a
# line that does not start a new item is a wrapped continuation (joined with a space).
_ITEM_START = {
    "time frame": re.compile(r"\d{1,4}[/-]\d{1,2}[/-]\d{1,4}"),  # "01/01/2022, ..." start, then end
    "entity details": re.compile(r"[^\s:][^:\n]{0,40}:(\s|$)"),  # "Plate: ABC123", "Reason: ..."
}
_WORD_BREAK = re.compile(r"\w[-/]$")


class PdfRow(list):
    """A row's cells, knowing the page its row begins on (so a row that cannot be read is
    reported with its page as well as its number)."""

    def __init__(self, cells: list[str], page: int) -> None:
        super().__init__(cells)
        self.page = page


class PdfTableError(ValueError):
    """The PDF's table cannot be read; the message says why, for the person who uploaded it."""


def pdf_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(row_number, cells)`` for the table of the PDF at ``path``, lazily.

    For a PDF the "line" number shown to users is the table row number: the header is row 1
    and data rows are numbered 2, 3, ... in reading order across all pages. Header rows
    repeated on later pages and entirely empty rows are skipped and take no number.

    Cells are text ("" when empty). A value wrapped over several lines is joined with
    spaces, except in Time Frame and Entity Details, which keep "\\n" between their items
    (start and end; "Label: value" lines). A row cut by a page break (a row with an empty
    first cell) is joined to the row it continues, or, printed bottom-aligned, to the row it
    begins.

    A page whose only tables do not have the header's number of columns, and lines at the end
    of the table that belong to no row, yield one row whose single cell starts with "\\x00"
    and says so with the page, the way unreadable CSV rows are reported. Raises PdfTableError
    for a PDF that is not readable, holds no table, or no row under its header.
    """
    table = _Table()
    held: list[str] | None = None  # the last row so far, kept until we know it does not continue
    number, page_number, held_page = 1, 0, 0
    for page in _pages(path):
        rows = _page_rows(table, page)
        if number == 1 and table.header is not None:
            yield 1, PdfRow(table.header, page.page_number)
            number = 2
        if held is not None and rows and (_continues(held, rows[0]) or _begun(held, rows[0])):
            held = [f"{a}\n{b}".strip("\n") for a, b in zip(held, rows.pop(0), strict=True)]
        for row in rows:
            if held is not None:
                yield number, PdfRow(table.finish(held), held_page)
                number += 1
            held, held_page = row, page.page_number
        page_number = page.page_number
    if table.header is None:
        raise PdfTableError(table.why_no_table())
    if held is not None:
        cells = table.finish(held) if held[0].strip() else [DANGLING.format(page=page_number)]
        yield number, PdfRow(cells, held_page)
    elif number == 2:
        raise PdfTableError(NO_ROWS.format(header=", ".join(table.header)))


def _continues(held: list[str], row: list[str]) -> bool:
    # Every export starts with a column that is never empty in a real row (ID, timestamp,
    # organization; redactions read "***"), so an empty one marks the rest of a cut row.
    return not row[0].strip() and len(held) == len(row)


def _begun(held: list[str], row: list[str]) -> bool:
    # A table printed bottom-aligned may start a row at the foot of a page and print its
    # first column's value on the next one.
    return not held[0].strip() and len(held) == len(row)


def _page_rows(table: _Table, page: Page) -> list[list[str]]:
    try:
        return table.read(page)
    except PdfTableError:
        raise
    except Exception as exc:  # pdfminer raises many kinds of error on damaged content
        raise PdfTableError(BAD_PAGE.format(page=page.page_number, detail=exc)) from exc


# Opening and paging -------------------------------------------------------------------------


def _pages(path: Path) -> Iterator[Page]:
    """The pages one at a time; each is closed (its caches dropped) before the next is made."""
    _check_complete(path)
    with open(path, "rb") as stream:
        # PDF.close() is not called: in pdfplumber 0.11 it rebuilds the whole page list only
        # to close it, and we own the stream, which the with-block closes.
        pdf = _open(stream)
        objects = PDFPage.create_pages(pdf.doc)  # a generator: nothing is read ahead
        number, doctop = 0, 0.0
        while (page := _next_page(pdf, objects, number + 1, doctop)) is not None:
            number, doctop = number + 1, doctop + page.height
            try:
                yield page
            finally:
                page.close()


def _next_page(pdf: pdfplumber.PDF, objects: Iterator[PDFPage], number: int, doctop: float) -> Page | None:
    try:
        return Page(pdf, next(objects), page_number=number, initial_doctop=doctop)
    except StopIteration:
        return None
    except Exception as exc:  # a damaged page tree surfaces here, as any pdfminer error
        raise PdfTableError(BAD_PAGE.format(page=number, detail=exc)) from exc


def _check_complete(path: Path) -> None:
    # pdfminer rebuilds a cut file's cross-reference table and would quietly read fewer
    # pages; a complete PDF ends with "%%EOF" (give or take trailing whitespace or junk).
    with open(path, "rb") as handle:
        if not handle.read(5).startswith(b"%PDF"):
            raise PdfTableError(UNREADABLE.format(detail="it does not start with %PDF"))
        handle.seek(0, 2)
        handle.seek(max(0, handle.tell() - 2048))
        if b"%%EOF" not in handle.read():
            raise PdfTableError(TRUNCATED)


def _open(stream: BufferedReader) -> pdfplumber.PDF:
    try:
        return pdfplumber.open(stream)
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFEncryptionError):
            raise PdfTableError(ENCRYPTED) from exc
        raise PdfTableError(UNREADABLE.format(detail=cause or type(cause).__name__)) from exc


# The table as a whole ----------------------------------------------------------------------


@dataclass
class _Table:
    header: list[str] | None = None
    key: tuple[str, ...] = ()  # the normalised header, to recognise it repeated on a page
    layout: Layout | None = None  # a table without rules: its columns and row alignment
    pages: int = 0
    pages_with_text: int = 0
    items: list[re.Pattern[str] | None] = field(default_factory=list)

    def read(self, page: Page) -> list[list[str]]:
        """This page's data rows, cells as extracted (wrapped lines still split by "\\n")."""
        self.pages += 1
        self.pages_with_text += bool(page.chars)
        if self.header is None:
            grid = self._first_grid(page)
            if not grid:
                return []
            self._start(grid.pop(0))
        else:
            grid = self.layout.rows(text_bands(words_of(page))) if self.layout else self._ruled_grid(page)
        return [row for row in grid if header_key(row) != self.key]

    def _first_grid(self, page: Page) -> list[list[str]]:
        tables = [t for t in page.find_tables(_ruled(page)) if len(t.rows) >= 2 and len(t.columns) >= 2]
        if tables:
            return _cells(max(tables, key=lambda t: len(t.rows) * len(t.columns)).extract())
        bands = text_bands(words_of(page))
        found = find_columns(bands, page)
        if found is None:
            return []
        cuts, start = found
        header = band_cells(bands[start], cuts)
        self.layout = Layout(cuts, header_key(header))
        return [header, *self.layout.rows(bands[start + 1:])]

    def _start(self, header: list[str]) -> None:
        self.header = [header_cell(c) for c in header]
        self.key = header_key(header)
        self.items = [_ITEM_START.get(k) for k in self.key]

    def _ruled_grid(self, page: Page) -> list[list[str]]:
        tables = page.find_tables(_ruled(page))
        fitting = [t for t in tables if len(t.columns) == len(self.key)]
        if tables and not fitting:  # rows may be lost: say so in the output, not only in logs
            widths = ", ".join(str(len(t.columns)) for t in tables)
            return [[f"\x00page {page.page_number}: a table of {widths} columns where the header has "
                     f"{len(self.key)}; its rows were not read"]]
        return [row for t in sorted(fitting, key=lambda t: t.bbox[1]) for row in _cells(t.extract())]

    def finish(self, row: list[str]) -> list[str]:
        """The row's cells with wrapped lines joined (see pdf_rows)."""
        if row and row[0].startswith("\x00"):
            return row
        return [_join(cell, items) for cell, items in zip(row, self.items, strict=True)]

    def why_no_table(self) -> str:
        if not self.pages:
            return NO_PAGES
        return NO_TEXT if not self.pages_with_text else NO_TABLE


def _ruled(page: Page) -> dict[str, object]:
    """Settings for a table drawn with rules. A row cut by a page break has no rule under it
    (nor above its rest on the next page), so the ends of the column rules close the table."""
    ends = [y for e in page.edges if e["orientation"] == "v" for y in (e["top"], e["bottom"])]
    return {"vertical_strategy": "lines", "horizontal_strategy": "lines",
            "explicit_horizontal_lines": [min(ends), max(ends)] if ends else []}


def _cells(rows: list[list[str | None]]) -> list[list[str]]:
    cleaned = [["" if c is None else c.strip() for c in row] for row in rows]
    return [row for row in cleaned if any(row)]


def _join(cell: str, items: re.Pattern[str] | None) -> str:
    joined: list[str] = []
    for line in (line.strip() for line in cell.split("\n")):
        if line and joined and (items is None or not items.match(line)):
            joined[-1] = _unwrap(joined[-1], line)  # a wrapped tail, not a new item
        elif line:
            joined.append(line)
    return "\n".join(joined)


def _unwrap(head: str, tail: str) -> str:
    # Lines wrap at spaces, or just after a hyphen or slash inside a word ("Bend-" / "La Pine"),
    # where no space was lost.
    return head + tail if _WORD_BREAK.search(head) else f"{head} {tail}"
