"""Search exports read as columnar batches: the engine behind analysis and imports.

Network audits run to millions of rows, so rows are never handled one by one in Python.
A CSV is read in blocks of whole records (csvblocks.py), each parsed by polars, and comes
out normalised: times parsed to UTC (those without a zone read in the agency's zone),
``***`` redactions blanked, Time Frame split, the searcher's state and federal status read
from its name, and every rule of the rule set evaluated once per distinct reason (dropdown
reasons repeat a million times). XLSX and PDF
releases, which cannot be read that way, are read row by row into batches of ``BATCH``.

Each batch has the searches' normalised columns (only those asked for: counting needs
fewer than storing), ``key`` (what makes a row the same row when released twice), ``line``
(the file line a row starts on, so a rejected row can be found), ``categories``, ``flags``
and ``rejected`` (why a row could not be read, else null).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from requests_app.agencies.states import state_of
from requests_app.auditlogs import rules
from requests_app.auditlogs.column_times import TimeReader, gap_reason
from requests_app.auditlogs.csvblocks import CsvBlocks
from requests_app.auditlogs.formats import Format
from requests_app.auditlogs.parse import (REDACTED, WHOLE, Part, csv_encoding, file_kind, format_for,
                                          mapped_fields, row_count, rows_of, stringify)
from requests_app.auditlogs.zones import UTC

BATCH = 50_000
TEXT_FIELDS = ("id", "organization", "user", "reason", "case_number", "search_type", "plate", "filters")


@dataclass(frozen=True)
class Source:
    format: Format
    batches: Iterator[pl.DataFrame]
    lines_total: int  # for progress: lines (CSV) or rows (XLSX, PDF) in the file


def _redacted(text: pl.Expr) -> pl.Expr:
    # Spelled out rather than lower-cased: is_in on the raw text costs nothing, to_lowercase
    # on a million cells does.
    spellings = sorted({v for r in REDACTED for v in (r, r.upper(), r.title(), r.capitalize())})
    return pl.when(text.is_in(spellings)).then(pl.lit("")).otherwise(text).fill_null("")


def _text(expr: pl.Expr) -> pl.Expr:
    return _redacted(expr.str.strip_chars())


def _field(fields: dict[str, int], name: str) -> pl.Expr:
    return pl.col(f"c{fields[name]}") if name in fields else pl.lit(None, dtype=pl.String)


def _number(expr: pl.Expr) -> pl.Expr:
    return _text(expr).str.replace_all(",", "", literal=True).cast(pl.Float64, strict=False).cast(pl.Int64, strict=False)


def _time_frame(frame: pl.Series) -> pl.DataFrame:
    """Start and end of the Time Frame cell: two lines, or "start - end" / "start to end"."""
    parts = frame.str.split_exact("\n", 1).struct.rename_fields(["start", "end"]).struct.unnest()
    odd = parts["end"].is_null() & (frame != "")
    if odd.any():
        other = frame.filter(odd).str.extract_groups(r"^(.+?)\s+(?:-|to)\s+(.+)$").struct.rename_fields(["start", "end"])
        rows = odd.arg_true()
        # Series.scatter (an expression has none) writes in place, so each column is copied first.
        parts = parts.with_columns(parts["start"].clone().scatter(rows, other.struct.field("start")),
                                   parts["end"].clone().scatter(rows, other.struct.field("end")))
    return parts.select(pl.col("start").str.strip_chars().fill_null("").alias("time_frame_start"),
                        pl.col("end").str.strip_chars().fill_null("").alias("time_frame_end"))


def _select(frame: pl.LazyFrame, fields: dict[str, int]) -> pl.LazyFrame:
    """The columns read, under their canonical names, still raw text; organization and
    reason always (blank if the export lacks them), as flagging joins on them."""
    columns = {name: pl.col(f"c{index}") for name, index in fields.items()}
    if "reason" not in columns and "details" in columns:  # a hot-list log: its details are what a rule can match
        columns["reason"] = columns.pop("details")
    columns.pop("details", None)
    for name in ("organization", "reason", "searched_at"):
        columns.setdefault(name, pl.lit(None, dtype=pl.String))
    kept = [name for name in ("__page", "__why") if name in frame.collect_schema().names()]
    return frame.select("__row", "__nl", *kept, *(expr.alias(name) for name, expr in columns.items()))


def _normalise(batch: pl.DataFrame, times: TimeReader) -> pl.DataFrame:
    present = [name for name in TEXT_FIELDS if name in batch.columns]
    clean = batch.with_columns(
        *(_text(pl.col(name)).alias(name) for name in (*present, "time_frame") if name in batch.columns),
        *(_number(pl.col(name)).alias(name) for name in ("networks", "devices") if name in batch.columns),
        pl.col("searched_at").str.strip_chars().alias("raw_time"))
    parts = [c for c in (*present, "time_frame") if c in clean.columns] + [pl.col("raw_time").fill_null("")]
    key = pl.concat_str(parts, separator="|")
    if "id" in clean.columns:
        # The usual case, every row with an ID, skips building a million joined strings.
        key = pl.col("id") if (clean["id"] != "").all() else pl.when(pl.col("id") != "").then("id").otherwise(key)
    clean = clean.with_columns(key.alias("key"), searched_at=times(clean["raw_time"]))
    if "time_frame" in clean.columns:
        clean = pl.concat([clean, _time_frame(clean["time_frame"])], how="horizontal")
    return clean.drop("id", "filters", "time_frame", strict=False)


def _searcher_table(organizations: pl.Series) -> pl.DataFrame:
    """State code and federal status of each distinct searching organization."""
    # Python per distinct name, not per row: a file has a few hundred searching organizations.
    found = pl.Series("organization_state", [state_of(name or "") or "" for name in organizations], dtype=pl.String)
    return pl.DataFrame({"organization": organizations}).with_columns(
        found,
        pl.any_horizontal(_matches(agency, "organization") for agency in rules.FEDERAL).alias("federal"),
    )


def _reason_table(reasons: pl.Series, extra: tuple[rules.Rule, ...]) -> pl.DataFrame:
    """For each distinct reason: its categories (a list) and its flags (JSON text pieces)."""
    every = (*rules.RULES, *extra)
    matched = [pl.when(_matches(rule)).then(pl.lit(json.dumps([rule.category, rule.name]))) for rule in every]
    by_category = [pl.when(pl.any_horizontal(_matches(r) for r in every if r.category == category))
                   .then(pl.lit(category)) for category in rules.CATEGORIES if category != "federal"]
    return pl.DataFrame({"reason": reasons}).with_columns(
        pl.concat_list(by_category).list.drop_nulls().alias("reason_categories"),
        pl.concat_list(matched).list.drop_nulls().alias("reason_flags"),
    )


def _matches(rule: rules.Rule, column: str = "reason") -> pl.Expr:
    """rules.Rule.matches, written for polars."""
    text = pl.col(column)
    found = text.str.contains(rules.portable(rule.pattern))
    if rule.unless is not None:
        found = found & ~text.str.contains(rules.portable(rule.unless))
    if rule.always is not None:
        found = found | text.str.contains(rules.portable(rule.always))
    return found.fill_null(False)


_FEDERAL = [json.dumps(["federal", rules.FEDERAL_RULE])]


class Flagger:
    """Flags a batch's searches. Rules run once per distinct reason and organization over
    the whole file (remembered between batches), then a join carries them to the rows:
    dropdown reasons and a few dozen searching organizations repeat a million times."""

    def __init__(self, extra: tuple[rules.Rule, ...] = ()) -> None:
        self.extra = extra
        self.reasons = _reason_table(pl.Series("reason", [], dtype=pl.String), extra)
        self.searchers = _searcher_table(pl.Series("organization", [], dtype=pl.String))

    def __call__(self, batch: pl.DataFrame) -> pl.DataFrame:
        pairs = batch.select("organization", "reason").unique()
        self._learn(pairs)
        flagged = (pairs.join(self.searchers, on="organization", how="left")
                   .join(self.reasons, on="reason", how="left").select("organization", "reason", *self._columns()))
        return batch.join(flagged, on=["organization", "reason"], how="left", maintain_order="left")

    def _learn(self, pairs: pl.DataFrame) -> None:
        reasons = pairs["reason"].unique()
        reasons = reasons.filter(~reasons.is_in(self.reasons["reason"].implode()))
        if len(reasons):
            self.reasons = pl.concat([self.reasons, _reason_table(reasons, self.extra)])
        names = pairs["organization"].unique()
        names = names.filter(~names.is_in(self.searchers["organization"].implode()))
        if len(names):
            self.searchers = pl.concat([self.searchers, _searcher_table(names)])

    @staticmethod
    def _columns() -> list[pl.Expr]:
        federal = pl.col("federal")
        categories = pl.col("reason_categories").list.concat(
            pl.when(federal).then(pl.lit(["federal"])).otherwise(pl.lit([], dtype=pl.List(pl.String))))
        flags = pl.col("reason_flags").list.concat(
            pl.when(federal).then(pl.lit(_FEDERAL)).otherwise(pl.lit([], dtype=pl.List(pl.String))))
        return [
            "organization_state", "federal",
            pl.when(categories.list.len() > 0).then("," + categories.list.sort().list.join(",") + ",")
            .otherwise(pl.lit("")).alias("categories"),
            ("[" + flags.list.join(",") + "]").alias("flags"),
        ]


LINE = (pl.col("__row").cast(pl.Int64) + 2 + pl.col("__nl").cum_sum() - pl.col("__nl")).alias("line")
"""File line of each row: ``__row`` counts from the first data line (of the file or the
block), and the line breaks inside quoted cells of earlier rows (a Time Frame cell holds
two lines) add on."""

_TIME_TEXT = pl.col("raw_time").fill_null("").str.strip_chars()


def rejection(zone: str) -> pl.Expr:
    """Why a row cannot be read (it has no usable search time), else null. It tries every
    shape again to say why: ask it only of the rows whose time is null."""
    unreadable = pl.format("unreadable time '{}'", _TIME_TEXT.str.head(40))
    why = unreadable if zone == UTC else pl.coalesce(gap_reason(_TIME_TEXT, zone), unreadable)
    return (pl.when(_TIME_TEXT == "").then(pl.lit("no search time"))
            .when(pl.col("searched_at").is_null()).then(why)).alias("rejected")


def _with_lines(batch: pl.DataFrame) -> pl.DataFrame:
    return batch.with_columns(LINE).drop("__row", "__nl")


def _rejections(batch: pl.DataFrame, zone: str) -> pl.DataFrame:
    """Why each row cannot be read, else null; asked only of the rows without a time, as it
    tries every shape again to say why."""
    missing = batch["searched_at"].is_null()
    reasons = pl.Series("rejected", dtype=pl.String).extend_constant(None, batch.height)
    if missing.any():
        reasons = reasons.scatter(missing.arg_true(), batch.filter(missing).select(_why(batch.columns, zone))["rejected"])
    return batch.with_columns(reasons).drop("raw_time", "__page", "__why", strict=False)


def _why(columns: list[str], zone: str) -> pl.Expr:
    """The row's reason; the reader's own where it could not make a row of the lines
    (``__why``); a PDF's row found by its page as well."""
    why = rejection(zone)
    if "__why" in columns:
        why = pl.coalesce(pl.col("__why"), why)
    if "__page" in columns:
        own = pl.col("__why").is_null() if "__why" in columns else pl.lit(True)
        why = pl.when(why.is_not_null() & own).then(pl.format("{} (page {})", why, pl.col("__page"))).otherwise(why)
    return why.alias("rejected")


def finish(batches: Iterator[pl.DataFrame], extra: tuple[rules.Rule, ...], zone: str = UTC) -> Iterator[pl.DataFrame]:
    flag, times = Flagger(extra), TimeReader(zone)
    for batch in (_normalise(_with_lines(batch), times) for batch in batches):
        yield _rejections(flag(batch), zone)


ALL_FIELDS = frozenset((*TEXT_FIELDS, "searched_at", "time_frame", "networks", "devices", "details"))
# What counting needs (the command line's analysis): the rest is parsed only for storing.
ANALYSIS_FIELDS = frozenset(("id", "searched_at", "organization", "reason", "details"))


def _wanted(fmt: Format, headers: list[str], fields: frozenset[str]) -> dict[str, int]:
    mapped = mapped_fields(fmt, headers)
    if "id" not in mapped:
        fields = ALL_FIELDS  # without an ID, a row is known by all its values
    return {name: index for name, index in mapped.items() if name in fields}


def csv_batches(path: Path, headers: list[str], fmt: Format, fields: frozenset[str] = ALL_FIELDS) -> Iterator[pl.DataFrame]:
    wanted = _wanted(fmt, headers, fields)
    reader = CsvBlocks(path, len(headers), csv_encoding(path))
    for frame in reader.frames(sorted(set(wanted.values()))):
        yield _select(frame.lazy(), wanted).collect()


def row_batches(rows: Iterator[tuple[int, list[object]]], headers: list[str], fmt: Format,
                fields: frozenset[str] = ALL_FIELDS) -> Iterator[pl.DataFrame]:
    """Batches from rows read one by one (XLSX, PDF): each row's own line is kept, and a
    PDF row's page (``__page``)."""
    names = [f"c{i}" for i in range(len(headers))]
    fields = _wanted(fmt, headers, fields)
    chunk: list[list[object]] = []
    for line, row in rows:
        why = row[0][1:] if row and isinstance(row[0], str) and row[0].startswith("\x00") else None
        cells = [] if why else [stringify(cell) for cell in row[: len(names)]]
        chunk.append([line - 2, 0, getattr(row, "page", None), why, *cells, *([None] * (len(names) - len(cells)))])
        if len(chunk) >= BATCH:
            yield _select(_frame(chunk, names), fields).collect()
            chunk = []
    if chunk:
        yield _select(_frame(chunk, names), fields).collect()


def _frame(chunk: list[list[object]], names: list[str]) -> pl.LazyFrame:
    schema = {"__row": pl.Int64, "__nl": pl.Int64, "__page": pl.Int32, "__why": pl.String,
              **{n: pl.String for n in names}}
    frame = pl.DataFrame(chunk, schema=schema, orient="row")
    return frame.drop(*(c for c in ("__page", "__why") if frame[c].is_null().all())).lazy()


def _count_lines(path: Path) -> int:
    count = 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            count += block.count(b"\n")
    return count


def open_source(path: Path, column_map: dict[str, str] | None = None, extra: tuple[rules.Rule, ...] = (),
                fields: frozenset[str] = ALL_FIELDS, part: Part = WHOLE, zone: str = UTC) -> Source:
    """The export's format and its normalised, flagged batches (read lazily, as iterated),
    times without a zone read in ``zone``; ``part`` names a workbook's sheet and its header row
    (see workbooks.examine).

    Raises UnknownFormat (columns not recognised) or ValueError (empty, binary, unreadable)
    before anything is read beyond the header."""
    rows = rows_of(path, part)
    try:
        _, first = next(rows)
    except StopIteration:
        raise ValueError("the file has no rows") from None
    headers = [str(h or "") for h in first]
    fmt = format_for(headers, column_map)
    if part.sheet is None and file_kind(path) == "csv":
        rows.close()
        return Source(fmt, finish(csv_batches(path, headers, fmt, fields), extra, zone), _count_lines(path))
    return Source(fmt, finish(row_batches(rows, headers, fmt, fields), extra, zone), row_count(path, part))
