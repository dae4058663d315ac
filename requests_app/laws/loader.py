"""Reads the law data files (``data/jurisdictions/<CODE>.json``) and writes them to the
database.

Called by data migrations (with the migration's historical app registry) and by tests.
Loading is idempotent: rows are matched by jurisdiction code and updated in place, and a
law's deadlines and facts are replaced as a set, so running it twice changes nothing. A
file with any problem (see ``checks.py``) stops the load with every problem listed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db import transaction

from requests_app.laws.checks import FEE_PARTS, is_primary, problems_of

JURISDICTIONS_DIR = Path(__file__).parent / "data" / "jurisdictions"
SILENCE_IS_DENIAL = "silence_is_denial"
FEE_LABELS = {"copies": "Fees: copies", "electronic": "Fees: electronic records",
              "labor": "Fees: search and staff time", "waiver": "Fees: waiver"}


class LawDataError(ValueError):
    """A data file does not match the format; the message lists every problem."""


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int


def read_law_data(folder: Path = JURISDICTIONS_DIR) -> list[dict[str, Any]]:
    """Every jurisdiction file, US first, then by code; raises LawDataError on any problem."""
    files = sorted(folder.glob("*.json"), key=lambda p: (p.stem != "US", p.stem))
    if not files:
        raise LawDataError(f"no law data files in {folder}")
    entries, problems = [], []
    for path in files:
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            problems.append(f"{path.name}: not valid JSON ({exc})")
            continue
        problems += [f"{path.name}: {p}" for p in problems_of(entry, strict=False)]
        if entry.get("code") != path.stem:
            problems.append(f"{path.name}: code {entry.get('code')!r} does not match the file name")
        entries.append(entry)
    if problems:
        raise LawDataError("; ".join(problems))
    return entries


@transaction.atomic
def load_laws(apps: Apps = global_apps, folder: Path = JURISDICTIONS_DIR) -> LoadResult:
    created = updated = 0
    for entry in read_law_data(folder):
        was_created = _load_one(apps, entry)
        created += was_created
        updated += not was_created
    return LoadResult(created=created, updated=updated)


def _load_one(apps: Apps, entry: dict[str, Any]) -> bool:
    Jurisdiction = apps.get_model("laws", "Jurisdiction")
    PublicRecordsLaw = apps.get_model("laws", "PublicRecordsLaw")
    jurisdiction, _ = Jurisdiction.objects.update_or_create(
        code=entry["code"], defaults={"name": entry["name"], "kind": entry["kind"]}
    )
    # An earlier migration loads with the model as it was then, without the fields added since.
    known = {f.name for f in PublicRecordsLaw._meta.get_fields()}
    fields = {name: value for name, value in _law_fields(entry).items() if name in known}
    law, created = PublicRecordsLaw.objects.update_or_create(jurisdiction=jurisdiction, defaults=fields)
    _replace_deadlines(apps, law, entry)
    _replace_facts(apps, law, entry)
    return created


def _cited(entry: dict[str, Any], fact: dict[str, Any]) -> dict[str, Any]:
    """The Sourced fields of one fact: its section, the sources themselves, its status and
    the date its primary source was read."""
    sources = [{"id": sid, **entry["sources"][sid]} for sid in fact.get("sources") or []]
    read = [s["read_on"] for s in sources if is_primary(s)]
    verified = fact.get("status") == "verified"
    return {
        "section": fact.get("section") or "",
        "sources": sources,
        "status": "verified" if verified else "unverified",
        "verified_on": date.fromisoformat(max(read)) if verified and read else None,
    }


def _law_status(entry: dict[str, Any]) -> str:
    response = next(d for d in entry["deadlines"] if d["kind"] == "response")
    key_facts = [entry["act"], response, entry["residency"], entry["letter"]["timing"]]
    return "verified" if all(f.get("status") == "verified" for f in key_facts) else "unverified"


def _law_fields(entry: dict[str, Any]) -> dict[str, Any]:
    act, residency, holidays = entry["act"], entry["residency"], entry["holidays"]
    return {
        "name": act["name"],
        "citation": act["citation"],
        "summary": entry.get("summary") or "",
        "standard": entry.get("standard") or "",
        "residency_limit": residency["limit"],
        "residency_note": residency.get("note") or "",
        "residency_exceptions": residency.get("exceptions") or [],
        "residency_statement": residency.get("statement") or "",
        "residency_alternatives": residency.get("statement_alternatives") or {},
        "identification_note": residency.get("identification_note") or "",
        "appeal_route": entry["appeal"]["route"],
        "timing_text": entry["letter"]["timing"].get("text") or "",
        "counting": [{**{k: r.get(k) for k in ("rule", "text", "days")}, **_plain(_cited(entry, r))}
                     for r in entry.get("counting") or []],
        "silence_is_denial": any(r.get("rule") == SILENCE_IS_DENIAL for r in entry.get("counting") or []),
        "also_cite": [{**{k: c.get(k) for k in ("applies_to", "name", "citation", "text")}, **_plain(_cited(entry, c))}
                      for c in entry["letter"].get("also_cite") or []],
        "local_calendar_note": holidays.get("local_note") or "",
        "receipt_note": holidays.get("receipt_note") or "",
        "sources": [{"id": sid, **source} for sid, source in entry["sources"].items()],
        "status": _law_status(entry),
        "reviewed_on": date.fromisoformat(entry["reviewed_on"]) if entry.get("reviewed_on") else None,
        "data_version": entry.get("reviewed_on") or "unreviewed",
    }


def _plain(cited: dict[str, Any]) -> dict[str, Any]:
    """``_cited`` for a JSON field: the date as text."""
    day = cited["verified_on"]
    return {**cited, "verified_on": day.isoformat() if day else None}


def _replace_deadlines(apps: Apps, law: Any, entry: dict[str, Any]) -> None:
    StatutoryDeadline = apps.get_model("laws", "StatutoryDeadline")
    StatutoryDeadline.objects.filter(law=law).delete()
    StatutoryDeadline.objects.bulk_create(
        StatutoryDeadline(
            law=law,
            position=position,
            kind=d["kind"],
            action=d.get("action") or "",
            days=d["days"],
            day_type=d["day_type"],
            starts_from=d["from"],
            requires=d["requires"],
            written_notice=bool(d.get("written_notice")),
            note=d.get("note") or "",
            **_cited(entry, d),
        )
        for position, d in enumerate(entry["deadlines"])
    )


def _replace_facts(apps: Apps, law: Any, entry: dict[str, Any]) -> None:
    LawFact = apps.get_model("laws", "LawFact")
    LawFact.objects.filter(law=law).delete()
    LawFact.objects.bulk_create(
        LawFact(law=law, position=position, key=key, topic=key.split(".")[0], label=label, text=text,
                **_cited(entry, fact))
        for position, (key, label, text, fact) in enumerate(facts_to_show(entry))
    )


def facts_to_show(entry: dict[str, Any]) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """(key, label, text, fact) of every fact a law page lists besides the deadlines."""
    act, residency, appeal = entry["act"], entry["residency"], entry["appeal"]
    yield "act", "The act", f"{act['name']}, {act['citation']}", act
    yield "residency", "Who may request", _residency_text(residency), residency
    yield "appeal", "Appeal", appeal["route"], appeal
    for part in FEE_PARTS:
        fee = entry["fees"].get(part) or {}
        yield f"fees.{part}", FEE_LABELS[part], fee.get("text") or "Not yet researched.", fee
    for i, rule in enumerate(entry.get("counting") or []):
        yield f"counting.{i}", "Counting the days", rule["text"], rule
    timing = entry["letter"]["timing"]
    yield "letter.timing", "The letter's timing paragraph", timing.get("text") or "Not yet written.", timing
    for i, cite in enumerate(entry["letter"].get("also_cite") or []):
        yield f"letter.also_cite.{i}", f"Also cited: {cite['name']}", f"{cite['citation']}: {cite.get('text') or ''}", cite
    holidays = entry["holidays"]
    law = holidays.get("law") or {}
    yield "holidays.law", "Legal holidays", law.get("text") or "Not yet researched.", law
    for year, listed in sorted(holidays["years"].items()):
        names = "; ".join(f"{day} {name}" for day, name in listed.get("dates") or [])
        yield f"holidays.{year}", f"Offices closed in {year}", names or "None listed.", listed


def _residency_text(residency: dict[str, Any]) -> str:
    text = residency.get("note") or {"yes": "Residents only.", "no": "Anyone may request.",
                                     "disputed": "Disputed."}[residency["limit"]]
    exceptions = residency.get("exceptions") or []
    return f"{text} Also: {'; '.join(exceptions)}." if exceptions else text
