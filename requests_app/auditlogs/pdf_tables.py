"""The table of a PDF audit-log release, read page by page.

Agencies print a Flock export as one long table: a header row (usually repeated at the top
of each page), then one row per search, with long values wrapped inside their cell. This
module turns it back into rows of cells, as a CSV reader would.

Two kinds of table are read:

* ruled tables (cell borders drawn), found by pdfplumber from the drawn lines;
* tables without rules, whose columns are found from the header cells and the white gutters
  between columns, and whose rows are the blocks of text lines separated by a wider gap than
  the line spacing inside a cell. That fallback is a heuristic: it suits a table printed with
  some padding between rows; rows printed with none are read as one.

Pages are created one at a time and closed (pdfplumber's caches flushed) before the next,
so a 500-page release does not have to fit in memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BufferedReader
from pathlib import Path
from statistics import median

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.pdfpage import PDFPage
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import PdfminerException

from requests_app.auditlogs.formats import FORMATS, norm

NO_TEXT = ("this PDF has no text layer (a scan?): run OCR on it first, or ask the agency for the CSV or XLSX "
           "export")
NO_TABLE = ("no table was found in this PDF: it has text but no rows of columns. If the log is there, ask the "
            "agency for the CSV or XLSX export")
NO_PAGES = "this PDF has no pages"
ENCRYPTED = ("this PDF is password-protected: ask the agency for a copy without a password, or for the CSV or "
             "XLSX export")
UNREADABLE = "this file could not be read as a PDF (damaged, or not a PDF): {detail}"
TRUNCATED = "this PDF is incomplete (its end is missing, as in an interrupted download): download it again"
BAD_PAGE = "page {page} of this PDF could not be read (damaged?): {detail}"

# Columns whose cells hold one item per line: the newline between items is kept, and only a
# line that does not start a new item is a wrapped continuation (joined with a space).
_ITEM_START = {
    "time frame": re.compile(r"\d{1,4}[/-]\d{1,2}[/-]\d{1,4}"),  # "01/01/2022, ..." start, then end
    "entity details": re.compile(r"[^\s:][^:\n]{0,40}:(\s|$)"),  # "Plate: ABC123", "Reason: ..."
}
_WORD_BREAK = re.compile(r"\w[-/]$")
# Every header the known exports use (normalised), to rejoin a header wrapped mid-word.
_KNOWN_HEADERS = {name.replace(" ", ""): name for f in FORMATS
                  for name in (*f.columns, *(norm(c) for c in f.required))}


class PdfTableError(ValueError):
    """The PDF's table cannot be read; the message says why, for the person who uploaded it."""


def pdf_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(row_number, cells)`` for the table of the PDF at ``path``, lazily.

    For a PDF the "line" number shown to users is the table row number: the header is row 1
    and data rows are numbered 2, 3, ... in reading order across all pages. Header rows
    repeated on later pages and entirely empty rows are skipped and take no number.

    Cells are text ("" when empty). A value wrapped over several lines is joined with
    spaces, except in Time Frame and Entity Details, which keep "\\n" between their items
    (start and end; "Label: value" lines). A row cut by a page break (the next page's first
    row has an empty first cell) is joined to the row it continues.

    A page whose only tables do not have the header's number of columns yields one row
    whose single cell starts with "\\x00" and says so, the way unreadable CSV rows are
    reported. Raises PdfTableError for a PDF that is not readable or holds no table.
    """
    table = _Table()
    held: list[str] | None = None  # the last row so far, kept until we know it does not continue
    number = 1
    for page in _pages(path):
        rows = _page_rows(table, page)
        if number == 1 and table.header is not None:
            yield 1, table.header
            number = 2
        if held is not None and rows and (_continues(held, rows[0]) or _begun(held, rows[0])):
            held = [f"{a}\n{b}".strip("\n") for a, b in zip(held, rows.pop(0), strict=True)]
        for row in rows:
            if held is not None:
                yield number, table.finish(held)
                number += 1
            held = row
    if table.header is None:
        raise PdfTableError(table.why_no_table())
    if held is not None:
        yield number, table.finish(held)


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
    layout: _Layout | None = None  # a table without rules: its columns and row alignment
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
            grid = self.layout.rows(_bands(_words(page))) if self.layout else self._ruled_grid(page)
        return [row for row in grid if _header_key(row) != self.key]

    def _first_grid(self, page: Page) -> list[list[str]]:
        tables = [t for t in page.find_tables(_ruled(page)) if len(t.rows) >= 2 and len(t.columns) >= 2]
        if tables:
            return _cells(max(tables, key=lambda t: len(t.rows) * len(t.columns)).extract())
        bands = _bands(_words(page))
        found = _find_columns(bands, page)
        if found is None:
            return []
        cuts, start = found
        header = _band_cells(bands[start], cuts)
        self.layout = _Layout(cuts, _header_key(header))
        return [header, *self.layout.rows(bands[start + 1:])]

    def _start(self, header: list[str]) -> None:
        self.header = [_header_cell(c) for c in header]
        self.key = _header_key(header)
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


def _header_key(row: list[str]) -> tuple[str, ...]:
    return tuple(norm(_header_cell(c)) for c in row)


def _header_cell(cell: str) -> str:
    """A header cell on one line. Narrow columns wrap headers mid-word ("Licens/e Plate"),
    so when the letters spell a known column name, each break is rejoined as that name has it."""
    lines = [line.strip() for line in cell.split("\n") if line.strip()]
    target = _KNOWN_HEADERS.get(norm("".join(lines)).replace(" ", ""))
    if not lines or target is None:
        return " ".join(lines)
    text = lines[0]
    for line in lines[1:]:
        text = f"{text} {line}" if target.startswith(norm(f"{text} {line}")) else text + line
    return text


# Tables without rules ----------------------------------------------------------------------


@dataclass
class _Band:
    """Text lines that touch or nearly touch: one table row, or one line of a row whose
    lines are printed at an even pitch with no padding between rows."""
    words: list[dict]
    top: float
    bottom: float


def _words(page: Page) -> list[dict]:
    # Each word keeps its characters: values printed run together ("17652" right-aligned
    # against the next column's "UTC") read as one word, and are cut apart at the column edge.
    return page.extract_words(return_chars=True)


def _bands(words: list[dict]) -> list[_Band]:
    if not words:
        return []
    # Lines inside a cell nearly touch; rows are separated by their padding.
    tolerance = 0.3 * median(w["bottom"] - w["top"] for w in words)
    bands: list[_Band] = []
    for word in sorted(words, key=lambda w: w["top"]):
        if bands and word["top"] <= bands[-1].bottom + tolerance:
            bands[-1].words.append(word)
            bands[-1].bottom = max(bands[-1].bottom, word["bottom"])
        else:
            bands.append(_Band([word], word["top"], word["bottom"]))
    return bands


def _spans(words: list[dict], gap: float) -> list[list[float]]:
    """The x extents of runs of words less than ``gap`` apart: a band's cells."""
    spans: list[list[float]] = []
    for word in sorted(words, key=lambda w: w["x0"]):
        if spans and word["x0"] <= spans[-1][1] + gap:
            spans[-1][1] = max(spans[-1][1], word["x1"])
        else:
            spans.append([word["x0"], word["x1"]])
    return spans


def _find_columns(bands: list[_Band], page: Page) -> tuple[list[float], int] | None:
    """Column boundaries from the first row of three or more cells (the header), and that
    row's index among the page's bands; None when no such row has aligned rows under it."""
    for index, band in enumerate(bands):
        gap = 0.5 * median(w["bottom"] - w["top"] for w in band.words)  # wider than a space
        header = _spans(band.words, gap)
        if len(header) >= 3:
            cuts = _cuts(header, bands[index:], page)
            if cuts and any(_columns_used(b, cuts) >= 2 and not _straddles(b, cuts) for b in bands[index + 1:]):
                return cuts, index
            return None
    return None


def _cuts(header: list[list[float]], bands: list[_Band], page: Page) -> list[float] | None:
    cuts = [page.bbox[0]]
    for (_, left_end), (right_start, _) in zip(header, header[1:]):
        cut = _gutter(left_end, right_start, bands)
        if cut is None:
            return None
        cuts.append(cut)
    return [*cuts, page.bbox[2]]


def _gutter(after: float, before: float, bands: list[_Band]) -> float | None:
    """Where between two header cells the fewest rows have text: just left of where a
    character starts (numbers may be right-aligned up to the next column's text, and later
    pages may hold longer values on the left). Characters, not words, are counted, so a
    value printed run together with the next column's does not close the gutter."""
    starts = {c["x0"] for b in bands for w in b.words for c in w["chars"] if after < c["x0"] <= before} | {before}
    crossing = {x - 0.5: sum(_crosses(b, x - 0.5, lead=False) for b in bands) for x in starts}
    best = min(crossing.values())
    # One line across the gap may be page furniture (a printed address); more than a quarter
    # of the rows, and the gap is not a column edge.
    if best > max(1, len(bands) // 4):
        return None
    return max(x for x, n in crossing.items() if n == best)


def _crosses(band: _Band, x: float, lead: bool = True) -> bool:
    """Whether a character of the band runs across ``x``. With ``lead``, a word that starts
    just left of it does not count: it begins the column there (its text starts a little
    left of its header)."""
    return any(w["x0"] < x - (_lead(w) if lead else 0) < w["x1"] and _chars_cross(w, x) for w in band.words)


def _chars_cross(word: dict, x: float, slack: float = 0.4) -> bool:
    return any(c["x0"] < x - slack and c["x1"] > x + slack for c in word["chars"])


def _lead(word: dict) -> float:
    """How far left of a column's boundary a word may start and still belong to that column."""
    return 0.25 * (word["bottom"] - word["top"])


def _straddles(band: _Band, cuts: list[float]) -> bool:
    return any(_crosses(band, cut) for cut in cuts[1:-1])


def _column(x0: float, x1: float, cuts: list[float]) -> int:
    return sum(cut <= (x0 + x1) / 2 for cut in cuts[1:-1])


def _columns_used(band: _Band, cuts: list[float]) -> int:
    return len({_column(w["x0"], w["x1"], cuts) for w in band.words})


def _pieces(word: dict, cuts: list[float]) -> Iterator[tuple[int, dict]]:
    """The word, or its parts on each side of a column boundary, with their columns."""
    first = _column(word["x0"] + _lead(word), word["x0"] + _lead(word), cuts)
    if first == _column(word["x1"], word["x1"], cuts):
        yield first, word
        return
    parts: dict[int, list[dict]] = {}
    for char in word["chars"]:
        parts.setdefault(max(first, _column(char["x0"], char["x1"], cuts)), []).append(char)
    for column, chars in parts.items():
        yield column, {"text": "".join(c["text"] for c in chars), "x0": chars[0]["x0"], "x1": chars[-1]["x1"],
                       "top": word["top"], "bottom": word["bottom"]}


def _band_cells(band: _Band, cuts: list[float]) -> list[str]:
    """The band's text in each column, its lines joined with "\\n"."""
    columns: list[list[dict]] = [[] for _ in cuts[1:]]
    for word in band.words:
        for column, piece in _pieces(word, cuts):
            columns[column].append(piece)
    return [_lines_text(words) for words in columns]


def _lines_text(words: list[dict]) -> str:
    lines: list[list[dict]] = []
    for word in sorted(words, key=lambda w: w["top"]):
        if lines and word["top"] < lines[-1][0]["top"] + 0.5 * (word["bottom"] - word["top"]):
            lines[-1].append(word)
        else:
            lines.append([word])
    return "\n".join(" ".join(w["text"] for w in sorted(line, key=lambda w: w["x0"])) for line in lines)


@dataclass
class _Layout:
    """How a table without rules is laid out: its column boundaries (from the header, read
    once per document) and where a cell's wrapped lines sit against its row's first column.

    Rows are told apart by their first column (ID, organization), which every row fills. A
    browser prints cells top-aligned, so wrapped lines follow that value; a spreadsheet prints
    them bottom-aligned, so they come before it. Which it is is read from the lines: in
    top-aligned rows a cell's extra lines start right after a first-column value, in
    bottom-aligned ones they end right before one (and lines above the first row, or below
    the last one, of a page say the same). The evidence is summed over the pages read so far."""
    cuts: list[float]
    key: tuple[str, ...]  # the header, left out where a page repeats it
    votes: dict[str, int] = field(default_factory=lambda: {"top": 0, "bottom": 0})

    def rows(self, bands: list[_Band]) -> list[list[str]]:
        table = [b for b in _table_bands(bands, self.cuts) if _header_key(_band_cells(b, self.cuts)) != self.key]
        cells = [_band_cells(b, self.cuts) for b in table]
        anchors = [i for i, row in enumerate(cells) if row[0]]
        if not anchors:
            return [_merged(cells)] if cells else []
        self._vote(cells, anchors)
        for index in anchors:
            self._vote_inside(table[index])
        if self.votes["bottom"] > self.votes["top"]:  # a row ends at its first column's value
            starts = [0, *(a + 1 for a in anchors[:-1])]
            ends = [a + 1 for a in anchors]
            if anchors[-1] < len(cells) - 1:  # a row begun here, ended on the next page
                starts, ends = [*starts, anchors[-1] + 1], [*ends, len(cells)]
        else:  # a row starts at it; lines before the first one end the previous page's row
            starts = [0, *anchors] if anchors[0] else anchors
            ends = [*starts[1:], len(cells)]
        return [_merged(cells[a:b]) for a, b in zip(starts, ends, strict=True)]

    def _vote_inside(self, band: _Band) -> None:
        """A row printed with padding is one band: where its first column's text sits in it."""
        first = [w for w in band.words if _column(w["x0"] + _lead(w), w["x0"] + _lead(w), self.cuts) == 0]
        height = first[0]["bottom"] - first[0]["top"]
        at_top = min(w["top"] for w in first) - band.top < 0.5 * height
        at_bottom = band.bottom - max(w["bottom"] for w in first) < 0.5 * height
        if at_top != at_bottom:
            self.votes["top" if at_top else "bottom"] += 1

    def _vote(self, cells: list[list[str]], anchors: list[int]) -> None:
        # Lines above a page's first row or below its last may also be a row cut by the page
        # break, so the page's edges count once, each row inside it once.
        leading, trailing = anchors[0] > 0, anchors[-1] < len(cells) - 1
        if leading != trailing:
            self.votes["bottom" if leading else "top"] += 1
        for above, below in zip(anchors, anchors[1:]):
            gap = cells[above + 1:below]
            for column in range(1, len(self.cuts) - 1):
                filled = [bool(row[column]) for row in gap]
                if any(filled) and filled[0] != filled[-1]:
                    self.votes["top" if filled[0] else "bottom"] += 1


def _table_bands(bands: list[_Band], cuts: list[float]) -> list[_Band]:
    """The bands of the page's table: from its first to its last band that is a row (two
    columns or more, none crossed), widened by the wrapped lines next to them (one column,
    at the table's line spacing). Titles, page numbers and printed dates are left out."""
    is_row = [_columns_used(b, cuts) >= 2 and not _straddles(b, cuts) for b in bands]
    if True not in is_row:
        return []
    first, last = is_row.index(True), len(is_row) - 1 - is_row[::-1].index(True)
    gaps = [b.top - a.bottom for a, b in zip(bands[first:last + 1], bands[first + 1:last + 1])]
    reach = 1.5 * (median(gaps) if gaps else bands[first].bottom - bands[first].top) + 0.5
    while first > 0 and bands[first].top - bands[first - 1].bottom <= reach and not _straddles(bands[first - 1], cuts):
        first -= 1
    while last < len(bands) - 1 and bands[last + 1].top - bands[last].bottom <= reach \
            and not _straddles(bands[last + 1], cuts):
        last += 1
    return bands[first:last + 1]


def _merged(rows: list[list[str]]) -> list[str]:
    return ["\n".join(cell for cell in column if cell) for column in zip(*rows, strict=True)]
