"""Writes a realistic synthetic Flock Network Audit, for benchmarks and load tests.

    python bench/make_audit_log.py 1000000 -o /tmp/network-audit.csv
    python bench/make_audit_log.py 300000 --monthly /tmp/release/

It has every quirk of released exports (see DESIGN.md, "Flock export formats"): the 14
columns as released, Time Frame cells holding start and end on two lines, timestamps like
``01/31/2022, 11:26:24 PM UTC``, ``***`` redactions (names and plates blanked, as network
audits are since December 2025), repeated rows (about 1 in 50), dropdown reasons beside
free text, the false-positive traps ("Drugs/Narcotics - HSI", "ice" as slang), federal and
out-of-state searchers, and a few rows with an unreadable time (about 1 in 20,000), which
must be counted as rejected. ``--monthly`` writes one file per month named as agencies
name them (``M_D_YYYY-M_D_YYYY-<Org>-Network-Audit.csv``). Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

HEADERS = ["ID", "Name", "Org Name", "Total Networks Searched", "Total Devices Searched", "Time Frame",
           "License Plate", "Reason", "Case #", "Filters", "Search Time", "Search Type", "Text Prompt", "Moderation"]

# (reason, weight): dropdown values dominate since mid-2025; a few flagged and trap reasons.
REASONS = [
    ("Property Crime", 30), ("Other - Not Applicable", 14), ("UUV", 10), ("Stolen Vehicle", 9),
    ("investigation", 8), ("Person Crime", 6), ("Missing Person", 3), ("Narcotics", 3), ("Fraud", 2),
    ("Hit and run", 2), ("Drugs/Narcotics - HSI", 1), ("suspect selling ice", 1), ("ICE detainer", 1),
    ("immigration", 1), ("assist HSI", 1), ("Border Patrol request", 0.5), ("protest", 0.3),
    ("No Kings rally", 0.2), ("abortion investigation", 0.05), ("custody dispute", 0.2), ("my car", 0.05),
    ("Immigration (ICE/ERO)", 0.3), ("warrant service", 2), ("wanted person", 2),
]
# (organization, weight): the agency's own state (OR) mostly, then neighbours and far states.
ORGS = [
    ("Eugene PD OR", 30), ("Springfield PD OR", 12), ("Lane County SO OR", 10), ("Salem PD OR", 6),
    ("Portland PB OR", 4), ("Vancouver PD WA", 3), ("Boise PD ID", 2), ("Okaloosa County FL SO", 2),
    ("Harris County TX SO", 2), ("Cobb County GA PD", 1), ("Plymouth PD IN", 1), ("Bakersfield PD CA", 1),
    ("[Federal] Department of Homeland Security", 0.5), ("[Federal] Federal Bureau of Investigation", 0.3),
    ("Texas DPS", 1), ("Phoenix PD AZ", 1),
]
SEARCH_TYPES = [("search", 40), ("lookup", 20), ("search - Mobile", 10), ("lookup - Mobile", 5), ("convoy", 2),
                ("visual", 5), ("freeform", 5), ("multiGeo", 2), ("apiV1", 1)]


def _picker(pairs, rng: random.Random):
    values, weights = zip(*pairs)

    def pick(k: int) -> list:
        return rng.choices(values, weights=weights, k=k)
    return pick


def _stamp(moment: datetime) -> str:
    return moment.strftime("%m/%d/%Y, %I:%M:%S %p UTC")


def rows(n: int, *, seed: int = 7, start: datetime = datetime(2025, 6, 1, tzinfo=UTC)):
    """(search time, row) for n searches spread over about a year, with repeats and bad times."""
    rng = random.Random(seed)
    reasons, orgs, types = _picker(REASONS, rng), _picker(ORGS, rng), _picker(SEARCH_TYPES, rng)
    step = timedelta(days=365) / max(n, 1)
    previous: list[str] | None = None
    block = 10_000
    for offset in range(0, n, block):
        size = min(block, n - offset)
        for i, reason, org, kind in zip(range(offset, offset + size), reasons(size), orgs(size), types(size)):
            if previous is not None and rng.random() < 0.02:
                yield previous  # releases repeat rows
                continue
            moment = start + step * i
            frame_start = moment - timedelta(days=rng.choice((1, 7, 30)))
            redacted = moment >= datetime(2025, 12, 1, tzinfo=UTC)
            row = [
                f"{i + 1:09d}-{rng.getrandbits(32):08x}",
                "***" if redacted else f"officer{rng.randrange(400)}",
                org, str(rng.randrange(1, 9000)), f"{rng.randrange(100, 90000):,}",
                f"{_stamp(frame_start)}\n{_stamp(moment)}",
                "***" if redacted else f"{rng.choice('ABCDEFGH')}{rng.randrange(1000, 9999)}{rng.choice('XYZ')}",
                reason, f"{rng.randrange(20, 26)}-{rng.randrange(100000, 999999)}" if rng.random() < 0.6 else "",
                "" if rng.random() < 0.8 else "Vehicle Make: Honda", _stamp(moment), kind, "", "",
            ]
            if rng.random() < 0.00005:
                row[10] = "not recorded"
            previous = row
            yield row


def write(path: Path, n: int, seed: int) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADERS)
        out.writerows(rows(n, seed=seed))


def write_monthly(folder: Path, n: int, seed: int) -> list[Path]:
    """One file per month of search time, as agencies release them."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[tuple[int, int], tuple[Path, object, object]] = {}
    try:
        for row in rows(n, seed=seed):
            moment = _month_of(row[10]) or _month_of(row[5].split("\n")[-1])
            if moment not in files:
                files[moment] = _open_month(folder, *moment)
            files[moment][2].writerow(row)
    finally:
        for _, handle, _ in files.values():
            handle.close()
    return [path for path, _, _ in files.values()]


def _month_of(stamp: str) -> tuple[int, int] | None:
    try:
        moment = datetime.strptime(stamp, "%m/%d/%Y, %I:%M:%S %p UTC")
    except ValueError:
        return None
    return moment.year, moment.month


def _open_month(folder: Path, year: int, month: int):
    last = (datetime(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    path = folder / f"{month}_1_{year}-{month}_{last}_{year}-Eugene-OR-PD-Network-Audit.csv"
    handle = open(path, "w", newline="", encoding="utf-8")
    out = csv.writer(handle)
    out.writerow(HEADERS)
    return path, handle, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("-o", "--output", type=Path, help="the CSV to write (default: stdout)")
    parser.add_argument("--monthly", type=Path, metavar="DIR", help="write one file per month into DIR")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("rows must be at least 1")
    if args.monthly:
        print("\n".join(str(p) for p in write_monthly(args.monthly, args.rows, args.seed)))
    elif args.output:
        write(args.output, args.rows, args.seed)
    else:
        out = csv.writer(sys.stdout)
        out.writerow(HEADERS)
        out.writerows(rows(args.rows, seed=args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
