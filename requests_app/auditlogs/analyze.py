"""Counts and flags over audit-log files, streamed: the same analysis for the command line
(no database) and, later, for imports."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from requests_app.auditlogs import rules
from requests_app.auditlogs.parse import Event, Rejected, Relation, read, state_of

TOP = 10


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


def flags_of(event: Event, extra: tuple[rules.Rule, ...] = ()) -> list[tuple[str, str]]:
    found = rules.reason_flags(event.reason, extra)
    if rules.is_federal(event.organization):
        found.append(("federal", "federal searching organization"))
    return found


def analyze(paths: Iterable[Path], *, home_state: str | None = None,
            on_flag: Callable[[Path, Event, list[tuple[str, str]]], None] | None = None) -> Analysis:
    """Reads every file (one release may span many monthly files) and counts as it goes."""
    result = Analysis(out_of_state=0 if home_state else None)
    seen: set[bytes] = set()
    for path in paths:
        fmt, events = read(path)
        result.formats.append(fmt.key)
        for item in events:
            if isinstance(item, Rejected):
                result.rejected.append((path.name, item.line, item.reason))
                continue
            if isinstance(item, Relation):
                result.rows += 1
                result.organizations[item.organization] += 1
                continue
            digest = hashlib.blake2b(item.key.encode(), digest_size=10).digest()
            if digest in seen:
                result.duplicates += 1
                continue
            seen.add(digest)
            _count(result, item, home_state, path, on_flag)
    return result


def _count(result: Analysis, event: Event, home_state: str | None, path: Path, on_flag) -> None:
    result.rows += 1
    if event.searched_at:
        result.first = min(result.first or event.searched_at, event.searched_at)
        result.last = max(result.last or event.searched_at, event.searched_at)
    if event.organization:
        result.organizations[event.organization] += 1
    if event.reason:
        key = reason_key(event.reason)
        result.reasons[key] += 1
        result.reason_forms.setdefault(key, Counter())[event.reason] += 1
    found = flags_of(event)
    for category in {category for category, _ in found}:
        result.categories[category] += 1
    if any(category == "federal" for category, _ in found):
        result.federal += 1
    state = state_of(event.organization)
    if home_state and state and state != home_state:
        result.out_of_state += 1
    if found and on_flag:
        on_flag(path, event, found)
