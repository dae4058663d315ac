"""A large CSV read in blocks of whole records, each parsed by polars, keeping line numbers.

Memory holds one block (``BLOCK`` bytes), never the file. Only the columns asked for are
parsed. Each row gets ``__row`` and ``__nl`` so its file line can be told: a record can
span several lines (Flock's Time Frame cell holds two), and a rejected row must be
findable in the file a person has open.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl

BLOCK = 6 << 20  # about 33,000 network-audit rows
MAX_RECORD = 64 << 20


def record_end(data: bytes) -> int:
    """Index of the last newline in ``data`` that ends a record (outside quotes), or -1.

    ``data`` starts at a record boundary, so a newline ends a record when an even number
    of quote characters precede it (an escaped quote is two)."""
    total, i = data.count(b'"'), data.rfind(b"\n")
    while i >= 0 and (total - data.count(b'"', i)) % 2:
        i = data.rfind(b"\n", 0, i)
    return i


def record_blocks(path: Path, size: int = BLOCK) -> Iterator[bytes]:
    """The file in blocks that each end at the end of a record."""
    rest = b""
    with open(path, "rb") as handle:
        while block := handle.read(size):
            data = rest + block
            cut = record_end(data)
            if cut < 0 and len(data) > MAX_RECORD:
                raise ValueError("a quoted cell never closes (an unbalanced quote character): the CSV is malformed")
            if cut >= 0:
                yield data[: cut + 1]
            rest = data[cut + 1:]
    if rest.strip():
        yield rest


def _first_record_end(data: bytes) -> int:
    i = data.find(b"\n")
    while i >= 0 and data.count(b'"', 0, i) % 2:
        i = data.find(b"\n", i + 1)
    return i if i >= 0 else len(data) - 1


def blocks_after_header(path: Path, encoding: str) -> Iterator[tuple[int, bytes]]:
    """(line of the block's first record, UTF-8 bytes) for each block after the header;
    the line counts the header's lines only: a block's own lines are counted by its reader."""
    header_done = False
    for block in record_blocks(path):
        if encoding == "cp1252":
            block = block.decode("cp1252", errors="replace").encode()
        if not header_done:
            end = _first_record_end(block)
            header_lines, block, header_done = block.count(b"\n", 0, end + 1), block[end + 1:], True
        if block.strip():
            yield 1 + header_lines, block


class CsvBlocks:
    """Reads ``columns`` (indices) of a CSV of ``width`` columns, block by block.

    A row's line is the block's first line plus the rows and the line breaks inside cells
    before it. Breaks are counted in the columns read and in those the first block shows
    holding them (read once in full to learn which), so a network audit's analysis pays
    for its Time Frame column, not for all fourteen."""

    def __init__(self, path: Path, width: int, encoding: str) -> None:
        self.path, self.width, self.encoding = path, width, encoding
        self.breaking: set[int] | None = None  # columns seen holding line breaks, once learned

    def frames(self, columns: list[int]) -> Iterator[pl.DataFrame]:
        skipped = 0  # lines of the blocks before, beyond their first line
        for first_line, block in blocks_after_header(self.path, self.encoding):
            if self.breaking is None:
                self._learn(first_line, block)
            frame = self._read(first_line + skipped, block, sorted({*columns, *self.breaking}))
            skipped += frame.height + int(frame["__nl"].sum() or 0)
            yield frame

    def _learn(self, line: int, block: bytes) -> None:
        full = _parse(line, block, list(range(self.width)), self.width)
        self.breaking = {i for i in range(self.width) if full[f"c{i}"].str.contains("\n", literal=True).any()}

    def _read(self, line: int, block: bytes, columns: list[int]) -> pl.DataFrame:
        frame = _parse(line, block, columns, self.width)
        counts = [pl.col(f"c{i}").str.count_matches("\n", literal=True).fill_null(0) for i in columns]
        return frame.with_columns(pl.sum_horizontal(counts).cast(pl.Int64).alias("__nl"))


def _parse(line: int, block: bytes, columns: list[int], width: int) -> pl.DataFrame:
    options = {"has_header": False, "infer_schema": False, "encoding": "utf8-lossy", "truncate_ragged_lines": True,
               "row_index_name": "__row", "row_index_offset": line - 2}
    try:
        frame = pl.read_csv(block, columns=columns, **options)
        # Generated names differ between polars versions; the selected columns come in order.
        frame.columns = ["__row", *(f"c{i}" for i in columns)]
        return frame
    except pl.exceptions.PolarsError:
        pass  # rows narrower than the header: read them whole and pad
    try:
        frame = pl.read_csv(block, **options)
    except pl.exceptions.PolarsError as exc:
        raise ValueError(f"the CSV cannot be read from line {line}: {str(exc).splitlines()[0][:200]}") from None
    frame.columns = ["__row", *(f"c{i}" for i in range(frame.width - 1))]
    missing = [pl.lit(None, dtype=pl.String).alias(f"c{i}") for i in columns if i >= frame.width - 1]
    return frame.with_columns(missing).select("__row", *(f"c{i}" for i in columns))
