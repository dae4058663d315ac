"""Reads the project's law data file and writes it to the database.

Called by data migrations (with the migration's historical app registry) and by tests.
Loading is idempotent: rows are matched by jurisdiction code and updated in place, and a
law's deadlines are replaced as a set, so running it twice changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db import transaction

DATA_FILE = Path(__file__).parent / "data" / "public_records_laws.json"

KINDS = {"federal", "state"}
CONFIDENCE = {"high", "medium", "low"}
DAY_TYPES = {"business", "calendar", "none"}
DEADLINE_KINDS = {"acknowledgment", "response", "production", "extension", "appeal"}
STARTS = {"receipt", "acknowledgment", "determination", "response_due", "denial"}
RESIDENCY = {"yes", "no", "disputed"}


class LawDataError(ValueError):
    """The data file does not match the schema; the message lists every problem."""


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int


def read_law_data(path: Path = DATA_FILE) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    problems = validate_law_data(data)
    if problems:
        raise LawDataError(f"{path.name}: " + "; ".join(problems))
    return data


def validate_law_data(data: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    codes = [j.get("code") for j in data.get("jurisdictions", [])]
    if len(codes) != len(set(codes)):
        problems.append("duplicate jurisdiction codes")
    for jurisdiction in data.get("jurisdictions", []):
        problems += [f"{jurisdiction.get('code')}: {p}" for p in _jurisdiction_problems(jurisdiction)]
    return problems


def _jurisdiction_problems(j: dict[str, Any]) -> list[str]:
    problems = []
    if j.get("kind") not in KINDS:
        problems.append(f"kind {j.get('kind')!r} is not one of {sorted(KINDS)}")
    law = j.get("law") or {}
    for field in ("name", "citation", "summary", "sources"):
        if not law.get(field):
            problems.append(f"law.{field} is missing")
    n_sources = len(law.get("sources", []))
    if law.get("confidence") not in CONFIDENCE:
        problems.append("law.confidence is not high/medium/low")
    if law.get("residency", {}).get("limit") not in RESIDENCY:
        problems.append("residency.limit is not yes/no/disputed")
    for part in ("residency", "appeal"):
        problems += _fact_problems(part, law.get(part, {}), n_sources)
    deadlines = law.get("deadlines", [])
    if [d.get("kind") for d in deadlines].count("response") != 1:
        problems.append("there must be exactly one response deadline")
    for i, deadline in enumerate(deadlines):
        problems += _deadline_problems(f"deadlines[{i}]", deadline, n_sources)
    return problems


def _fact_problems(name: str, fact: dict[str, Any], n_sources: int) -> list[str]:
    problems = []
    if fact.get("confidence") not in CONFIDENCE:
        problems.append(f"{name}.confidence is not high/medium/low")
    indexes = fact.get("sources", [])
    if not indexes or any(not isinstance(i, int) or not 0 <= i < n_sources for i in indexes):
        problems.append(f"{name}.sources must cite law.sources by index")
    return problems


def _deadline_problems(name: str, d: dict[str, Any], n_sources: int) -> list[str]:
    problems = _fact_problems(name, d, n_sources)
    if d.get("kind") not in DEADLINE_KINDS:
        problems.append(f"{name}.kind {d.get('kind')!r} is unknown")
    if d.get("day_type") not in DAY_TYPES:
        problems.append(f"{name}.day_type {d.get('day_type')!r} is unknown")
    if d.get("from") not in STARTS:
        problems.append(f"{name}.from {d.get('from')!r} is unknown")
    days, fixed = d.get("days"), d.get("day_type") != "none"
    if fixed and not (isinstance(days, int) and days > 0):
        problems.append(f"{name}.days must be a positive number for {d.get('day_type')} days")
    if not fixed and days is not None:
        problems.append(f"{name}.days must be null when the law sets no deadline")
    if not d.get("requires"):
        problems.append(f"{name}.requires is missing")
    return problems


@transaction.atomic
def load_laws(apps: Apps = global_apps, path: Path = DATA_FILE) -> LoadResult:
    data = read_law_data(path)
    created = updated = 0
    for entry in data["jurisdictions"]:
        was_created = _load_one(apps, entry, version=data["compiled"])
        created += was_created
        updated += not was_created
    return LoadResult(created=created, updated=updated)


def _load_one(apps: Apps, entry: dict[str, Any], *, version: str) -> bool:
    Jurisdiction = apps.get_model("laws", "Jurisdiction")
    PublicRecordsLaw = apps.get_model("laws", "PublicRecordsLaw")
    jurisdiction, _ = Jurisdiction.objects.update_or_create(
        code=entry["code"], defaults={"name": entry["name"], "kind": entry["kind"]}
    )
    law_data = entry["law"]
    law, created = PublicRecordsLaw.objects.update_or_create(
        jurisdiction=jurisdiction, defaults=_law_fields(law_data, version)
    )
    _replace_deadlines(apps, law, law_data["deadlines"])
    return created


def _law_fields(law: dict[str, Any], version: str) -> dict[str, Any]:
    residency, appeal = law["residency"], law["appeal"]
    return {
        "name": law["name"],
        "citation": law["citation"],
        "summary": law["summary"],
        "standard": law.get("standard") or "",
        "residency_limit": residency["limit"],
        "residency_note": residency.get("note") or "",
        "residency_confidence": residency["confidence"],
        "residency_sources": residency["sources"],
        "appeal_route": appeal["route"],
        "appeal_confidence": appeal["confidence"],
        "appeal_sources": appeal["sources"],
        "sources": law["sources"],
        "confidence": law["confidence"],
        "data_version": version,
    }


def _replace_deadlines(apps: Apps, law: Any, deadlines: list[dict[str, Any]]) -> None:
    StatutoryDeadline = apps.get_model("laws", "StatutoryDeadline")
    StatutoryDeadline.objects.filter(law=law).delete()
    StatutoryDeadline.objects.bulk_create(
        StatutoryDeadline(
            law=law,
            position=position,
            kind=d["kind"],
            days=d["days"],
            day_type=d["day_type"],
            starts_from=d["from"],
            requires=d["requires"],
            citation=d.get("citation") or "",
            written_notice=bool(d.get("written_notice")),
            note=d.get("note") or "",
            confidence=d["confidence"],
            source_indexes=d["sources"],
        )
        for position, d in enumerate(deadlines)
    )
