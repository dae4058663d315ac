"""Results of bench/deadlines.py: what a worker process measures, and the report the
parent prints from them (kept apart from the measuring so each file stays short)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

SECONDS_TARGET = 3.0
QUERIES_TARGET = 20
GROWTH_ALLOWED = 2
BASELINE_SHARE = 10  # the baseline has N / BASELINE_SHARE open requests
SCAN_DAYS = 3
SCAN_HOUR = 9
SCAN_LABELS = ("catch-up", "day 2", "day 3")
STEADY = SCAN_LABELS[1:]


@dataclass
class Seeding:
    requests: int
    added: int
    seconds: float
    queries: int
    open_requests: int
    pending_reminders: int
    repeated: list[tuple[int, float, str]]


@dataclass
class Scan:
    requests: int
    label: str
    now: str
    created: int
    skipped: int
    claimed: int
    enqueued: int
    queries: int
    seconds: float
    slowest: list[tuple[int, float, str]]


@dataclass
class WorkerResult:
    database: str
    server: str
    migrate_seconds: float
    agencies: int
    seedings: list[Seeding] = field(default_factory=list)
    scans: list[Scan] = field(default_factory=list)


def worker_result_from(data: dict[str, Any]) -> WorkerResult:
    def groups(rows: list[list[Any]]) -> list[tuple[int, float, str]]:
        return [(int(calls), float(seconds), str(text)) for calls, seconds, text in rows]

    return WorkerResult(
        database=data["database"], server=data["server"], migrate_seconds=data["migrate_seconds"],
        agencies=data["agencies"],
        seedings=[Seeding(**{**s, "repeated": groups(s["repeated"])}) for s in data["seedings"]],
        scans=[Scan(**{**s, "slowest": groups(s["slowest"])}) for s in data["scans"]],
    )


# Report ------------------------------------------------------------------------------


def verdict(ok: bool, text: str) -> str:
    return f"{'PASS' if ok else 'MISS'} {text}"


def steady_scans(result: WorkerResult, requests: int) -> list[Scan]:
    return [s for s in result.scans if s.requests == requests and s.label in STEADY]


def verdicts(result: WorkerResult) -> list[str]:
    sizes = sorted({s.requests for s in result.scans})
    small, large = steady_scans(result, sizes[0]), steady_scans(result, sizes[-1])
    small_queries = max(s.queries for s in small)
    large_queries = max(s.queries for s in large)
    slowest = max(s.seconds for s in large)
    per_scan = lambda scans, fmt: ", ".join(f"{s.label} {fmt(s)}" for s in scans)  # noqa: E731
    return [
        verdict(large_queries <= small_queries + GROWTH_ALLOWED,
                f"query count does not grow with requests: {sizes[0]:,} requests "
                f"{per_scan(small, lambda s: s.queries)}; {sizes[-1]:,} requests "
                f"{per_scan(large, lambda s: s.queries)} (allowed: baseline +{GROWTH_ALLOWED})"),
        verdict(slowest < SECONDS_TARGET,
                f"scan under {SECONDS_TARGET:g} s at {sizes[-1]:,} requests: "
                f"{per_scan(large, lambda s: f'{s.seconds:.2f} s')}"),
        verdict(large_queries <= QUERIES_TARGET,
                f"at most {QUERIES_TARGET} queries at {sizes[-1]:,} requests: {per_scan(large, lambda s: s.queries)}"),
    ]


def table(results: Sequence[WorkerResult]) -> list[str]:
    header = (f"{'database':<10} {'requests':>9} {'scan':<9} {'as of':<16} {'created':>7} {'skipped':>7} "
              f"{'claimed':>7} {'queries':>7} {'seconds':>8}")
    lines = [header, "-" * len(header)]
    for result in results:
        for s in result.scans:
            lines.append(f"{result.database:<10} {s.requests:>9,} {s.label:<9} {s.now:<16} {s.created:>7,} "
                         f"{s.skipped:>7,} {s.claimed:>7,} {s.queries:>7} {s.seconds:>8.3f}")
    return lines


def details(result: WorkerResult) -> list[str]:
    lines = [f"{result.database} ({result.server}), {result.agencies} agencies, migrated in {result.migrate_seconds:.1f} s"]
    for s in result.seedings:
        per_request = s.queries / s.added if s.added else 0.0
        lines.append(f"  seeding to {s.requests:,} requests: {s.added:,} added in {s.seconds:.1f} s, "
                     f"{s.queries:,} queries ({per_request:.2f} per request added); "
                     f"{s.open_requests:,} open, {s.pending_reminders:,} pending reminders")
        lines += [f"    {calls:>8,} x {seconds:7.2f} s  {text}" for calls, seconds, text in s.repeated]
    large = max(s.requests for s in result.scans)
    for s in result.scans:
        if s.requests == large:
            lines.append(f"  slowest statements, {s.label} scan at {large:,} requests ({s.seconds:.3f} s):")
            lines += [f"    {calls:>3} x {seconds:7.3f} s  {text}" for calls, seconds, text in s.slowest]
    return lines + verdicts(result)


def report(requests: int, outcomes: dict[str, WorkerResult | str], total_seconds: float) -> str:
    results = [o for o in outcomes.values() if isinstance(o, WorkerResult)]
    lines = [f"reminder scan with {requests:,} open demo requests (baseline {max(requests // BASELINE_SHARE, 1):,}), "
             f"send_inline=False, {SCAN_HOUR:02d}:00 on {SCAN_DAYS} consecutive days"]
    if results:
        lines += table(results)
    for database, outcome in outcomes.items():
        lines.append("")
        lines += details(outcome) if isinstance(outcome, WorkerResult) else [f"{database}: {outcome}"]
    lines += ["", f"total run time {total_seconds:.0f} s (including setup and seeding)"]
    return "\n".join(lines)
