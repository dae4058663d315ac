"""One list of timestamp shapes for both readers: a time the columnar reader of searches
understands, the row reader of hot lists and rosters understands the same way."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from requests_app.auditlogs import column_times, timestamps
from requests_app.auditlogs.parse import parse_time

SAMPLES = {
    "01/31/2025, 11:26:24 PM": datetime(2025, 1, 31, 23, 26, 24),
    "01/31/2025 11:26:24 PM": datetime(2025, 1, 31, 23, 26, 24),
    "01/31/2025, 23:26:24": datetime(2025, 1, 31, 23, 26, 24),
    "01/31/2025 23:26:24": datetime(2025, 1, 31, 23, 26, 24),
    "2025-01-31 23:26:24.5": datetime(2025, 1, 31, 23, 26, 24, 500000),
    "2025-01-31 23:26:24": datetime(2025, 1, 31, 23, 26, 24),
    "2025-01-31T23:26:24.125": datetime(2025, 1, 31, 23, 26, 24, 125000),
    "2025-01-31 23:26": datetime(2025, 1, 31, 23, 26),
    "01/31/2025 23:26": datetime(2025, 1, 31, 23, 26),
    "01/31/2025": datetime(2025, 1, 31),
    "45688.5": datetime(2025, 1, 31, 12),  # an Excel serial written as text
}


def test_every_shape_has_a_sample():
    shapes_used = {shape for shape in timestamps.SHAPES
                   if any(pl.Series([text]).str.strptime(pl.Datetime("us"), shape, strict=False)[0] is not None
                          for text in SAMPLES)}
    assert shapes_used == set(timestamps.SHAPES)


# Each sample bare and, but for the serial number, marked UTC as Flock writes it.
CASES = [(text + mark, when) for text, when in SAMPLES.items() for mark in ("", " UTC")
         if not (mark and text == "45688.5")]


@pytest.mark.parametrize(("text", "when"), CASES, ids=[text for text, _ in CASES])
def test_both_readers_read_each_shape_alike(text, when):
    expected = when.replace(tzinfo=UTC)
    by_rows = parse_time(text)
    by_columns = column_times.parse_times(pl.Series("t", [text]), "UTC", shape=None)[0]
    assert by_rows == expected and by_columns == expected


@pytest.mark.parametrize("text", ["2025", "12", "999999"])
def test_a_number_outside_the_serial_range_is_not_a_date_for_either_reader(text):
    with pytest.raises(ValueError, match="unreadable time"):
        parse_time(text)
    assert column_times.parse_times(pl.Series("t", [text]), "UTC", shape=None)[0] is None
