"""The timestamp shapes audit-log exports use, defined once for both readers: polars' for
columns of searches (column_times.py) and Python's strptime for rows read one at a time
(hot-list logs, rosters: parse.py). A trailing zone mark (UTC, GMT, Z) is cut before either
reads; an Excel serial number counts as a date only within SERIAL_RANGE.
"""

from __future__ import annotations

from datetime import datetime

# In polars' (chrono's) spelling; "%.f" is an optional fraction of a second.
SHAPES = ("%m/%d/%Y, %I:%M:%S %p", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y, %H:%M:%S", "%m/%d/%Y %H:%M:%S",
          "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M", "%m/%d/%Y %H:%M", "%m/%d/%Y")
ZONE_MARK = r"\s*(?:UTC|GMT|Z)$"
ZONE_MARKS = (" UTC", " GMT", "Z")
# Excel serial dates between 1954 and 2119: a bare "2025" is a year, not 1905.
SERIAL_RANGE = (20_000, 80_000)
EXCEL_EPOCH = datetime(1899, 12, 30)  # a clock time, like the serials counted from it


def python_shapes(shapes: tuple[str, ...] = SHAPES) -> tuple[str, ...]:
    """The same shapes for Python's strptime, which has no optional fraction: each shape with
    "%.f" is tried with a fraction and without."""
    spelled: list[str] = []
    for shape in shapes:
        if "%.f" in shape:
            spelled += [shape.replace("%.f", ".%f"), shape.replace("%.f", "")]
        else:
            spelled.append(shape)
    return tuple(spelled)


PYTHON_SHAPES = python_shapes()
