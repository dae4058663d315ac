"""Writes the bundled directory data to the database (``manage.py load_agency_directory``).

One transaction of bulk statements over rows read up front, so ~20,000 agencies load in
seconds. Each planned agency is matched to a stored one by ORI, then Flock id, then name
in its jurisdiction (which merges agencies a user or the demo seeder made), and updated in
place; a second load of the same data changes nothing. Fields named in an agency's
``edited_fields`` are never written. Agencies are never deleted: one that left the Flock
network is marked so, and the evidence and aliases the loader made for it are removed.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from requests_app.agencies import directory as d
from requests_app.agencies.directory_plan import Entry, Plan, PlanReport, build_plan
from requests_app.agencies.models import Agency, AgencyAlias, AlprVendor, VendorEvidence, name_key, place_key
from requests_app.laws.models import Jurisdiction

BATCH = 500
_UNIQUE = ("ori", "flock_id")
_STORED = ("id", "jurisdiction_id", "name_key", "edited_fields", *Agency.DIRECTORY_FIELDS)


@dataclass
class LoadReport:
    plan: PlanReport
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_edits: int = 0  # planned values not written because a user edited the field
    left_network: int = 0
    skipped: list[str] = field(default_factory=list)
    aliases: Counter = field(default_factory=Counter)  # created, deleted
    evidence: Counter = field(default_factory=Counter)  # created, updated, deleted
    vendor_links: Counter = field(default_factory=Counter)  # added, removed
    seconds: float = 0.0

    def lines(self) -> list[str]:
        p = self.plan
        matched = sum(p.flock_matched.values())
        by_method = ", ".join(f"{m} {n}" for m, n in sorted(p.flock_matched.items()))
        dropped = ", ".join(f"{r.replace('_', ' ')} {p.flock_dropped[r]}" for r in d.DropReason.ALL)
        return [
            f"FBI roster: {p.fbi_rows} agencies read ({p.fbi_renamed} renamed apart from a same-named agency of their state)",
            f"Flock network: {p.flock_rows} rows read; dropped {sum(p.flock_dropped.values())} ({dropped}); "
            f"state read from the name for {p.flock_state_from_name}",
            f"Flock joined to the FBI roster: {matched} ({by_method}; {p.flock_duplicates} are second accounts "
            f"of an agency); unmatched {p.flock_unmatched} and ambiguous {p.flock_ambiguous} (added as agencies "
            f"of their own); federal {p.flock_federal}",
            f"NC survey: {p.survey_rows} rows, {p.survey_matched} matched, {len(p.survey_unmatched)} unmatched"
            + (f" ({'; '.join(p.survey_unmatched)})" if p.survey_unmatched else ""),
            f"Agencies: {self.created} created, {self.updated} updated, {self.unchanged} unchanged; "
            f"{self.kept_edits} edited values kept; {self.left_network} left the Flock network",
            f"Aliases: {self.aliases['created']} created, {self.aliases['deleted']} removed; "
            f"vendor evidence: {self.evidence['created']} created, {self.evidence['updated']} updated, "
            f"{self.evidence['deleted']} removed; vendor links: {self.vendor_links['added']} added, "
            f"{self.vendor_links['removed']} removed",
            *(f"Skipped: {name}" for name in self.skipped),
            f"Elapsed: {self.seconds:.1f} s",
        ]


def load_directory(*, data_dir: Path = d.DATA_DIR) -> LoadReport:
    started = time.monotonic()
    plan = build_plan(
        fbi_rows=d.read_csv(data_dir / d.FBI_FILE.name),
        flock_rows=d.read_csv(data_dir / d.FLOCK_FILE.name),
        survey_rows=d.read_csv(data_dir / d.NC_SURVEY_FILE.name),
    )
    with transaction.atomic():
        report = _Writer(plan).write()
    report.seconds = time.monotonic() - started
    return report


class _Writer:
    """Reconciles a plan with the stored agencies; every read happens once, up front."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.report = LoadReport(plan=plan.report)
        self.jurisdictions = dict(
            Jurisdiction.objects.exclude(kind=Jurisdiction.Kind.LOCAL).values_list("code", "id")
        )
        self.stored = {row["id"]: row for row in Agency.objects.values(*_STORED)}
        self.by_name = {(r["jurisdiction_id"], r["name_key"]): pk for pk, r in self.stored.items()}
        self.by_unique = {f: {r[f]: pk for pk, r in self.stored.items() if r[f]} for f in _UNIQUE}
        self.agency_of: dict[int, int] = {}  # id(entry) -> agency pk
        self.started = timezone.now()
        self.changes: dict[int, dict[str, Any]] = {}  # agency pk -> field -> value

    def write(self) -> LoadReport:
        planned, new = self._match()
        self._plan_updates(planned)
        self._leave_network(claimed={pk for pk, _ in planned})
        self._release_unique()
        self._save_updates()
        self._create(new)
        _sync_aliases(self.plan.entries, self.agency_of, self.report)
        _sync_evidence(self.plan.entries, self.agency_of, self.report)
        return self.report

    # Matching -----------------------------------------------------------------------

    def _match(self) -> tuple[list[tuple[int, Entry]], list[Entry]]:
        planned: list[tuple[int, Entry]] = []
        new: list[Entry] = []
        claimed: set[int] = set()
        for entry in self.plan.entries:
            if entry.jurisdiction not in self.jurisdictions:
                self.report.skipped.append(f"{entry.name}: no jurisdiction {entry.jurisdiction!r}")
                continue
            pk = self._find(entry, claimed)
            if pk is None:
                new.append(entry)
            else:
                claimed.add(pk)
                planned.append((pk, entry))
                self.agency_of[id(entry)] = pk
        return planned, new

    def _find(self, entry: Entry, claimed: set[int]) -> int | None:
        candidates = (
            self.by_unique["ori"].get(entry.ori) if entry.ori else None,
            self.by_unique["flock_id"].get(entry.flock.flock_id) if entry.flock else None,
            self.by_name.get((self.jurisdictions[entry.jurisdiction], name_key(entry.name))),
        )
        return next((pk for pk in candidates if pk is not None and pk not in claimed), None)

    # Updating -----------------------------------------------------------------------

    def _plan_updates(self, planned: list[tuple[int, Entry]]) -> None:
        for pk, entry in planned:
            row = self.stored[pk]
            target = _values(entry)
            if "name" not in row["edited_fields"] and not self._rename_possible(pk, row, target["name"]):
                target.pop("name")
            changes = {}
            for name, value in target.items():
                if row[name] == value:
                    continue
                if name in row["edited_fields"]:
                    self.report.kept_edits += 1
                else:
                    changes[name] = value
            if changes.get("in_flock_network") is False:
                self.report.left_network += 1
            if changes:
                self.changes[pk] = changes
                self.report.updated += 1
            else:
                self.report.unchanged += 1

    def _rename_possible(self, pk: int, row: dict[str, Any], name: str) -> bool:
        """True (and the name index updated) unless another agency of the jurisdiction has the name."""
        key = (row["jurisdiction_id"], name_key(name))
        if self.by_name.get(key) not in (None, pk):
            return False
        if row["name_key"] != key[1]:
            self.by_name.pop((row["jurisdiction_id"], row["name_key"]), None)
            self.by_name[key] = pk
        return True

    def _leave_network(self, claimed: set[int]) -> None:
        for pk, row in self.stored.items():
            if pk not in claimed and row["in_flock_network"] and "in_flock_network" not in row["edited_fields"]:
                self.changes[pk] = {"in_flock_network": False}
                self.report.left_network += 1

    def _release_unique(self) -> None:
        """Clears an ORI or Flock id that is moving to another agency before anyone takes it:
        both are unique, and an UPDATE may not pass through a duplicate on the way."""
        for f in _UNIQUE:
            wanted = {c[f] for c in self.changes.values() if c.get(f)}
            released = []
            for value, pk in list(self.by_unique[f].items()):
                if f not in self.changes.get(pk, {}) and value not in wanted:
                    continue
                if f in self.stored[pk]["edited_fields"]:
                    self._drop_wanted(f, value, keep=pk)
                    continue
                self.changes.setdefault(pk, {}).setdefault(f, None)  # its final value comes later
                del self.by_unique[f][value]
                released.append(Agency(id=pk, **{f: None}))
            Agency.objects.bulk_update(released, [f], batch_size=BATCH)

    def _drop_wanted(self, f: str, value: str, keep: int) -> None:
        """Another agency's hand-edited ORI or Flock id stays; whoever wanted it goes without."""
        for pk, changes in self.changes.items():
            if pk != keep and changes.get(f) == value:
                del changes[f]

    def _save_updates(self) -> None:
        now = timezone.now()
        objs, fields = [], {"updated_at"}
        for pk, changes in self.changes.items():
            if not changes:
                continue
            # Every object carries all its values, so writing the union of changed fields is safe.
            row = {**self.stored[pk], **changes}
            objs.append(Agency(
                id=pk, updated_at=now, name_key=name_key(row["name"]), city_key=place_key(row["city"]),
                county_key=place_key(row["county"]), **{f: row[f] for f in Agency.DIRECTORY_FIELDS},
            ))
            fields |= set(changes) | _derived(changes)
        Agency.objects.bulk_update(objs, sorted(fields), batch_size=BATCH)

    # Creating -----------------------------------------------------------------------

    def _create(self, new: list[Entry]) -> None:
        objs: list[tuple[Entry, dict[str, Any]]] = []
        for entry in new:
            jurisdiction_id = self.jurisdictions[entry.jurisdiction]
            values = _values(entry)
            for f in _UNIQUE:
                if values[f] and values[f] in self.by_unique[f]:
                    values[f] = None  # held by a hand edit elsewhere
            key = (jurisdiction_id, name_key(values["name"]))
            if key in self.by_name:
                self.report.skipped.append(f"{entry.name} ({entry.jurisdiction}): the name is taken")
                continue
            self.by_name[key] = -1
            objs.append((entry, dict(
                jurisdiction_id=jurisdiction_id, name_key=key[1], city_key=place_key(values["city"]),
                county_key=place_key(values["county"]), created_at=self.started, updated_at=self.started,
                **values,
            )))
        insert_rows(Agency, [row for _, row in objs])
        # The rows' ids, found by the key that is unique among them.
        created = dict(
            ((j, k), pk) for pk, j, k in Agency.objects.filter(created_at__gte=self.started)
            .values_list("pk", "jurisdiction_id", "name_key")
        )
        for entry, row in objs:
            self.agency_of[id(entry)] = created[(row["jurisdiction_id"], row["name_key"])]
        self.report.created = len(objs)


def _values(entry: Entry) -> dict[str, Any]:
    """The planned value of every field the loader writes."""
    flock = entry.flock
    return {
        "name": entry.name[:200],
        "kind": entry.kind,
        "ori": entry.ori or None,
        "city": entry.city[:120],
        "county": entry.county[:200],
        "population": flock.population if flock else None,
        "in_flock_network": flock is not None,
        "flock_id": flock.flock_id if flock else None,
        "flock_portal_url": flock.portal_url if flock else "",
        "cameras": flock.cameras if flock else None,
        "searches_30d": flock.searches_30d if flock else None,
        "vehicles_30d": flock.vehicles_30d if flock else None,
        "hotlist_hits_30d": flock.hotlist_hits_30d if flock else None,
        "flock_stats_as_of": d.FLOCK_AS_OF if flock and flock.has_figures else None,
        "fbi_match": entry.fbi_match,
    }


def _derived(changes: dict[str, Any]) -> set[str]:
    derived = {"name": "name_key", "city": "city_key", "county": "county_key"}
    return {derived[f] for f in changes if f in derived}


# Aliases and evidence ----------------------------------------------------------------


def _sync_aliases(entries: list[Entry], agency_of: dict[int, int], report: LoadReport) -> None:
    """Adds the planned aliases and removes loaded ones no longer planned; users' stay."""
    own_keys = dict(Agency.objects.values_list("pk", "name_key"))
    wanted: dict[tuple[int, str], tuple[str, str]] = {}
    for entry in entries:
        pk = agency_of.get(id(entry))
        if pk is None:
            continue
        names = dict(entry.aliases)
        names.setdefault(name_key(entry.name), (entry.name, _entry_source(entry)))
        for key, (name, source) in names.items():
            if key != own_keys[pk]:
                wanted[(pk, key)] = (name, source)
    stored = {(a, k): (i, s) for i, a, k, s in AgencyAlias.objects.values_list("id", "agency_id", "name_key", "source")}
    stale = [i for key, (i, source) in stored.items() if source in AgencyAlias.LOADED and key not in wanted]
    _delete(AgencyAlias, stale)
    insert_rows(AgencyAlias, [
        dict(agency_id=pk, name=name, name_key=key, source=source)
        for (pk, key), (name, source) in wanted.items() if (pk, key) not in stored
    ])
    report.aliases.update(created=sum(1 for k in wanted if k not in stored), deleted=len(stale))


def _entry_source(entry: Entry) -> str:
    return AgencyAlias.Source.FBI if entry.ori else AgencyAlias.Source.FLOCK


def _sync_evidence(entries: list[Entry], agency_of: dict[int, int], report: LoadReport) -> None:
    """Loaded evidence rows updated in place, stale ones removed, and vendor links kept in step."""
    vendors = _vendors({e.vendor for entry in entries for e in entry.evidence})
    wanted = {
        (agency_of[id(entry)], vendors[e.vendor].pk, e.source): e
        for entry in entries if id(entry) in agency_of for e in entry.evidence
    }
    stored = {
        (row.agency_id, row.vendor_id, row.source): row
        for row in VendorEvidence.objects.filter(source__in=VendorEvidence.LOADED)
    }
    stale = [row for key, row in stored.items() if key not in wanted]
    changed = [_refreshed(stored[key], e) for key, e in wanted.items() if key in stored]
    changed = [row for row in changed if row is not None]
    _delete(VendorEvidence, [row.pk for row in stale])
    VendorEvidence.objects.bulk_update(changed, ["url", "detail", "as_of"], batch_size=BATCH)
    now = timezone.now()
    insert_rows(VendorEvidence, [
        dict(agency_id=a, vendor_id=v, source=s, url=e.url[:500], detail=e.detail, as_of=e.as_of, created_at=now)
        for (a, v, s), e in wanted.items() if (a, v, s) not in stored
    ])
    report.evidence.update(
        created=sum(1 for k in wanted if k not in stored), updated=len(changed), deleted=len(stale)
    )
    _sync_vendor_links(
        wanted={(a, v) for a, v, _ in wanted}, dropped={(row.agency_id, row.vendor_id) for row in stale},
        report=report,
    )


def _refreshed(row: VendorEvidence, evidence) -> VendorEvidence | None:
    values = {"url": evidence.url[:500], "detail": evidence.detail, "as_of": evidence.as_of}
    if all(getattr(row, k) == v for k, v in values.items()):
        return None
    for k, v in values.items():
        setattr(row, k, v)
    return row


def _vendors(names: set[str]) -> dict[str, AlprVendor]:
    """The vendors by the names the plan uses; a stored name differing only in case is the same vendor."""
    stored = {v.name.casefold(): v for v in AlprVendor.objects.all()}
    return {
        name: stored.get(name.casefold()) or stored.setdefault(name.casefold(), AlprVendor.objects.create(name=name))
        for name in names
    }


def _sync_vendor_links(*, wanted: set[tuple[int, int]], dropped: set[tuple[int, int]], report: LoadReport) -> None:
    """Agency.vendors holds every vendor with evidence; a link goes only with its last evidence."""
    through = Agency.vendors.through
    linked = set(through.objects.values_list("agency_id", "alprvendor_id"))
    evidenced = set(VendorEvidence.objects.values_list("agency_id", "vendor_id"))
    gone = [pair for pair in dropped - evidenced if pair in linked]
    by_vendor: dict[int, list[int]] = {}
    for agency_id, vendor_id in gone:
        by_vendor.setdefault(vendor_id, []).append(agency_id)
    for vendor_id, agency_ids in by_vendor.items():
        for start in range(0, len(agency_ids), BATCH):
            through.objects.filter(alprvendor_id=vendor_id, agency_id__in=agency_ids[start:start + BATCH]).delete()
    insert_rows(through, [dict(agency_id=a, alprvendor_id=v) for a, v in wanted - linked])
    report.vendor_links.update(added=len(wanted - linked), removed=len(gone))


def _delete(model, ids: list[int]) -> None:
    for start in range(0, len(ids), BATCH):
        model.objects.filter(pk__in=ids[start:start + BATCH]).delete()


def insert_rows(model, rows: list[dict[str, Any]]) -> None:
    """INSERTs rows (attribute name -> value; other fields take their defaults) with one
    executemany. bulk_create compiles every value of every row, which costs more than the
    database does for tens of thousands of rows; here only dates and JSON are prepared."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in rows[0]}
    prepared = {f.attname for f in fields if f.get_internal_type() in ("DateField", "DateTimeField", "JSONField")}
    by_name = {f.attname: f for f in fields}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    values = []
    for row in rows:
        row = {**defaults, **row}
        values.append([
            by_name[f.attname].get_db_prep_save(row[f.attname], connection)
            if f.attname in prepared and row[f.attname] is not None else row[f.attname]
            for f in fields
        ])
    with connection.cursor() as cursor:
        for start in range(0, len(values), 2000):
            cursor.executemany(sql, values[start:start + 2000])
