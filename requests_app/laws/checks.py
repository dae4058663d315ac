"""Checks a jurisdiction file of the law data (see data/README.md) and lists every problem.

Pure: a parsed file in, a list of messages out. The loader refuses a file with problems;
``manage.py check_law_data`` prints them for whoever edits the data.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from requests_app.laws import holiday_drafts

PRIMARY = frozenset({"statute", "court", "official"})
SOURCE_KINDS = PRIMARY | {"secondary"}
STATUSES = frozenset({"verified", "unverified"})
KINDS = frozenset({"federal", "state"})
DEADLINE_KINDS = frozenset({"acknowledgment", "response", "production", "extension", "appeal", "other"})
ACTIONS = frozenset({"acknowledge", "determine", "produce", "certify", "seek_ruling", "notify",
                     "file_appeal", "decide_appeal", None})
DAY_TYPES = frozenset({"business", "calendar", "none"})
STARTS = frozenset({"receipt", "acknowledgment", "determination", "response_due", "denial"})
RESIDENCY = frozenset({"yes", "no", "disputed"})
COUNTING_RULES = frozenset({"email_received_next_business_day", "received_by_officer",
                            "closed_day_receipt_next_business_day", "optional_holidays_if_observed",
                            "designated_nonbusiness_days", "federal_holidays_excluded", "silence_is_denial",
                            "note"})
FEE_PARTS = ("copies", "electronic", "labor", "waiver")
YEARS = ("2025", "2026", "2027")


def problems_of(data: dict[str, Any], *, strict: bool = True) -> list[str]:
    """Every problem of one jurisdiction file, each naming where it is.

    ``strict`` adds what the data test holds the files to but a load need not: each year's
    closed days agree with the ``holidays`` package's draft with the file's corrections
    applied (so a newer package never stops a migration), and a residents-only law gives
    its statement.
    """
    return list(_problems(data, strict))


def _problems(data: dict[str, Any], against_package: bool) -> Iterator[str]:
    if data.get("schema") != 2:
        yield "schema must be 2"
    if data.get("kind") not in KINDS:
        yield f"kind {data.get('kind')!r} is not one of {sorted(KINDS)}"
    sources = data.get("sources") or {}
    yield from _source_problems(sources)
    for where, fact in facts_of(data):
        yield from _fact_problems(where, fact, sources)
    yield from _act_problems(data.get("act") or {})
    yield from _deadline_problems(data.get("deadlines") or [])
    yield from _residency_problems(data.get("residency") or {}, against_package)
    yield from _counting_problems(data.get("counting") or [])
    yield from _holiday_problems(data.get("code", ""), data.get("holidays") or {}, sources, against_package)


def facts_of(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, fact) of every sourced fact in the file."""
    yield "act", data.get("act") or {}
    for i, deadline in enumerate(data.get("deadlines") or []):
        yield f"deadlines[{i}]", deadline
    yield "residency", data.get("residency") or {}
    yield "appeal", data.get("appeal") or {}
    for part in FEE_PARTS:
        yield f"fees.{part}", (data.get("fees") or {}).get(part) or {}
    for i, rule in enumerate(data.get("counting") or []):
        yield f"counting[{i}]", rule
    letter = data.get("letter") or {}
    yield "letter.timing", letter.get("timing") or {}
    for i, cite in enumerate(letter.get("also_cite") or []):
        yield f"letter.also_cite[{i}]", cite
    holidays = data.get("holidays") or {}
    yield "holidays.law", holidays.get("law") or {}
    for year, entry in sorted((holidays.get("years") or {}).items()):
        yield f"holidays.years.{year}", entry


def is_primary(source: dict[str, Any]) -> bool:
    return source.get("kind") in PRIMARY and bool(source.get("url")) and bool(source.get("read_on"))


def _source_problems(sources: dict[str, Any]) -> Iterator[str]:
    for sid, source in sources.items():
        if source.get("kind") not in SOURCE_KINDS:
            yield f"sources.{sid}: kind {source.get('kind')!r} is not one of {sorted(SOURCE_KINDS)}"
        if not source.get("title"):
            yield f"sources.{sid}: title is missing"
        if source.get("kind") in PRIMARY and not (source.get("url") and source.get("read_on")):
            yield f"sources.{sid}: a {source.get('kind')} source needs its url and the date it was read"
        if source.get("read_on"):
            try:
                date.fromisoformat(source["read_on"])
            except (TypeError, ValueError):
                yield f"sources.{sid}: read_on {source['read_on']!r} is not a date"


def _fact_problems(where: str, fact: dict[str, Any], sources: dict[str, Any]) -> Iterator[str]:
    status = fact.get("status")
    if status not in STATUSES:
        yield f"{where}: status {status!r} is not verified/unverified"
    cited = fact.get("sources") or []
    unknown = [sid for sid in cited if sid not in sources]
    if unknown:
        yield f"{where}: cites unknown sources {unknown}"
    if status == "verified":
        if not any(is_primary(sources.get(sid, {})) for sid in cited):
            yield f"{where}: verified, but cites no primary source (statute, court or official page with url and date read)"
        if not fact.get("section") and not where.startswith("holidays.years"):
            yield f"{where}: verified, but has no section"


def _act_problems(act: dict[str, Any]) -> Iterator[str]:
    for field in ("name", "citation"):
        if not act.get(field):
            yield f"act.{field} is missing"


def _deadline_problems(deadlines: list[dict[str, Any]]) -> Iterator[str]:
    if [d.get("kind") for d in deadlines].count("response") != 1:
        yield "there must be exactly one response deadline"
    for i, d in enumerate(deadlines):
        where = f"deadlines[{i}]"
        if d.get("kind") not in DEADLINE_KINDS:
            yield f"{where}.kind {d.get('kind')!r} is unknown"
        if d.get("action") not in ACTIONS:
            yield f"{where}.action {d.get('action')!r} is unknown"
        if d.get("day_type") not in DAY_TYPES:
            yield f"{where}.day_type {d.get('day_type')!r} is unknown"
        if d.get("from") not in STARTS:
            yield f"{where}.from {d.get('from')!r} is unknown"
        days, fixed = d.get("days"), d.get("day_type") != "none"
        if fixed and not (isinstance(days, int) and days > 0):
            yield f"{where}.days must be a positive number for {d.get('day_type')} days"
        if not fixed and days is not None:
            yield f"{where}.days must be null when the law sets no number of days"
        if not d.get("requires"):
            yield f"{where}.requires is missing"


def _residency_problems(residency: dict[str, Any], strict: bool) -> Iterator[str]:
    if residency.get("limit") not in RESIDENCY:
        yield "residency.limit is not yes/no/disputed"
    if strict and residency.get("limit") == "yes" and not residency.get("statement"):
        yield "residency.statement is missing: a residents-only law needs the sentence a letter carries"
    alternatives = residency.get("statement_alternatives") or {}
    if not isinstance(alternatives, dict):
        yield "residency.statement_alternatives must map a basis (such as media) to its sentence"


def _counting_problems(rules: list[dict[str, Any]]) -> Iterator[str]:
    if sum(rule.get("rule") == "silence_is_denial" for rule in rules) > 1:
        yield "counting lists silence_is_denial more than once"
    for i, rule in enumerate(rules):
        if rule.get("rule") not in COUNTING_RULES:
            yield f"counting[{i}].rule {rule.get('rule')!r} is unknown"
        if not rule.get("text"):
            yield f"counting[{i}].text is missing"
        needs_days = rule.get("rule") in {"email_received_next_business_day", "designated_nonbusiness_days"}
        if needs_days and not (isinstance(rule.get("days"), int) and rule["days"] > 0):
            yield f"counting[{i}].days must be a positive number for {rule.get('rule')}"


def _holiday_problems(code: str, holidays: dict[str, Any], sources: dict[str, Any],
                      against_package: bool) -> Iterator[str]:
    years = holidays.get("years") or {}
    missing = [y for y in YEARS if y not in years]
    if missing:
        yield f"holidays.years lacks {missing}"
    corrections = holidays.get("corrections") or []
    for i, c in enumerate(corrections):
        if c.get("change") not in {"added", "removed"}:
            yield f"holidays.corrections[{i}].change must be added or removed"
        if not c.get("reason"):
            yield f"holidays.corrections[{i}] gives no reason"
        unknown = [sid for sid in c.get("sources") or [] if sid not in sources]
        if unknown:
            yield f"holidays.corrections[{i}] cites unknown sources {unknown}"
    for year in YEARS:
        if year in years:
            yield from _year_problems(code, int(year), years[year].get("dates") or [], corrections, against_package)


def _year_problems(code: str, year: int, dates: list[list[str]], corrections: list[dict[str, Any]],
                   against_package: bool) -> Iterator[str]:
    try:
        listed = {(date.fromisoformat(d), name) for d, name in dates}
    except (TypeError, ValueError):
        yield f"holidays.years.{year}: every entry must be [YYYY-MM-DD, name]"
        return
    if any(day.year != year for day, _ in listed):
        yield f"holidays.years.{year}: a date lies outside {year}"
    if not against_package:
        return
    expected = holiday_drafts.corrected(holiday_drafts.package_days(code, year), corrections, year)
    for day, name in sorted(listed - expected):
        yield f"holidays.years.{year}: {day} {name!r} differs from the package with no correction saying why"
    for day, name in sorted(expected - listed):
        yield f"holidays.years.{year}: the package lists {day} {name!r}, which is neither in dates nor corrected"


def main(argv: list[str] | None = None) -> int:
    """``python -m requests_app.laws.checks [CODE ...]``: the checks without Django set up."""
    import json
    import sys
    from pathlib import Path

    folder = Path(__file__).parent / "data" / "jurisdictions"
    codes = (argv if argv is not None else sys.argv[1:]) or sorted(p.stem for p in folder.glob("*.json"))
    failed = 0
    for code in codes:
        problems = problems_of(json.loads((folder / f"{code.upper()}.json").read_text(encoding="utf-8")))
        failed += bool(problems)
        print("\n".join(f"{code}: {p}" for p in problems) or f"{code}: ok")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
