from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet, prefetch_related_objects
from django.utils.text import slugify

from requests_app.laws.models import Jurisdiction, LawFact, PublicRecordsLaw, StatutoryDeadline

GENERAL = "general"
# What a verified fact was checked against, by the kinds of its primary sources, named in
# this order ("the statute and an official source").
CHECKED_AGAINST = {"statute": "the statute", "court": "a court decision", "official": "an official source"}
SOURCE_KINDS = {"statute": "statute", "court": "court decision", "official": "official source",
                "secondary": "secondary source"}
# One closed day of a "holidays.YYYY" fact, as the loader writes it: "2026-01-01 New Year's Day".
CLOSED_DAY = re.compile(r"(\d{4}-\d{2}-\d{2}) (.+)")


def laws_list() -> QuerySet[PublicRecordsLaw]:
    return (
        PublicRecordsLaw.objects.select_related("jurisdiction")
        .prefetch_related("deadlines")
        .order_by("jurisdiction__kind", "jurisdiction__name")
    )


def governing_laws(jurisdictions: Iterable[Jurisdiction]) -> dict[int, PublicRecordsLaw]:
    """The law governing each of these jurisdictions (as ``governing_law``), by the
    jurisdiction's id, with its jurisdiction and deadlines, in two queries however many
    there are; a jurisdiction no law governs is left out."""
    holders = {jurisdiction.pk: jurisdiction.governed_by_id for jurisdiction in jurisdictions}
    laws = {law.jurisdiction_id: law for law in PublicRecordsLaw.objects.filter(
        jurisdiction_id__in=set(holders.values())).select_related("jurisdiction").prefetch_related("deadlines")}
    return {pk: laws[holder] for pk, holder in holders.items() if holder in laws}


def jurisdiction_with_law(*, code: str) -> Jurisdiction:
    """Raises Jurisdiction.DoesNotExist for unknown codes."""
    return Jurisdiction.objects.select_related("parent", "law").get(code=code.upper())


def state_choices() -> list[tuple[str, str]]:
    """(code, name) of the states, DC and the federal government, in the order of the names
    a person reads (Alabama, Alaska, ...; by code, Alaska would come first)."""
    return list(
        Jurisdiction.objects.exclude(kind=Jurisdiction.Kind.LOCAL)
        .order_by("name")
        .values_list("code", "name")
    )


# The law page ---------------------------------------------------------------------------


class LawNotFound(LookupError):
    """No jurisdiction has this code, or no law governs it."""


@dataclass(frozen=True)
class SourceRef:
    number: int | None  # its place in the list at the foot of the page
    anchor: str
    kind: str
    title: str
    url: str
    read_on: date | None
    note: str

    @property
    def kind_label(self) -> str:
        return SOURCE_KINDS.get(self.kind, "source of unknown kind")


@dataclass(frozen=True)
class Entry:
    """A deadline or other fact as the law page shows it, with what it was checked against."""

    key: str
    label: str
    row: StatutoryDeadline | LawFact
    sources: tuple[SourceRef, ...]
    checked_against: str  # "" while unverified
    closed_days: tuple[tuple[date, str], ...] = ()  # holidays.YYYY facts only


@dataclass(frozen=True)
class Topic:
    key: str
    label: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class LawPage:
    jurisdiction: Jurisdiction
    law: PublicRecordsLaw
    deadlines: tuple[Entry, ...]
    topics: tuple[Topic, ...]
    sources: tuple[SourceRef, ...]

    @property
    def entries(self) -> list[Entry]:
        return [*self.deadlines, *(e for t in self.topics for e in t.entries)]

    @property
    def verified_count(self) -> int:
        return sum(e.row.verified for e in self.entries)

    def fact_choices(self) -> list[tuple[str, str]]:
        """What a correction note can be about: the law as a whole, or one entry. Entries
        that share a label (counting rules, two extensions) are told apart by their key."""
        labels = [_choice_label(e) for e in self.entries]
        return [(GENERAL, "General: the law as a whole"),
                *((e.key, f"{label} ({e.key})" if labels.count(label) > 1 else label)
                  for e, label in zip(self.entries, labels))]

    def describe(self, key: str) -> str:
        """The entry ``key`` in one line, for a note's email; the key itself if it is gone."""
        if key == GENERAL:
            return "The law as a whole"
        entry = next((e for e in self.entries if e.key == key), None)
        if entry is None:
            return f"{key} (no longer in the data)"
        section = f" ({entry.row.section})" if entry.row.section else ""
        return f"{_choice_label(entry)}: {_entry_text(entry)}{section}"


def law_page(*, code: str) -> LawPage:
    try:
        jurisdiction = jurisdiction_with_law(code=code)
    except Jurisdiction.DoesNotExist:
        raise LawNotFound(code) from None
    law = jurisdiction.governing_law()
    if law is None:
        raise LawNotFound(code)
    return page_of(law, jurisdiction=jurisdiction)


def page_of(law: PublicRecordsLaw, *, jurisdiction: Jurisdiction | None = None) -> LawPage:
    prefetch_related_objects([law], "deadlines", "facts")
    sources = tuple(_source_ref(s, n) for n, s in enumerate(law.sources, start=1))
    numbers = {ref.anchor: ref.number for ref in sources}
    deadlines = tuple(_entry(f"deadlines.{d.position}", d.get_kind_display(), d, numbers) for d in law.deadlines.all())
    facts = [_entry(f.key, f.label, f, numbers) for f in law.facts.all()]
    topics = tuple(
        Topic(key, label, tuple(e for e in facts if e.row.topic == key)) for key, label in LawFact.Topic.choices
    )
    return LawPage(jurisdiction or law.jurisdiction, law, deadlines, topics, sources)


def _entry(key: str, label: str, row: StatutoryDeadline | LawFact, numbers: dict[str, int | None]) -> Entry:
    refs = tuple(_source_ref(s, numbers.get(_anchor(s))) for s in row.sources)
    kinds = {s.get("kind") for s in row.sources}
    against = " and ".join(CHECKED_AGAINST[k] for k in CHECKED_AGAINST if k in kinds) or "its primary source"
    year = isinstance(row, LawFact) and key.startswith("holidays.") and key.removeprefix("holidays.").isdigit()
    return Entry(key, label, row, refs, against if row.verified else "", _closed_days(row.text) if year else ())


def _anchor(source: dict[str, Any]) -> str:
    return f"source-{slugify(str(source.get('id') or ''))}"


def _source_ref(source: dict[str, Any], number: int | None) -> SourceRef:
    read_on = source.get("read_on")
    return SourceRef(
        number=number,
        anchor=_anchor(source),
        kind=source.get("kind") or "",
        title=source.get("title") or source.get("url") or "Untitled source",
        url=source.get("url") or "",
        read_on=date.fromisoformat(read_on) if read_on else None,
        note=source.get("note") or "",
    )


def _closed_days(text: str) -> tuple[tuple[date, str], ...]:
    """The days of a "holidays.YYYY" fact; () when its text is not a list of them."""
    matches = [CLOSED_DAY.fullmatch(item.strip()) for item in text.split(";")]
    if not all(matches):
        return ()
    return tuple((date.fromisoformat(m[1]), m[2]) for m in matches)


def _entry_text(entry: Entry) -> str:
    row = entry.row
    return row.describe() if isinstance(row, StatutoryDeadline) else row.text


def _choice_label(entry: Entry) -> str:
    return f"Deadline: {entry.label}" if isinstance(entry.row, StatutoryDeadline) else entry.label
