"""Cells of the CSV files the site writes for spreadsheets and reads back.

A spreadsheet runs a cell that starts with one of FORMULA_STARTS as a formula (CSV
injection), so exports write such a cell after an apostrophe, which spreadsheets show as
text; imports read the apostrophe off again, so a file comes back meaning what it said.
"""

from __future__ import annotations

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
