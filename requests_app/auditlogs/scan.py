"""The command line's analysis of CSV searches in one pass of polars' streaming reader.

Counting needs four columns of a network audit, not fourteen, and no row in Python: the
file is scanned with only those columns, times parsed in the shape a sample shows, rows
released twice dropped by key, and everything else counted per distinct (organization,
reason) pair, which a million-row log holds a few hundred of. Rules run on the distinct
pairs (frames.Flagger's tables), so the flags are those an import stores.

The scan comes in batches of ``CHUNK`` rows, each counted and let go, so the memory does
not grow with the file (but for 8 bytes a distinct row: see seen.py).
Only UTF-8 CSV files are read here; the caller reads anything else through frames.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from requests_app.auditlogs import column_times, frames
from requests_app.auditlogs.csvblocks import record_end
from requests_app.auditlogs.formats import Format
from requests_app.auditlogs.parse import csv_encoding, file_kind
from requests_app.auditlogs.zones import UTC

SAMPLE_ROWS = 500
CHUNK = 250_000  # rows a batch, about 40 MB: larger batches cost more memory, smaller ones more time (seen.py)


@dataclass
class Scanned:
    """A file's searches, read as its batches are iterated."""

    name: str
    query: pl.LazyFrame  # __row, __nl, key inputs, org/reason as released, raw_time, searched_at (UTC)
    zone: str

    def batches(self) -> Iterator[pl.DataFrame]:
        """The rows in file order, in batches, each row with its ``line`` and ``key``."""
        breaks = 0  # line breaks inside the cells of the batches before
        for batch in self.query.collect_batches(chunk_size=CHUNK):
            batch = _with_keys(_late_times(batch, self.zone)).with_columns(frames.LINE + breaks)
            breaks += int(batch["__nl"].sum() or 0)
            yield batch


def scannable(path: Path) -> bool:
    return file_kind(path) == "csv" and csv_encoding(path).startswith("utf-8")


def scan_file(path: Path, fmt: Format, headers: list[str], fields: frozenset[str], zone: str = UTC) -> Scanned:
    """The file's rows, times in UTC: bare ones read as clock times in ``zone``."""
    wanted = frames._wanted(fmt, headers, fields)
    names = [f"c{i}" for i in range(len(headers))]
    breaking = _columns_with_breaks(path, names)
    shape = _shape_of(path, names, wanted.get("searched_at"))
    scan = pl.scan_csv(path, has_header=True, new_columns=names, infer_schema=False, encoding="utf8-lossy",
                       truncate_ragged_lines=True, row_index_name="__row", raise_if_empty=False)
    columns = sorted({*wanted.values(), *breaking})
    nl = pl.sum_horizontal([pl.col(f"c{i}").str.count_matches("\n", literal=True).fill_null(0) for i in columns])
    raw = {name: pl.col(f"c{index}") for name, index in wanted.items()}
    if "reason" not in raw and "details" in raw:  # a hot-list log: its details are what a rule can match
        raw["reason"] = raw.pop("details")
    # Not stripped: a million strip_chars cost more than parsing; a padded time fails the
    # fast shape and is parsed again, stripped, with the few other misfits (_late_times).
    raw_time = raw.get("searched_at", pl.lit(None, dtype=pl.String))
    texts = [frames._text(raw[n]).alias(n) for n in frames.TEXT_FIELDS if n in raw and n not in ("organization", "reason")]
    query = scan.select(
        "__row", nl.cast(pl.Int64).alias("__nl"), *texts,
        *(raw.get(n, pl.lit(None, dtype=pl.String)).fill_null("").alias(f"{n}_raw") for n in ("organization", "reason")),
        *(raw[n].alias(n) for n in ("time_frame", "networks", "devices") if n in raw),
        raw_time.alias("raw_time"),
        column_times.shape_times(raw_time, shape, zone).alias("searched_at"),
    )
    return Scanned(path.name, query, zone)


def _columns_with_breaks(path: Path, names: list[str]) -> set[int]:
    """Columns whose cells hold line breaks in the first rows (Flock's Time Frame): their
    breaks are counted so each row's line is known."""
    sample = pl.read_csv(_head(path), has_header=True, new_columns=names, infer_schema=False, n_rows=SAMPLE_ROWS,
                         encoding="utf8-lossy", truncate_ragged_lines=True, raise_if_empty=False)
    return {i for i, name in enumerate(sample.columns) if sample[name].str.contains("\n", literal=True).any()}


def _head(path: Path, size: int = 1 << 20) -> bytes:
    """The file's first whole records, about a megabyte of them: what samples are read from.
    (Given the path, polars' reader maps the whole file and takes far more memory than the
    few rows asked for.)"""
    with open(path, "rb") as handle:
        data = handle.read(size)
    return data if len(data) < size else data[: record_end(data) + 1]


def _shape_of(path: Path, names: list[str], index: int | None) -> str | None:
    if index is None:
        return None
    sample = pl.read_csv(_head(path), has_header=True, new_columns=names, infer_schema=False, n_rows=SAMPLE_ROWS // 10,
                         columns=[index], encoding="utf8-lossy", truncate_ragged_lines=True, raise_if_empty=False)
    return column_times.likely_shape(sample.to_series().str.strip_chars()) if sample.height else None


def _late_times(rows: pl.DataFrame, zone: str) -> pl.DataFrame:
    """Rows in another shape than the sample's get every shape tried (they are few)."""
    missed = rows["searched_at"].is_null() & rows["raw_time"].fill_null("").str.strip_chars().ne("")
    if missed.any():
        late = column_times.parse_times(rows["raw_time"].filter(missed).str.strip_chars(), zone)
        rows = rows.with_columns(rows["searched_at"].scatter(missed.arg_true(), late))
    return rows


def _with_keys(rows: pl.DataFrame) -> pl.DataFrame:
    parts = [c for c in (*frames.TEXT_FIELDS, "organization_raw", "reason_raw", "time_frame") if c in rows.columns]
    joined = pl.concat_str([pl.col(c).fill_null("") for c in parts] + [pl.col("raw_time").fill_null("")], separator="|")
    if "id" not in rows.columns:
        return rows.with_columns(joined.alias("key"))
    if (rows["id"] != "").all():  # the usual case: skip joining a million strings
        return rows.with_columns(pl.col("id").alias("key"))
    return rows.with_columns(pl.when(pl.col("id") != "").then(pl.col("id")).otherwise(joined).alias("key"))


def rejected(rows: pl.DataFrame, zone: str = UTC) -> pl.DataFrame:
    return rows.filter(pl.col("searched_at").is_null()).select("line", frames.rejection(zone))


def pairs(rows: pl.DataFrame, flagger: frames.Flagger) -> pl.DataFrame:
    """The searches marked ``__first`` counted per distinct (organization, reason) as
    released, cleaned and flagged. Filtered and grouped in one lazy step: copying a million
    rows to filter them first would cost as much as the grouping."""
    counted = rows.lazy().filter(pl.col("__first")).group_by("organization_raw", "reason_raw").agg(
        pl.len().alias("n"), pl.col("searched_at").min().alias("first"), pl.col("searched_at").max().alias("last"),
    ).collect()
    cleaned = counted.with_columns(frames._text(pl.col("organization_raw")).alias("organization"),
                                   frames._text(pl.col("reason_raw")).alias("reason"))
    return flagger(cleaned)


def flagged_rows(rows: pl.DataFrame, counted: pl.DataFrame) -> pl.DataFrame:
    """The flagged searches marked ``__first``, one by one, for the flagged-searches file."""
    hits = counted.filter(pl.col("categories") != "").select("organization_raw", "reason_raw", "organization", "reason",
                                                             "flags")
    return rows.filter(pl.col("__first")).drop(*(c for c in ("organization", "reason") if c in rows.columns)).join(
        hits, on=["organization_raw", "reason_raw"], how="inner", maintain_order="left")
