"""Counts and flags over audit-log files without the database (the command line's
analysis), streamed batch by batch through the columnar reader of frames.py."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import groupby
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import polars as pl

from requests_app.auditlogs import rules
from requests_app.auditlogs import scan
from requests_app.auditlogs.csvblocks import CsvBlocks
from requests_app.auditlogs.formats import Format
from requests_app.auditlogs.frames import ANALYSIS_FIELDS, Flagger, open_source
from requests_app.auditlogs.hotlist import HotlistRow, flag_text, hotlist_rows
from requests_app.auditlogs.parse import (WHOLE, Part, Rejected, csv_encoding, headers_of, held_open, nothing_read,
                                          records, relations)
from requests_app.auditlogs.roster import user_rows
from requests_app.auditlogs.seen import SeenKeys
from requests_app.auditlogs.workbooks import Found, examine
from requests_app.auditlogs.sharing import Direction, Relation, partner_key
from requests_app.auditlogs.zones import LocalZone, state_zone

TOP = 10
KEY_SEED = 20261127  # any fixed seed: hashes are compared within one run only
OnFlag = Callable[[Path, dict, list[list[str]]], None]


@dataclass
class FileCount:
    """What one file (or one sheet of a workbook) gave: rows read, of which ``rows`` counted
    and ``repeated`` already met (in it or an earlier file), and rows rejected."""

    file: str
    format: str
    sheet: str | None = None
    kind: str = "search"
    rows: int = 0
    repeated: int = 0
    rejected: int = 0
    first_rejected: tuple[int, str] | None = None
    by_sheet: bool = False  # one of several sheets: named with its sheet in messages

    @property
    def label(self) -> str:
        return f"{self.file}, sheet {self.sheet!r}" if self.by_sheet else self.file

    def summary(self) -> dict[str, object]:
        return {"file": self.file, "sheet": self.sheet, "format": self.format, "kind": self.kind,
                "read": self.rows + self.repeated, "rows": self.rows, "repeated": self.repeated,
                "rejected": self.rejected}

    def unread(self) -> str | None:
        """Why no row of the file was read, or None when some were."""
        if self.rows or self.repeated:
            return None
        where = "sheet" if self.by_sheet else "file"
        return f"{self.label}: {nothing_read(self.rejected, self.first_rejected, where)}"


@dataclass
class Partners:
    """The organizations of the sharing releases read: each once, however often listed."""

    listed: bool = False  # a sharing release was read (so zero partners is a count, not a blank)
    seen: dict[str, Relation] = field(default_factory=dict)  # by name, ignoring case and spacing
    repeated: int = 0

    def add(self, relation: Relation) -> bool:
        """Counts the organization; False when it was listed before."""
        key = partner_key(relation.organization)
        if key in self.seen:
            self.repeated += 1
            return False
        self.seen[key] = relation
        return True

    def summary(self) -> dict[str, object]:
        """``organizations`` listed, how many federal, and how many each way the data flows;
        null where no sharing release was read."""
        if not self.listed:
            return {"organizations": None, "federal_partners": None, "partner_directions": None}
        directions = Counter(r.direction for r in self.seen.values())
        return {"organizations": len(self.seen), "federal_partners": sum(r.federal for r in self.seen.values()),
                "partner_directions": {name: directions.get(name, 0) for name in Direction.LABELS}}


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
    skipped_sheets: list[dict[str, str]] = field(default_factory=list)  # {file, sheet, why}: not an export
    users: int = 0  # accounts of user rosters, each once
    roles: Counter = field(default_factory=Counter)
    partners: Partners = field(default_factory=lambda: Partners())
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
            "skipped_sheets": self.skipped_sheets,
            "users": self.users,
            "roles": dict(self.roles.most_common()),
            **self.partners.summary(),
        }


def reason_key(reason: str) -> str:
    return " ".join(reason.replace("+", " ").split()).casefold()


def analyze(paths: Iterable[Path], *, home_state: str | None = None, on_flag: OnFlag | None = None,
            column_map: dict[str, str] | None = None, sheet: str | None = None,
            zone: LocalZone | None = None) -> Analysis:
    """Reads every file (one release may span many monthly files, repeating rows across
    them) and counts as it goes. ``on_flag(path, row, flags)`` sees each flagged search:
    ``row`` holds the normalised columns and ``line``; ``flags`` is [[category, rule], ...].
    ``column_map`` reads files whose columns are not a known export (see formats.mapped_format);
    every sheet of a workbook is examined and each recognised one read, or only ``sheet``.
    Times without a zone are read in ``zone``, by default the home state's (UTC without one).

    UTF-8 CSV searches are scanned by polars' streaming reader (scan.py); spreadsheets, PDFs,
    other encodings and sharing lists are read in batches (frames.py, parse.py). Either way
    the memory holds a batch, not the file (and 8 bytes a distinct search: seen.py)."""
    result = Analysis(out_of_state=0 if home_state else None, zone=zone or state_zone(home_state))
    local = result.zone.name
    fields = frozenset(ANALYSIS_FIELDS | ({"user", "case_number"} if on_flag else set()))
    flagger, scanned, batched, seen_small = Flagger(), [], [], {"hotlist": set(), "users": set()}
    for path in paths:
        with held_open(path):  # a workbook loaded once for its examination and small sheets
            layout = examine(path, column_map, sheet)
            result.skipped_sheets.extend({"file": path.name, "sheet": s.sheet, "why": s.why} for s in layout.skipped)
            for found in layout.found:
                result.formats.append(found.format.key)
                if found.format.kind in _SMALL:
                    _count_small(result, path, found, layout.is_workbook, seen_small, on_flag)
                elif found.part is WHOLE and scan.scannable(path) and (
                        read := _scan(path, found, fields, local)) is not None:
                    scanned.append((path, read, _file(result, path, found.format)))
                else:
                    batched.append((path, found, layout.is_workbook))
    seen = SeenKeys()
    _count_scanned(result, scanned, flagger, seen, home_state, on_flag)
    for path, parts in groupby(batched, key=lambda each: each[0]):
        with held_open(path):  # and once more for its searches, read after every CSV is scanned
            for _, found, by_sheet in parts:
                _count_batched(result, path, found, by_sheet, seen, fields, home_state, on_flag)
    return result


def _scan(path: Path, found: Found, fields: frozenset[str], zone: str) -> scan.Scanned | None:
    """The file's scan, or None when polars' reader cannot parse its first rows (a quote
    never closed): the block reader then reads it and says on which line it stops."""
    try:
        return scan.scan_file(path, found.format, headers_of(path), fields, zone)
    except pl.exceptions.ComputeError:
        return None


_SMALL = ("sharing", "hotlist", "users")  # kinds read row by row, as they come


def _count_small(result: Analysis, path: Path, found: Found, by_sheet: bool, seen: dict[str, set],
                 on_flag: OnFlag | None) -> None:
    fmt, part, mapping = found.format, found.part, found.column_map
    with _tally(result, path, fmt, part, by_sheet) as count:
        if fmt.kind == "sharing":
            _count_relations(result, count, relations(path, mapping, part))
            result.partners.listed = True
        elif fmt.kind == "hotlist":
            _count_hotlist(result, count, records(path, mapping, part)[1], seen["hotlist"], on_flag, path)
        else:
            _count_users(result, count, records(path, mapping, part)[1], seen["users"])


def _count_batched(result: Analysis, path: Path, found: Found, by_sheet: bool, seen: SeenKeys,
                   fields: frozenset[str], home_state: str | None, on_flag: OnFlag | None) -> None:
    with _tally(result, path, found.format, found.part, by_sheet) as count:
        for batch in open_source(path, found.column_map, fields=fields, part=found.part,
                                 zone=result.zone.name).batches:
            fresh = _unseen(result, _accepted(result, count.label, batch), seen)
            _count_pairs(result, _batch_pairs(fresh), home_state)
            if on_flag:
                _report_flagged(fresh, path, on_flag)


def _file(result: Analysis, path: Path, fmt: Format, part: Part = WHOLE, by_sheet: bool = False) -> FileCount:
    result.files.append(FileCount(path.name, fmt.key, part.sheet, fmt.kind, by_sheet=by_sheet))
    return result.files[-1]


@contextmanager
def _tally(result: Analysis, path: Path, fmt: Format, part: Part, by_sheet: bool) -> Iterator[FileCount]:
    """Counts what the file (or sheet) read within the block adds to the totals as its own;
    a roster's users are counted by _count_users, apart from the searches."""
    count = _file(result, path, fmt, part, by_sheet)
    rows, repeated, rejected = result.rows, result.duplicates, len(result.rejected)
    yield count
    count.rows, count.repeated = count.rows + result.rows - rows, count.repeated + result.duplicates - repeated
    _note_rejected(count, result.rejected[rejected:])


def _note_rejected(count: FileCount, rejected: list[tuple[str, int, str]]) -> None:
    count.rejected = len(rejected)
    count.first_rejected = rejected[0][1:] if rejected else None


def _count_scanned(result: Analysis, scanned: list, flagger: Flagger, seen: SeenKeys, home_state: str | None,
                   on_flag: OnFlag | None) -> None:
    """Counts the scanned files one after the other, batch by batch, so a row repeated in
    them (in a later batch or file) counts once."""
    for path, found, count in scanned:
        rejected: list[tuple[str, int, str]] = []
        for rows in _scanned_batches(path, found):
            rejected += [(path.name, line, why) for line, why in scan.rejected(rows, result.zone.name).iter_rows()]
            rows = _mark_first(rows, seen, count)
            counted = scan.pairs(rows, flagger)
            _count_pairs(result, counted, home_state)
            if on_flag:
                for row in scan.flagged_rows(rows, counted).iter_rows(named=True):
                    on_flag(path, row, json.loads(row["flags"]))
        result.duplicates += count.repeated
        result.rejected.extend(rejected)
        _note_rejected(count, rejected)


def _mark_first(rows: pl.DataFrame, seen: SeenKeys, count: FileCount) -> pl.DataFrame:
    """The rows with ``__first``, true for each search not met before in the run; counted in
    the file's tally."""
    valid = rows["searched_at"].is_not_null()
    # Compared as 64-bit hashes, faster than the keys; rejected rows take no key's place.
    first = seen.first(rows.select(pl.when(valid).then(pl.col("key").hash(seed=KEY_SEED)))["key"])
    counted = int(first.sum())
    count.rows, count.repeated = count.rows + counted, count.repeated + int(valid.sum()) - counted
    return rows.with_columns(first.alias("__first"))


def _scanned_batches(path: Path, found: scan.Scanned) -> Iterator[pl.DataFrame]:
    """The scan's batches; where polars' reader cannot parse the file (a quote never closed),
    the block reader's account of the line it stops on (or polars' own, should it read on)."""
    try:
        yield from found.batches()
    except pl.exceptions.ComputeError as exc:
        for _ in CsvBlocks(path, len(headers_of(path)), csv_encoding(path)).frames([0]):
            pass  # raises ValueError naming the line
        raise ValueError(f"{path.name}: the CSV cannot be read: {str(exc).splitlines()[0][:200]}") from None


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


def _accepted(result: Analysis, label: str, batch: pl.DataFrame) -> pl.DataFrame:
    rejected = batch.filter(pl.col("rejected").is_not_null()).select("line", "rejected")
    result.rejected.extend((label, line, reason) for line, reason in rejected.iter_rows())
    return batch.filter(pl.col("rejected").is_null())


def _unseen(result: Analysis, batch: pl.DataFrame, seen: SeenKeys) -> pl.DataFrame:
    """The rows not met before in this run. Keys are hashed to 64 bits to keep them small;
    the hash is stable within the process, which is all a single run needs."""
    kept = batch.filter(seen.first(batch["key"].hash(seed=KEY_SEED)))
    result.duplicates += batch.height - kept.height
    return kept


def _span(result: Analysis, first: datetime | None, last: datetime | None) -> None:
    if first is not None:
        result.first = min(result.first or first, first)
        result.last = max(result.last or last, last)


def _report_flagged(batch: pl.DataFrame, path: Path, on_flag: OnFlag) -> None:
    for row in batch.filter(pl.col("categories") != "").iter_rows(named=True):
        on_flag(path, row, json.loads(row["flags"]))


def _count_relations(result: Analysis, count: FileCount, items: Iterable) -> None:
    """A sharing release counted by organization listed (an organization listed again, in
    the file or an earlier one, counts once), each with the way its data flows."""
    for item in items:
        if isinstance(item, Rejected):
            result.rejected.append((count.label, item.line, item.reason))
        elif result.partners.add(item):
            result.rows += 1
        else:
            result.duplicates += 1


def _count_users(result: Analysis, count: FileCount, items: Iterable, seen: set[str]) -> None:
    """A roster's accounts, each once (by email, else name), and their roles."""
    for item in user_rows(items, result.zone.name):
        if isinstance(item, Rejected):
            result.rejected.append((count.label, item.line, item.reason))
        elif item.key in seen:
            count.repeated += 1
        else:
            seen.add(item.key)
            count.rows += 1
            result.users += 1
            result.roles[item.role or "(no role)"] += 1


def _count_hotlist(result: Analysis, count: FileCount, items: Iterable, seen: set[str], on_flag: OnFlag | None,
                   path: Path) -> None:
    """A hot-list log counted as the importer stores it: the reason under its label, the
    rules run on every detail but the plate, and an event released twice counted once."""
    for item in hotlist_rows(items, result.zone.name):
        if isinstance(item, Rejected):
            result.rejected.append((count.label, item.line, item.reason))
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
