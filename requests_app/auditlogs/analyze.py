"""Counts and flags over audit-log files without the database (the command line's
analysis), streamed batch by batch through the columnar reader of frames.py."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import polars as pl

from requests_app.auditlogs import rules
from requests_app.auditlogs import scan
from requests_app.auditlogs.formats import Format
from requests_app.auditlogs.frames import ANALYSIS_FIELDS, Flagger, open_source
from requests_app.auditlogs.hotlist import HotlistRow, flag_text, hotlist_rows
from requests_app.auditlogs.parse import Rejected, format_for, headers_of, nothing_read, records, relations
from requests_app.auditlogs.zones import LocalZone, state_zone

TOP = 10
KEY_SEED = 20261127  # any fixed seed: hashes are compared within one run only
OnFlag = Callable[[Path, dict, list[list[str]]], None]


@dataclass
class FileCount:
    """What one file gave: rows read, of which ``rows`` counted and ``repeated`` already met
    (in it or an earlier file), and rows rejected."""

    file: str
    format: str
    rows: int = 0
    repeated: int = 0
    rejected: int = 0
    first_rejected: tuple[int, str] | None = None

    def summary(self) -> dict[str, object]:
        return {"file": self.file, "format": self.format, "read": self.rows + self.repeated, "rows": self.rows,
                "repeated": self.repeated, "rejected": self.rejected}

    def unread(self) -> str | None:
        """Why no row of the file was read, or None when some were."""
        return None if self.rows or self.repeated else f"{self.file}: {nothing_read(self.rejected, self.first_rejected)}"


@dataclass
class Analysis:
    formats: list[str] = field(default_factory=list)
    rows: int = 0
    duplicates: int = 0
    rejected: list[tuple[str, int, str]] = field(default_factory=list)  # (file, line, reason)
    first: datetime | None = None
    last: datetime | None = None
    categories: Counter = field(default_factory=Counter)
    federal: int = 0
    out_of_state: int | None = None
    organizations: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)
    reason_forms: dict[str, Counter] = field(default_factory=dict)
    files: list[FileCount] = field(default_factory=list)
    zone: LocalZone = field(default_factory=lambda: state_zone(None))  # what times without a zone were read in

    def unread(self) -> list[str]:
        """Why each file from which no row was read gave none (an error, never an empty success)."""
        return [why for why in (f.unread() for f in self.files) if why]

    def top_reasons(self) -> list[list[object]]:
        """Reasons grouped ignoring case, spacing and "+" for space, shown as most often written."""
        return [[self.reason_forms[key].most_common(1)[0][0], count] for key, count in self.reasons.most_common(TOP)]

    def summary(self) -> dict[str, object]:
        return {
            "format": self.formats[0] if len(set(self.formats)) == 1 else "mixed: " + ", ".join(sorted(set(self.formats))),
            "rows": self.rows,
            "duplicates": self.duplicates,
            "rejected": len(self.rejected),
            "first_search": self.first.isoformat() if self.first else None,
            "last_search": self.last.isoformat() if self.last else None,
            "time_zone": self.zone.name,  # what times without a zone were read in; the two above are UTC
            "time_zone_source": self.zone.why,
            "categories": {name: self.categories.get(name, 0) for name in rules.CATEGORIES},
            "federal_searches": self.federal,
            "out_of_state_searches": self.out_of_state,
            "top_orgs": [[name, count] for name, count in self.organizations.most_common(TOP)],
            "top_reasons": self.top_reasons(),
            "rules_version": rules.VERSION,
            "files": [f.summary() for f in self.files],
        }


def reason_key(reason: str) -> str:
    return " ".join(reason.replace("+", " ").split()).casefold()


def analyze(paths: Iterable[Path], *, home_state: str | None = None, on_flag: OnFlag | None = None,
            column_map: dict[str, str] | None = None, zone: LocalZone | None = None) -> Analysis:
    """Reads every file (one release may span many monthly files, repeating rows across
    them) and counts as it goes. ``on_flag(path, row, flags)`` sees each flagged search:
    ``row`` holds the normalised columns and ``line``; ``flags`` is [[category, rule], ...].
    ``column_map`` reads files whose columns are not a known export (see formats.mapped_format).
    Times without a zone are read in ``zone``, by default the home state's (UTC without one).

    UTF-8 CSV searches are scanned whole by polars (scan.py); spreadsheets, PDFs, other
    encodings and sharing lists are read in batches (frames.py, parse.py)."""
    result = Analysis(out_of_state=0 if home_state else None, zone=zone or state_zone(home_state))
    local = result.zone.name
    fields = frozenset(ANALYSIS_FIELDS | ({"user", "case_number"} if on_flag else set()))
    flagger, scanned, batched, events = Flagger(), [], [], set()
    for path in paths:
        fmt = format_for(headers_of(path), column_map)
        result.formats.append(fmt.key)
        if fmt.kind == "sharing":
            with _tally(result, path, fmt):
                _count_relations(result, path)
        elif fmt.kind == "hotlist":
            with _tally(result, path, fmt):
                _count_hotlist(result, path, hotlist_rows(records(path, column_map)[1], local), events, on_flag)
        elif scan.scannable(path):
            scanned.append((path, scan.scan_file(path, fmt, headers_of(path), fields, local), _file(result, path, fmt)))
        else:
            batched.append((path, fmt))
    seen = _count_scanned(result, scanned, flagger, home_state, on_flag, keep_keys=bool(batched))
    for path, fmt in batched:
        with _tally(result, path, fmt):
            for batch in open_source(path, column_map, fields=fields, zone=local).batches:
                fresh = _unseen(result, _accepted(result, path, batch), seen)
                _count_pairs(result, _batch_pairs(fresh), home_state)
                if on_flag:
                    _report_flagged(fresh, path, on_flag)
    return result


def _file(result: Analysis, path: Path, fmt: Format) -> FileCount:
    result.files.append(FileCount(path.name, fmt.key))
    return result.files[-1]


@contextmanager
def _tally(result: Analysis, path: Path, fmt: Format) -> Iterator[FileCount]:
    """Counts what the file read within the block adds to the totals as that file's."""
    count = _file(result, path, fmt)
    rows, repeated, rejected = result.rows, result.duplicates, len(result.rejected)
    yield count
    count.rows, count.repeated = result.rows - rows, result.duplicates - repeated
    _note_rejected(count, result.rejected[rejected:])


def _note_rejected(count: FileCount, rejected: list[tuple[str, int, str]]) -> None:
    count.rejected = len(rejected)
    count.first_rejected = rejected[0][1:] if rejected else None


def _count_scanned(result: Analysis, scanned: list, flagger: Flagger, home_state: str | None, on_flag: OnFlag | None,
                   *, keep_keys: bool) -> set[int]:
    """Counts the scanned files together, so a row repeated across them counts once; returns
    the keys' hashes when batched files follow, to go on deduplicating against them."""
    if not scanned:
        return set()
    parts = []
    for number, (path, found, count) in enumerate(scanned):
        rejected = [(path.name, line, why) for line, why in scan.rejected(found.rows, result.zone.name).iter_rows()]
        result.rejected.extend(rejected)
        _note_rejected(count, rejected)
        rows = scan.with_lines(found.rows) if on_flag else found.rows
        parts.append(rows.with_columns(pl.lit(number, dtype=pl.UInt32).alias("__file"),
                                       *([pl.lit(str(path)).alias("__path")] if on_flag else [])))
    rows = pl.concat(parts, how="diagonal_relaxed")
    valid = rows["searched_at"].is_not_null()
    # Compared as 64-bit hashes, faster than the keys; rejected rows take no key's place.
    hashes = rows.select(pl.when(valid).then(pl.col("key").hash(seed=KEY_SEED)))["key"]
    rows = rows.with_columns((hashes.is_first_distinct() & valid).alias("__first"))
    result.duplicates += int(valid.sum()) - int(rows["__first"].sum())
    _count_each_file(rows.with_columns(valid.alias("__valid")), [count for _, _, count in scanned])
    counted = scan.pairs(rows, flagger)
    _count_pairs(result, counted, home_state)
    if on_flag:
        for row in scan.flagged_rows(rows, counted).iter_rows(named=True):
            on_flag(Path(row["__path"]), row, json.loads(row["flags"]))
    return set(hashes.drop_nulls().unique().to_list()) if keep_keys else set()


def _count_each_file(rows: pl.DataFrame, counts: list[FileCount]) -> None:
    per_file = rows.group_by("__file").agg(pl.col("__valid").sum(), pl.col("__first").sum())
    for number, valid, first in per_file.iter_rows():
        counts[number].rows, counts[number].repeated = int(first), int(valid) - int(first)


def _batch_pairs(batch: pl.DataFrame) -> pl.DataFrame:
    return batch.group_by("organization", "reason", "organization_state", "federal", "categories").agg(
        pl.len().alias("n"), pl.col("searched_at").min().alias("first"), pl.col("searched_at").max().alias("last"))


def _count_pairs(result: Analysis, counted: pl.DataFrame, home_state: str | None) -> None:
    """Adds searches counted per distinct (organization, reason) to the totals."""
    result.rows += int(counted["n"].sum())
    _span(result, counted["first"].min(), counted["last"].max())
    named = counted.filter(pl.col("organization") != "").group_by("organization").agg(pl.col("n").sum())
    result.organizations.update(dict(named.iter_rows()))
    for reason, n in counted.filter(pl.col("reason") != "").group_by("reason").agg(pl.col("n").sum()).iter_rows():
        _count_reason(result, reason, n)
    for category in rules.CATEGORIES:
        result.categories[category] += _sum_where(counted, pl.col("categories").str.contains(f",{category},", literal=True))
    result.federal += _sum_where(counted, pl.col("federal"))
    if home_state:
        state = pl.col("organization_state")
        result.out_of_state += _sum_where(counted, (state != "") & (state != home_state))


def _count_reason(result: Analysis, reason: str, n: int) -> None:
    key = reason_key(reason)
    result.reasons[key] += n
    result.reason_forms.setdefault(key, Counter())[reason] += n


def _sum_where(counted: pl.DataFrame, condition: pl.Expr) -> int:
    return int(counted.filter(condition)["n"].sum())


def _accepted(result: Analysis, path: Path, batch: pl.DataFrame) -> pl.DataFrame:
    rejected = batch.filter(pl.col("rejected").is_not_null()).select("line", "rejected")
    result.rejected.extend((path.name, line, reason) for line, reason in rejected.iter_rows())
    return batch.filter(pl.col("rejected").is_null())


def _unseen(result: Analysis, batch: pl.DataFrame, seen: set[int]) -> pl.DataFrame:
    """The rows not met before in this run. Keys are hashed to 64 bits to keep the set
    small; the hash is stable within the process, which is all a single run needs."""
    hashes = batch["key"].hash(seed=KEY_SEED)
    first = hashes.is_first_distinct()
    values = hashes.filter(first).to_list()
    if not seen.isdisjoint(values):  # rare: a row repeated from an earlier batch or file
        first = first & ~hashes.is_in(pl.Series(list(seen.intersection(values)), dtype=pl.UInt64).implode())
    seen.update(values)
    kept = batch.filter(first)
    result.duplicates += batch.height - kept.height
    return kept


def _span(result: Analysis, first: datetime | None, last: datetime | None) -> None:
    if first is not None:
        result.first = min(result.first or first, first)
        result.last = max(result.last or last, last)


def _report_flagged(batch: pl.DataFrame, path: Path, on_flag: OnFlag) -> None:
    for row in batch.filter(pl.col("categories") != "").iter_rows(named=True):
        on_flag(path, row, json.loads(row["flags"]))


def _count_relations(result: Analysis, path: Path) -> None:
    for item in relations(path):
        if isinstance(item, Rejected):
            result.rejected.append((path.name, item.line, item.reason))
        else:
            result.rows += 1
            result.organizations[item.organization] += 1


def _count_hotlist(result: Analysis, path: Path, events: Iterable[HotlistRow | Rejected], seen: set[str],
                   on_flag: OnFlag | None) -> None:
    """A hot-list log counted as the importer stores it: the reason under its label, the
    rules run on every detail but the plate, and an event released twice counted once."""
    for item in events:
        if isinstance(item, Rejected):
            result.rejected.append((path.name, item.line, item.reason))
        elif item.key in seen:
            result.duplicates += 1
        else:
            seen.add(item.key)
            _count_event(result, path, item, on_flag)


def _count_event(result: Analysis, path: Path, event: HotlistRow, on_flag: OnFlag | None) -> None:
    found = rules.reason_flags(flag_text(event))
    result.rows += 1
    _span(result, event.occurred_at, event.occurred_at)
    if event.reason:
        _count_reason(result, event.reason, 1)
    result.categories.update({category for category, _ in found})
    if on_flag and found:
        row = {"line": event.line, "searched_at": event.occurred_at, "organization": "", "user": event.user,
               "reason": event.reason, "case_number": ""}
        on_flag(path, row, [list(pair) for pair in found])
