"""The targets of bench/pages.py and its report: a table per database, each page met or NOT MET."""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass

from bench.page_clients import DETAIL, LIST_PAGES, PICKER_PAGES, SEARCHES

# Targets -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    p95_ms: float
    median_ms: float | None = None
    max_bytes: int | None = None

    def met(self, median: float, p95: float, size: int) -> bool:
        return (p95 < self.p95_ms and (self.median_ms is None or median < self.median_ms)
                and (self.max_bytes is None or size < self.max_bytes))

    def __str__(self) -> str:
        parts = [f"median < {self.median_ms:.0f}"] if self.median_ms else []
        parts.append(f"p95 < {self.p95_ms:.0f}")
        if self.max_bytes:
            parts.append(f"< {self.max_bytes // 1000} KB")
        return ", ".join(parts)


BUSY_PAGE = Target(median_ms=150, p95_ms=300)
PICKER_PAGE = Target(p95_ms=300, max_bytes=150_000)
PICKER_SEARCH = Target(p95_ms=300)


def target_of(name: str) -> Target:
    if name in dict(SEARCHES):
        return PICKER_SEARCH
    return PICKER_PAGE if name in dict(PICKER_PAGES) else BUSY_PAGE


def page_names() -> list[str]:
    return [n for n, _ in LIST_PAGES] + [DETAIL] + [n for n, _ in PICKER_PAGES + SEARCHES]


# Report ------------------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * share) - 1)] if ordered else float("nan")


def query_range(counts: Sequence[int]) -> str:
    return "–".join(str(n) for n in sorted({min(counts, default=0), max(counts, default=0)}))


def report_database(result: dict | str, database: str, args: argparse.Namespace) -> tuple[list[str], bool]:
    """The database's table and whether every target was met."""
    if isinstance(result, str):
        return [f"{database}: {result}"], False
    summary = result["summary"]
    lines = [f"{summary['server']}: {summary['requests']:,} demo requests at {summary['agencies']:,} agencies of a "
             f"directory of {summary['directory']:,}; "
             + ", ".join(f"{name} {n:,}" for name, n in summary["others"].items()),
             "  by status: " + ", ".join(f"{status} {n:,}" for status, n in
                                        sorted(summary["by_status"].items(), key=lambda item: -item[1])),
             f"  gunicorn, {args.workers} sync workers, DEBUG off; {args.clients} concurrent clients, {args.rounds} "
             f"rounds each after {args.warm_up} warm-up rounds; {result['elapsed']:.1f} s; load average after the "
             f"run {', '.join(f'{n:.1f}' for n in result['load'])}",
             f"{'page':<31} {'n':>5} {'median':>7} {'p95':>6} {'max':>6} {'KB':>6} "
             f"{'queries at ' + format(args.check_at, ','):>17} {'at ' + format(args.requests, ','):>9} "
             f"{'SQL ms':>7}  target"]
    verdicts = []
    timings, small, large = result["timings"], result["queries_small"], result["queries"]
    for name in page_names():
        seconds = [s * 1000 for s in timings["seconds"].get(name, [])]
        median, p95, size = percentile(seconds, 0.5), percentile(seconds, 0.95), timings["sizes"].get(name, 0)
        before, after = small.get(name, {}).get("queries", []), large.get(name, {}).get("queries", [])
        target = target_of(name)
        met, same = target.met(median, p95, size), before == after
        verdicts += [met, same]
        lines.append(f"{name:<31} {len(seconds):>5} {median:>7.0f} {p95:>6.0f} {max(seconds, default=0):>6.0f} "
                     f"{size / 1000:>6.1f} {query_range(before):>17} {query_range(after):>9} "
                     f"{max(large.get(name, {}).get('sql_ms', [0])):>7.1f}  {target}: {'met' if met else 'NOT MET'}; "
                     f"queries {'equal' if same else 'NOT EQUAL'}")
    lines.append(f"times in ms; KB: the largest reply; queries and SQL ms from one in-process fetch (request "
                 f"pages: the range and the highest over the same {len(large.get(DETAIL, {}).get('queries', []))} "
                 f"requests of different statuses at both sizes)")
    lines += ["slowest statement per page (in process, at the full size):"]
    lines += [f"  {name}: {f['slowest'][0]:.1f} ms  {f['slowest'][1]}" for name, f in large.items()]
    if timings["errors"]:
        lines += [f"{len(timings['errors'])} failed fetches, e.g. {timings['errors'][:3]}"]
    return lines, all(verdicts) and not timings["errors"]


def report(outcomes: dict[str, dict | str], args: argparse.Namespace) -> str:
    lines = [f"Pages under gunicorn; machine: {os.cpu_count()} CPUs shared by the server, the database and the "
             "clients"]
    verdicts = []
    for database, result in outcomes.items():
        table, met = report_database(result, database, args)
        lines += ["", *table]
        verdicts.append(met)
    lines += ["", f"{'PASS' if all(verdicts) else 'MISS'}: every page within its target and its queries the same "
                  f"at {args.check_at:,} and {args.requests:,} requests, on {', '.join(outcomes)}"]
    return "\n".join(lines)
