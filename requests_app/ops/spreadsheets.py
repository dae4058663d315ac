"""Cells of the CSV and XLSX files the site writes for people to open, and reads back.

A spreadsheet runs a cell that starts with one of FORMULA_STARTS as a formula (CSV
injection), and the text of those files comes from agencies' releases, the shared agency
directory and users, so every such file is written through this module: a cell that would
run is written after an apostrophe, which spreadsheets show as text; imports read the
apostrophe off again, so a file comes back meaning what it said.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: object) -> object:
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def spreadsheet_text(cell: str) -> str:
    """A cell as ``spreadsheet_safe`` wrote it, as it was before."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def safe_row(cells: Iterable[object]) -> list[object]:
    return [spreadsheet_safe(cell) for cell in cells]


class SafeCsvWriter:
    """csv.writer whose every cell is written as ``spreadsheet_safe`` makes it."""

    def __init__(self, target, **options: object) -> None:
        self._writer = csv.writer(target, **options)

    def writerow(self, row: Iterable[object]):
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(target, **options: object) -> SafeCsvWriter:
    """The CSV writer for every file the site writes for people to open."""
    return SafeCsvWriter(target, **options)
