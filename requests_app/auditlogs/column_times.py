"""Times of search columns read by polars, a batch at a time: the shape a sample of the
column fits is found once and the whole column parsed in it, the rows it leaves tried in
every shape of timestamps.py. Times that name their zone keep it; bare ones are clock
times in the agency's zone, and a bare time that never came there (clocks going forward)
is null, with its reason (gap_reason). Used by the batch reader (frames.py) and the
command line's scan (scan.py).
"""

from __future__ import annotations

import polars as pl

from requests_app.auditlogs import timestamps
from requests_app.auditlogs.zones import UTC
from requests_app.auditlogs.zones import gap_reason as gap_reason_text

_UTC = pl.Datetime("us", "UTC")


def _time_shapes() -> list[str]:
    return [f + suffix for f in timestamps.SHAPES for suffix in ("", *timestamps.ZONE_MARKS)]


def likely_shape(raw: pl.Series, last: str | None = None) -> str | None:
    """The timestamp shape most of a sample fits, so a batch is parsed in one pass; ``last``,
    the shape of the file's previous batch, is tried first (a file keeps one shape)."""
    sample = raw.drop_nulls().head(20)
    if sample.is_empty():
        return None
    if last and not sample.str.strptime(pl.Datetime("us"), last, strict=False).null_count():
        return last
    fits = {f: sample.str.strptime(pl.Datetime("us"), f, strict=False).null_count() for f in _time_shapes()}
    best = min(fits, key=fits.get)
    return best if fits[best] < len(sample) else None


def says_zone(shape: str) -> bool:
    """Whether text in this shape names its zone (Flock's "... UTC"), or is a bare clock time."""
    return shape.endswith(timestamps.ZONE_MARKS)


def localise(wall: pl.Expr, zone: str) -> pl.Expr:
    """UTC instants of clock times in ``zone``: the first of a time that came twice (clocks
    going back), null for one that never came (clocks going forward; see gap_reason)."""
    if zone == UTC:
        return wall.dt.replace_time_zone(UTC)
    return wall.dt.replace_time_zone(zone, ambiguous="earliest", non_existent="null").dt.convert_time_zone(UTC)


def shape_times(raw: pl.Expr, shape: str | None, zone: str) -> pl.Expr:
    """UTC times from text in one known shape, bare ones read in ``zone`` (null where it does not fit)."""
    if shape is None:
        return pl.lit(None, dtype=_UTC)
    return localise(shape_expr(raw, shape), UTC if says_zone(shape) else zone)


class TimeReader:
    """Parses one file's times, batch after batch: bare ones in ``zone``, each batch first in
    the shape the file's last batch had. One per file, so files read at once (or in two
    threads) never take each other's shape."""

    def __init__(self, zone: str = UTC) -> None:
        self.zone = zone
        self.shape: str | None = None

    def __call__(self, raw: pl.Series) -> pl.Series:
        self.shape = likely_shape(raw, self.shape) or self.shape
        return parse_times(raw, self.zone, shape=self.shape)


def parse_times(raw: pl.Series, zone: str = UTC, *, shape: str | None = None) -> pl.Series:
    """UTC datetimes from the shapes exports use (null where none fits): one pass in
    ``shape`` (by default, the one a sample suggests), then every shape for whatever that left.
    Times that name their zone keep it; bare ones are clock times in ``zone``."""
    shape = shape or likely_shape(raw)
    if shape is None:
        parsed = pl.Series(raw.name, dtype=_UTC).extend_constant(None, len(raw))
    else:
        parsed = raw.to_frame("t").select(shape_times(pl.col("t"), shape, zone))["t"].alias(raw.name)
    missed = parsed.is_null() & raw.is_not_null()
    if missed.any():
        rest = raw.filter(missed).to_frame("t").select(_any_shape(pl.col("t"), zone))["t"]
        parsed = parsed.scatter(missed.arg_true(), rest)
    return parsed


def shape_expr(raw: pl.Expr, shape: str) -> pl.Expr:
    """Naive datetimes from text in one known shape (null where it does not fit)."""
    return _twelve_hour(raw, shape) if "%I" in shape else raw.str.strptime(pl.Datetime("us"), shape, strict=False)


def _twelve_hour(raw: pl.Expr, shape: str) -> pl.Expr:
    """Flock's ``01/31/2022, 11:26:24 PM UTC`` read three times faster than strptime's %I %p:
    the clock part is parsed as 24-hour and moved by the AM/PM marker."""
    suffix = shape.split("%p", 1)[1]
    text = raw.str.strip_suffix(suffix) if suffix else raw
    clock = text.str.head(-3).str.strptime(pl.Datetime("us"), shape.split(" %p", 1)[0].replace("%I", "%H"), strict=False)
    marker, hour = text.str.tail(2), text.str.head(-3).str.tail(8).str.head(2)
    shift = pl.when(marker == "PM").then(12).when(marker == "AM").then(0) - pl.when(hour == "12").then(12).otherwise(0)
    valid = hour.str.strip_chars().cast(pl.Int8, strict=False).is_between(1, 12)
    return pl.when(valid).then(clock + pl.duration(hours=shift))


def _any_shape(raw: pl.Expr, zone: str) -> pl.Expr:
    text = raw.str.strip_chars()
    offset = text.str.strptime(_UTC, "%Y-%m-%dT%H:%M:%S%.f%:z", strict=False)
    marked = text.str.contains(timestamps.ZONE_MARK)
    wall = _wall(text)
    return pl.coalesce(offset, pl.when(marked).then(localise(wall, UTC)).otherwise(localise(wall, zone)))


def _wall(text: pl.Expr) -> pl.Expr:
    """The clock time of text in any shape, its zone mark cut (null where none fits)."""
    bare = text.str.replace(timestamps.ZONE_MARK, "")
    shapes = [bare.str.strptime(pl.Datetime("us"), f, strict=False) for f in timestamps.SHAPES]
    serial = bare.cast(pl.Float64, strict=False)
    excel = pl.when(serial.is_between(*timestamps.SERIAL_RANGE)).then(
        pl.datetime(1899, 12, 30) + pl.duration(milliseconds=(serial * 86_400_000).round()))
    return pl.coalesce(*shapes, excel)


def gap_reason(raw: pl.Expr, zone: str) -> pl.Expr:
    """Why a bare time that fits a shape was not read: it never came in ``zone`` (null otherwise)."""
    text = raw.str.strip_chars()
    wall = _wall(text)
    never = ~text.str.contains(timestamps.ZONE_MARK) & wall.is_not_null() & localise(wall, zone).is_null()
    return pl.when(never).then(pl.format(gap_reason_text("{}", zone), wall.dt.to_string("%Y-%m-%d %H:%M:%S")))
