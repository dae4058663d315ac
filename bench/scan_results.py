"""Results of bench/deadlines.py: what a worker process measures, and the report the
parent prints from them, judged against the issue's targets (kept apart from the measuring
so each file stays short)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

# Targets (issue 18): every scan under 3 s, with at most 20 queries plus one UPDATE per
# batch of ids it claims; the next days' scans making as many queries at N requests as at the
# baseline (+2), beyond those UPDATEs; sending as many queries per reminder at N requests as
# at the baseline.
SECONDS_TARGET = 3.0
QUERIES_TARGET = 20
GROWTH_ALLOWED = 2
SEND_GROWTH_ALLOWED = 1.05  # queries per reminder sent, at N over the baseline's
BASELINE_SHARE = 10  # the baseline has N / BASELINE_SHARE open requests
SCAN_DAYS = 3
SCAN_HOUR = 9
SCAN_LABELS = ("catch-up", "day 2", "day 3")
STEADY = SCAN_LABELS[1:]
RUNS = 3  # each size's days are run this many times from the same start; medians are reported


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
    run: int
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
class Send:
    """Claimed reminders sent as a worker sends them, a message's batch at a time."""

    requests: int
    run: int
    batches: int
    reminders: int  # claimed and handed to send_reminders
    sent: int  # recorded (the rest were replaced by a later reminder, and skipped)
    emails: int
    queries: int
    seconds: float
    slowest: list[tuple[int, float, str]]


@dataclass
class WorkerResult:
    database: str
    server: str
    migrate_seconds: float
    agencies: int
    claim_batch: int  # ids per claiming UPDATE on this database
    seedings: list[Seeding] = field(default_factory=list)
    scans: list[Scan] = field(default_factory=list)
    sends: list[Send] = field(default_factory=list)


def worker_result_from(data: dict[str, Any]) -> WorkerResult:
    def groups(rows: list[list[Any]]) -> list[tuple[int, float, str]]:
        return [(int(calls), float(seconds), str(text)) for calls, seconds, text in rows]

    return WorkerResult(
        database=data["database"], server=data["server"], migrate_seconds=data["migrate_seconds"],
        agencies=data["agencies"], claim_batch=data["claim_batch"],
        seedings=[Seeding(**{**s, "repeated": groups(s["repeated"])}) for s in data["seedings"]],
        scans=[Scan(**{**s, "slowest": groups(s["slowest"])}) for s in data["scans"]],
        sends=[Send(**{**s, "slowest": groups(s["slowest"])}) for s in data["sends"]],
    )


# Medians ------------------------------------------------------------------------------


def median_of(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


@dataclass
class Median:
    """One scan (or send) at one size, as the median of its runs."""

    requests: int
    label: str
    runs: int
    claimed: int
    queries: float
    seconds: float
    spread: tuple[float, float]  # fastest and slowest run, seconds


def scan_medians(result: WorkerResult) -> list[Median]:
    medians = []
    for requests in sizes(result):
        for label in SCAN_LABELS:
            runs = [s for s in result.scans if s.requests == requests and s.label == label]
            seconds = [s.seconds for s in runs]
            medians.append(Median(requests, label, len(runs), int(median_of([s.claimed for s in runs])),
                                  median_of([s.queries for s in runs]), median_of(seconds),
                                  (min(seconds), max(seconds))))
    return medians


def send_medians(result: WorkerResult) -> list[Median]:
    """Per reminder handed to the workers: seconds and queries."""
    medians = []
    for requests in sizes(result):
        runs = [s for s in result.sends if s.requests == requests and s.reminders]
        per_reminder = [s.seconds / s.reminders for s in runs]
        medians.append(Median(requests, "send", len(runs), int(median_of([s.reminders for s in runs])),
                              median_of([s.queries / s.reminders for s in runs]), median_of(per_reminder),
                              (min(per_reminder, default=math.nan), max(per_reminder, default=math.nan))))
    return medians


def sizes(result: WorkerResult) -> list[int]:
    return sorted({s.requests for s in result.scans})


# Verdicts -----------------------------------------------------------------------------


@dataclass
class Verdict:
    met: bool
    text: str

    def __str__(self) -> str:
        return f"{'met    ' if self.met else 'NOT MET'} {self.text}"


def query_allowance(claimed: int, claim_batch: int) -> int:
    """At most QUERIES_TARGET, plus one UPDATE per batch of ids the scan claims."""
    return QUERIES_TARGET + math.ceil(claimed / claim_batch)


def scan_verdicts(result: WorkerResult) -> list[Verdict]:
    verdicts = []
    for m in scan_medians(result):
        allowed = query_allowance(m.claimed, result.claim_batch)
        verdicts.append(Verdict(
            m.seconds < SECONDS_TARGET and m.queries <= allowed,
            f"{m.label} scan at {m.requests:,} requests: {m.seconds:.2f} s (under {SECONDS_TARGET:g} s), "
            f"{m.queries:g} queries (at most {allowed}: {QUERIES_TARGET} + {m.claimed:,} claimed "
            f"/ {result.claim_batch:,} a claiming UPDATE)"))
    return verdicts


def growth_verdicts(result: WorkerResult) -> list[Verdict]:
    """The next days' queries, beyond one UPDATE per batch of ids claimed (a day's due
    reminders grow with the requests), and sending's queries per reminder, at N requests
    against the baseline."""
    medians = scan_medians(result)
    small, large = sizes(result)[0], sizes(result)[-1]
    fixed = lambda m: m.queries - math.ceil(m.claimed / result.claim_batch)  # noqa: E731
    steady = lambda requests: [m for m in medians if m.requests == requests and m.label in STEADY]  # noqa: E731
    listed: Callable[[int], str] = lambda requests: ", ".join(  # noqa: E731
        f"{m.label} {fixed(m):g}" for m in steady(requests))
    sends = {m.requests: m for m in send_medians(result)}
    most = max(fixed(m) for m in steady(small)) + GROWTH_ALLOWED
    per_reminder = sends[small].queries * SEND_GROWTH_ALLOWED
    return [
        Verdict(all(fixed(m) <= most for m in steady(large)),
                f"next days' queries, beyond the claiming UPDATEs, do not grow with requests: {small:,} requests "
                f"{listed(small)}; {large:,} requests {listed(large)} (allowed: baseline +{GROWTH_ALLOWED})"),
        Verdict(sends[large].queries <= per_reminder,
                f"sending's queries per reminder do not grow with requests: {sends[small].queries:.2f} at "
                f"{small:,} requests, {sends[large].queries:.2f} at {large:,} "
                f"(allowed: baseline x{SEND_GROWTH_ALLOWED:g})"),
    ]


def verdicts(result: WorkerResult) -> list[Verdict]:
    return scan_verdicts(result) + growth_verdicts(result)


# Report ------------------------------------------------------------------------------


def framed(header: str, rows: list[str]) -> list[str]:
    return [header, "-" * len(header), *rows]


def table(results: Sequence[WorkerResult]) -> list[str]:
    return framed(
        f"{'database':<10} {'requests':>9} {'scan':<9} {'runs':>4} {'claimed':>8} {'queries':>8} "
        f"{'seconds':>8} {'fastest-slowest':>16}",
        [f"{r.database:<10} {m.requests:>9,} {m.label:<9} {m.runs:>4} {m.claimed:>8,} {m.queries:>8g} "
         f"{m.seconds:>8.3f} {m.spread[0]:>7.3f}-{m.spread[1]:<8.3f}" for r in results for m in scan_medians(r)])


def send_table(results: Sequence[WorkerResult]) -> list[str]:
    ms = 1000
    return framed(
        f"{'database':<10} {'requests':>9} {'runs':>4} {'reminders':>9} {'queries/reminder':>16} "
        f"{'ms/reminder':>11} {'fastest-slowest':>16}",
        [f"{r.database:<10} {m.requests:>9,} {m.runs:>4} {m.claimed:>9,} {m.queries:>16.2f} {m.seconds * ms:>11.2f} "
         f"{m.spread[0] * ms:>7.2f}-{m.spread[1] * ms:<8.2f}" for r in results for m in send_medians(r)])


def details(result: WorkerResult) -> list[str]:
    lines = [f"{result.database} ({result.server}), {result.agencies} agencies, migrated in "
             f"{result.migrate_seconds:.1f} s, {result.claim_batch:,} ids per claiming UPDATE"]
    for s in result.seedings:
        per_request = s.queries / s.added if s.added else 0.0
        lines.append(f"  seeding to {s.requests:,} requests: {s.added:,} added in {s.seconds:.1f} s, "
                     f"{s.queries:,} queries ({per_request:.2f} per request added); "
                     f"{s.open_requests:,} open, {s.pending_reminders:,} pending reminders")
        lines += [f"    {calls:>8,} x {seconds:7.2f} s  {text}" for calls, seconds, text in s.repeated]
    large, last = sizes(result)[-1], RUNS - 1
    for s in result.scans:
        if s.requests == large and s.run == last:
            lines.append(f"  slowest statements, {s.label} scan at {large:,} requests, last run ({s.seconds:.3f} s):")
            lines += [f"    {calls:>3} x {seconds:7.3f} s  {text}" for calls, seconds, text in s.slowest]
    for s in result.sends:
        if s.requests == large and s.run == last:
            lines.append(f"  slowest statements, sending {s.reminders:,} reminders in {s.batches} batches "
                         f"({s.sent:,} sent, {s.emails:,} emails, {s.queries:,} queries, {s.seconds:.3f} s):")
            lines += [f"    {calls:>5} x {seconds:7.3f} s  {text}" for calls, seconds, text in s.slowest]
    return lines + [str(v) for v in verdicts(result)]


def all_met(outcomes: dict[str, WorkerResult | str]) -> bool:
    return all(v.met for o in outcomes.values() if isinstance(o, WorkerResult) for v in verdicts(o))


def report(requests: int, outcomes: dict[str, WorkerResult | str], total_seconds: float) -> str:
    results = [o for o in outcomes.values() if isinstance(o, WorkerResult)]
    lines = [f"reminder scan with {requests:,} open demo requests (baseline {max(requests // BASELINE_SHARE, 1):,}), "
             f"send_inline=False, {SCAN_HOUR:02d}:00 on {SCAN_DAYS} consecutive days, medians of {RUNS} runs"]
    if results:
        lines += table(results) + ["", "sending the claimed reminders, per reminder (medians of the runs):"]
        lines += send_table(results)
    for database, outcome in outcomes.items():
        lines.append("")
        lines += details(outcome) if isinstance(outcome, WorkerResult) else [f"{database}: {outcome}"]
    lines += ["", f"total run time {total_seconds:.0f} s (including setup and seeding)"]
    return "\n".join(lines)
