"""Tables printed without rules, read from the positions of their words (see pdf_tables),
and the header cells of any table, rejoined where a narrow column wrapped them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from statistics import median

from pdfplumber.page import Page

from requests_app.auditlogs.formats import FORMATS, norm

# Every header the known exports use (normalised), to rejoin a header wrapped mid-word.
_KNOWN_HEADERS = {name.replace(" ", ""): name for f in FORMATS
                  for name in (*f.columns, *(norm(c) for c in f.required))}


def header_key(row: list[str]) -> tuple[str, ...]:
    return tuple(norm(header_cell(c)) for c in row)


def header_cell(cell: str) -> str:
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


def words_of(page: Page) -> list[dict]:
    # Each word keeps its characters: values printed run together ("17652" right-aligned
    # against the next column's "UTC") read as one word, and are cut apart at the column edge.
    return page.extract_words(return_chars=True)


def text_bands(words: list[dict]) -> list[_Band]:
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


def find_columns(bands: list[_Band], page: Page) -> tuple[list[float], int] | None:
    """Column boundaries from the first row of three or more cells (the header), and that
    row's index among the page's bands; None when no such row has aligned rows under it."""
    for index, band in enumerate(bands):
        gap = 0.5 * median(w["bottom"] - w["top"] for w in band.words)  # wider than a space
        header = _spans(band.words, gap)
        if len(header) >= 3:
            cuts = _cuts(header, _block(bands[index:]), page)
            if cuts and any(_columns_used(b, cuts) >= 2 and not _straddles(b, cuts) for b in bands[index + 1:]):
                return cuts, index
            return None
    return None


def _block(bands: list[_Band]) -> list[_Band]:
    """The bands from the first down to a gap wider than the table's: what is printed in the
    page margin below it (an address, a page number) does not place its columns."""
    gaps = [b.top - a.bottom for a, b in zip(bands, bands[1:])]
    if not gaps:
        return bands
    widest = max(2 * median(gaps), median(w["bottom"] - w["top"] for w in bands[0].words))
    return bands[:next((i + 1 for i, gap in enumerate(gaps) if gap > widest), len(bands))]


def _cuts(header: list[list[float]], bands: list[_Band], page: Page) -> list[float] | None:
    cuts = [page.bbox[0]]
    for (_, left_end), (right_start, _) in zip(header, header[1:]):
        cut = _gutter(left_end, right_start, bands)
        if cut is None:
            return None
        cuts.append(cut)
    return [*cuts, page.bbox[2]]


def _gutter(after: float, before: float, bands: list[_Band]) -> float | None:
    """Where between two header cells the fewest rows have text: at or just left of where a
    word starts, or where one ends (numbers may be right-aligned up to the next
    column's text, and later pages may hold longer values on the left). Characters, not
    words, are counted, so a value printed run together with the next column's does not
    close the gutter."""
    # Only where some word starts or ends: a line printed across the columns (an address)
    # must not place the boundary between two of its own letters.
    edges = {x for b in bands for w in b.words for x in (w["x0"] - 0.5, w["x0"], w["x1"])}
    crossing = {x: sum(_crosses(b, x, lead=False) for b in bands)
                for x in {x for x in edges if after < x <= before} | {before - 0.5}}
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


def band_cells(band: _Band, cuts: list[float]) -> list[str]:
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
class Layout:
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
        table = [b for b in _table_bands(bands, self.cuts) if header_key(band_cells(b, self.cuts)) != self.key]
        cells = [band_cells(b, self.cuts) for b in table]
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
