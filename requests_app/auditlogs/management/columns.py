"""The commands' way to read an export whose columns are not a known format: name which
column holds what (and of which sheet of a workbook), as the import page's form does."""

from __future__ import annotations

import argparse

from django.core.management.base import CommandError

from requests_app.auditlogs.formats import SEARCH_FIELDS, mapped_format


def add_column_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--column", action="append", default=[], metavar="HEADER=FIELD",
        help=f"read an unrecognised export by naming its columns, once per column; fields: {', '.join(SEARCH_FIELDS)}")


def add_sheet_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sheet", metavar="NAME",
        help="read only this sheet of a workbook (its name, in any case); by default every sheet is examined and "
             "each recognised one read. A --column map applies to this sheet.")


def column_map(pairs: list[str]) -> dict[str, str] | None:
    """{header: field} from HEADER=FIELD pairs, checked as the form checks them."""
    if not pairs:
        return None
    mapping = {}
    for pair in pairs:
        header, sep, name = pair.rpartition("=")
        if not sep or not header.strip():
            raise CommandError(f"--column {pair!r}: write it as HEADER=FIELD, e.g. --column 'When=searched_at'")
        mapping[header.strip()] = name.strip()
    try:
        mapped_format(mapping)
    except ValueError as exc:
        raise CommandError(f"--column: {exc}") from None
    return mapping
