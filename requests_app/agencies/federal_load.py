"""Writes the bundled federal FOIA offices to the directory (the second part of
``manage.py load_agency_directory``, after the three directory files).

Each office becomes the agency linked to it by an earlier load (``Agency.federal_foia_office``),
else the federal agency already in the directory under the same name (the Flock network's
"Federal Bureau of Investigation (FBI)" is the FBI), else a new agency of kind federal in
the US jurisdiction under the office's full name, its abbreviation kept as an alias. Only
agencies that are the office, or a unit it answers for (``federal_offices.UNITS``), get its
contact: a local field unit (an Air Force base, a park's police) is a different body with
its own records officer, so it is left alone.

The office's role email, request form and address become the agency's records contact,
each change recorded with the source file and the data's date and marked to verify
(``AgencyContactChange.Via.FEDERAL``). A value a person gave is never overwritten: a field
in ``edited_fields``, a field whose latest recorded change is not this loader's, or a value
set without a recorded change. A unit's note (whose FOIA office answers for it) becomes its
notes unless it has some. Loading the same file twice changes nothing.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from requests_app.agencies import directory_match
from requests_app.agencies.federal_offices import OFFICES_FILE, FederalOffice, read_offices
from requests_app.agencies.models import Agency, AgencyAlias, AgencyContactChange, name_key
from requests_app.agencies.states import STATE_NAMES
from requests_app.laws.models import Jurisdiction

FEDERAL = "US"
# The contact fields an office gives; the source's phone numbers are not shipped.
OFFICE_FIELDS = ("records_email", "portal_url", "mailing_address")
_LINK = "federal_foia_office"


@dataclass
class FederalLoadReport:
    read: int = 0
    linked: int = 0  # found by the link an earlier load made
    matched: int = 0  # linked now to an agency the directory already had
    created: int = 0
    values: Counter = field(default_factory=Counter)  # set, unchanged, kept
    aliases: Counter = field(default_factory=Counter)  # created, deleted
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        v, a = self.values, self.aliases
        return [
            f"Federal FOIA offices: {self.read} read (18F, FOIA.gov data of 25 Jul 2017); {self.matched} matched "
            f"to agencies already in the directory, {self.created} added as agencies, {self.linked} already linked",
            f"Federal contact values (to verify): {v['set']} set, {v['unchanged']} unchanged, {v['kept']} kept as "
            f"a person edited them; aliases: {a['created']} created, {a['deleted']} removed",
            *(f"Skipped federal office {line}" for line in self.skipped),
            f"Federal offices elapsed: {self.seconds:.1f} s",
        ]


def load_federal_offices(*, path: Path = OFFICES_FILE) -> FederalLoadReport:
    """Raises Jurisdiction.DoesNotExist without the US jurisdiction, ValueError for a bad file."""
    started = time.monotonic()
    offices = read_offices(path)
    jurisdiction = Jurisdiction.objects.get(code=FEDERAL)
    with transaction.atomic():
        report = _Loader(offices, jurisdiction).load()
    report.seconds = time.monotonic() - started
    return report


# An office's name as the directory's names read: without the abbreviation it ends with, and
# "United States" or "U.S." read as "US" (match_key reads "U.S." so, but not before a comma).
_TRAILING_ABBREVIATION = re.compile(r"\s*\([^)]*\)\s*$")
_UNITED_STATES = re.compile(r"\bunited states\b|\bu\.\s?s\.(?=\s)", re.IGNORECASE)


def match_key(name: str) -> str:
    """How an office's name is compared with the directory's (directory_match.match_key):
    "Federal Bureau of Investigation (FBI)" and "U.S. Postal Inspection Service" read as their offices do."""
    return directory_match.match_key(_UNITED_STATES.sub("us", _TRAILING_ABBREVIATION.sub("", name)))


class _Loader:
    def __init__(self, offices: list[FederalOffice], jurisdiction: Jurisdiction) -> None:
        self.offices = offices
        self.jurisdiction = jurisdiction
        self.report = FederalLoadReport(read=len(offices))
        self.agencies = {a.pk: a for a in Agency.objects.filter(jurisdiction=jurisdiction)}
        self.agency_of: dict[str, int] = {}  # office id -> agency pk

    def load(self) -> FederalLoadReport:
        new = self._match()
        self._create(new)
        self._sync_aliases()
        self._write_contacts()
        return self.report

    # Matching ---------------------------------------------------------------------------

    def _match(self) -> list[FederalOffice]:
        by_link = {a.federal_foia_office: a.pk for a in self.agencies.values() if a.federal_foia_office}
        free = {pk for pk, a in self.agencies.items() if not a.federal_foia_office and _LINK not in a.edited_fields}
        by_key: dict[str, set[int]] = {}
        for pk in free:
            by_key.setdefault(match_key(self.agencies[pk].name), set()).add(pk)
        for pk, alias in AgencyAlias.objects.filter(agency_id__in=free).values_list("agency_id", "name"):
            by_key.setdefault(match_key(alias), set()).add(pk)
        new, linked = [], []
        for office in self.offices:
            if office.id in by_link:
                self.agency_of[office.id] = by_link[office.id]
                self.report.linked += 1
                continue
            found = by_key.get(match_key(office.name), set()) & free
            if len(found) > 1:
                self.report.skipped.append(f"{office.name}: several agencies of that name; link one in the admin")
            elif found:
                pk = found.pop()
                free.discard(pk)
                self.agencies[pk].federal_foia_office = office.id
                linked.append(self.agencies[pk])
                self.agency_of[office.id] = pk
                self.report.matched += 1
            else:
                new.append(office)
        Agency.objects.bulk_update(linked, [_LINK])
        return new

    def _create(self, new: list[FederalOffice]) -> None:
        taken = {a.name_key for a in self.agencies.values()}
        rows = []
        for office in new:
            key = name_key(office.name)
            if key in taken:
                self.report.skipped.append(f"{office.name}: an agency unlinked from it by hand has the name")
                continue
            taken.add(key)
            rows.append(Agency(
                name=office.name, name_key=key, kind=Agency.Kind.FEDERAL, jurisdiction=self.jurisdiction,
                federal_foia_office=office.id,
            ))
        for agency in Agency.objects.bulk_create(rows):
            self.agencies[agency.pk] = agency
            self.agency_of[agency.federal_foia_office] = agency.pk
        self.report.created = len(rows)

    # Aliases ----------------------------------------------------------------------------

    def _sync_aliases(self) -> None:
        """The office's abbreviation and full name as aliases of its agency, where they differ
        from the agency's name; a loaded alias no longer wanted is removed, others stay."""
        wanted: dict[tuple[int, str], str] = {}
        for office in self.offices:
            pk = self.agency_of.get(office.id)
            if pk is None:
                continue
            for alias in (office.name, office.abbreviation):
                key = name_key(alias)
                if _usable_alias(alias) and key != self.agencies[pk].name_key:
                    wanted[(pk, key)] = alias
        stored = {(a, k): (i, s) for i, a, k, s in AgencyAlias.objects.filter(agency__jurisdiction=self.jurisdiction)
                  .values_list("pk", "agency_id", "name_key", "source")}
        stale = [i for key, (i, source) in stored.items() if source == AgencyAlias.Source.FEDERAL and key not in wanted]
        AgencyAlias.objects.filter(pk__in=stale).delete()
        AgencyAlias.objects.bulk_create([
            AgencyAlias(agency_id=pk, name=alias, name_key=key, source=AgencyAlias.Source.FEDERAL)
            for (pk, key), alias in wanted.items() if (pk, key) not in stored
        ])
        self.report.aliases.update(created=sum(1 for k in wanted if k not in stored), deleted=len(stale))

    # Contacts ---------------------------------------------------------------------------

    def _write_contacts(self) -> None:
        latest = _latest_changes(set(self.agency_of.values()))
        changed, history = [], []
        now = timezone.now()
        for office in self.offices:
            pk = self.agency_of.get(office.id)
            if pk is None:
                continue
            agency = self.agencies[pk]
            writes = self._writes(agency, office, latest)
            if writes:
                history.append(AgencyContactChange(
                    agency=agency, via=AgencyContactChange.Via.FEDERAL, before={f: getattr(agency, f) for f in writes},
                    after=writes, source_url=office.source_url, verified_on=office.as_of,
                ))
            # A unit's page says whose FOIA office its contact is; notes someone wrote stay.
            if office.note and not agency.notes and "notes" not in agency.edited_fields:
                writes = {**writes, "notes": office.note}
            if not writes:
                continue
            for name, value in writes.items():
                setattr(agency, name, value)
            agency.updated_at = now
            changed.append(agency)
        Agency.objects.bulk_update(changed, [*OFFICE_FIELDS, "notes", "updated_at"])
        AgencyContactChange.objects.bulk_create(history)

    def _writes(self, agency: Agency, office: FederalOffice, latest: dict[tuple[int, str], str]) -> dict[str, str]:
        """The office's values this load writes onto the agency, counting those it does not."""
        planned = {
            "records_email": office.emails[0] if office.emails else "",
            "portal_url": office.request_form,
            "mailing_address": office.mailing_address,
        }
        writes = {}
        for name, value in planned.items():
            current = getattr(agency, name)
            via = latest.get((agency.pk, name), "")
            if current == value:
                self.report.values["unchanged"] += bool(value)
            elif _someones(agency, name, current=current, via=via):
                self.report.values["kept"] += bool(value)
            else:
                writes[name] = value
                self.report.values["set"] += 1
        return writes


def _latest_changes(pks: set[int]) -> dict[tuple[int, str], str]:
    """(agency, field) -> how the latest recorded change stating the field was made."""
    latest: dict[tuple[int, str], str] = {}
    rows = (AgencyContactChange.objects.filter(agency_id__in=pks).order_by("agency_id", "-changed_at", "-pk")
            .values_list("agency_id", "via", "after"))
    for agency_id, via, after in rows.iterator():
        for name in OFFICE_FIELDS:
            if name in after:
                latest.setdefault((agency_id, name), via)
    return latest


def _someones(agency: Agency, name: str, *, current: str, via: str) -> bool:
    """True when a person gave the field its value: they edited it, the latest change stating
    it is not this loader's, or it has a value no recorded change gave."""
    if name in agency.edited_fields:
        return True
    return via != AgencyContactChange.Via.FEDERAL if via else bool(current)


def _usable_alias(alias: str) -> bool:
    """Two-letter abbreviations ("DC", the Denali Commission's) read as state codes: not aliases."""
    return len(alias) >= 3 and alias.upper() not in STATE_NAMES
