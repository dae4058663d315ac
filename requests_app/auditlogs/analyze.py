"""Counts and flags over audit-log files without the database (the command line's
analysis), streamed batch by batch through the columnar reader of frames.py."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import polars as pl

from requests_app.auditlogs import rules
from requests_app.auditlogs.frames import ANALYSIS_FIELDS, open_source
from requests_app.auditlogs.parse import Rejected, format_for, headers_of, relations

TOP = 10
OnFlag = Callable[[Path, dict, list[list[str]]], None]


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
            "categories": {name: self.categories.get(name, 0) for name in rules.CATEGORIES},
            "federal_searches": self.federal,
            "out_of_state_searches": self.out_of_state,
            "top_orgs": [[name, count] for name, count in self.organizations.most_common(TOP)],
            "top_reasons": self.top_reasons(),
            "rules_version": rules.VERSION,
        }


def reason_key(reason: str) -> str:
    return " ".join(reason.replace("+", " ").split()).casefold()


def analyze(paths: Iterable[Path], *, home_state: str | None = None, on_flag: OnFlag | None = None) -> Analysis:
    """Reads every file (one release may span many monthly files, repeating rows across
    them) and counts as it goes. ``on_flag(path, row, flags)`` sees each flagged search:
    ``row`` holds the normalised columns and ``line``; ``flags`` is [[category, rule], ...]."""
    result = Analysis(out_of_state=0 if home_state else None)
    seen: set[int] = set()
    for path in paths:
        fmt = format_for(headers_of(path))
        result.formats.append(fmt.key)
        if fmt.kind == "sharing":
            _count_relations(result, path)
            continue
        fields = ANALYSIS_FIELDS | ({"user", "case_number"} if on_flag else set())
        for batch in open_source(path, fields=frozenset(fields)).batches:
            fresh = _unseen(result, _accepted(result, path, batch), seen)
            _count(result, fresh, home_state)
            if on_flag:
                _report_flagged(fresh, path, on_flag)
    return result


def _accepted(result: Analysis, path: Path, batch: pl.DataFrame) -> pl.DataFrame:
    rejected = batch.filter(pl.col("rejected").is_not_null()).select("line", "rejected")
    result.rejected.extend((path.name, line, reason) for line, reason in rejected.iter_rows())
    return batch.filter(pl.col("rejected").is_null())


def _unseen(result: Analysis, batch: pl.DataFrame, seen: set[int]) -> pl.DataFrame:
    """The rows not met before in this run. Keys are hashed to 64 bits to keep the set
    small; the hash is stable within the process, which is all a single run needs."""
    hashes = batch["key"].hash(seed=20261127)
    first = hashes.is_first_distinct()
    values = hashes.filter(first).to_list()
    if not seen.isdisjoint(values):  # rare: a row repeated from an earlier batch or file
        first = first & ~hashes.is_in(pl.Series(list(seen.intersection(values)), dtype=pl.UInt64).implode())
    seen.update(values)
    kept = batch.filter(first)
    result.duplicates += batch.height - kept.height
    return kept


def _count(result: Analysis, batch: pl.DataFrame, home_state: str | None) -> None:
    result.rows += batch.height
    _span(result, batch["searched_at"])
    result.organizations.update(dict(batch.filter(pl.col("organization") != "")["organization"].value_counts().iter_rows()))
    for reason, n in batch.filter(pl.col("reason") != "")["reason"].value_counts().iter_rows():
        key = reason_key(reason)
        result.reasons[key] += n
        result.reason_forms.setdefault(key, Counter())[reason] += n
    for category in rules.CATEGORIES:
        result.categories[category] += int(batch["categories"].str.contains(f",{category},", literal=True).sum())
    result.federal += int(batch["federal"].sum())
    if home_state:
        states = batch["organization_state"]
        result.out_of_state += int(((states != "") & (states != home_state)).sum())


def _span(result: Analysis, times: pl.Series) -> None:
    first, last = times.min(), times.max()
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
