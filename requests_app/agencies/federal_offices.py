"""The federal FOIA offices the directory loads: built from 18F's contact list, shipped as
``data/federal_foia/offices.json`` and read back from it. Pure: no database.

``build_offices`` reads the source's JSON files (one per department, each with its
components), keeps role data only (``federal_clean.py``) and names each office as an
agency: a component known on its own by its own name ("Drug Enforcement Administration"),
another with its department's ("Department of Justice, Civil Division"), a department's
main office ("Headquarters", "Main Office") by the department's name. A department-level
contact with no main office to carry it becomes an office of its own ("Department of
Justice": the Mail Referral Unit). ``UNITS`` adds bodies the list has no office for but
whose records its offices hold, such as Homeland Security Investigations (ICE's FOIA office).
``read_offices`` reads the shipped file for ``federal_load.py``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from requests_app.agencies import federal_clean as clean

DATA_DIR = Path(__file__).parent / "data" / "federal_foia"
OFFICES_FILE = DATA_DIR / "offices.json"

REPOSITORY = "https://github.com/18F/2015-foia"
COMMIT = "f9503d261c0c1613d95504bc8ac26ce8822cbfa4"  # "Add json files", 2 November 2017
# The data was last scraped from FOIA.gov in commit fc2ba3c of 25 July 2017; f9503d26 only
# converted the same data from YAML to JSON.
AS_OF = date(2017, 7, 25)

# Components that are their department's own FOIA office: named as the department.
MAIN_OFFICES = {
    "Headquarters", "Main Office", "National Headquarters", "Departmental Offices", "Headquarters & Privacy Office",
    "USPS Headquarters Office", "Central Office FOIA/Privacy Act Office", "The Authority",
}
# Department names as the agencies call themselves, where the source's differ.
DEPARTMENT_NAMES = {
    "DOI": "Department of the Interior",
    "Ex-Im Bank": "Export-Import Bank of the United States",
    "NRPC": "National Railroad Passenger Corporation",
    "USAB": "United States Access Board",
}
# Component names corrected or shortened, by (file, name in the source).
COMPONENT_NAMES = {
    ("U.S. DOL", "Jobs Corps"): "Job Corps",
    ("DoD", "US Marine Corps"): "U.S. Marine Corps",
    ("FLRA", "The Authority, Office of Case Intake and Publication"): "Office of Case Intake and Publication",
    ("FLRA", "The Authority, Office of the Solicitor"): "Office of the Solicitor",
    ("FLRA", "The Federal Service Impasses Panel"): "Federal Service Impasses Panel",
    ("HHS", "Center for Medicare and Medicaid Services"): "Centers for Medicare and Medicaid Services",
    ("Treasury", "Internal Revenue Service - Headquarters Office"): "Internal Revenue Service",
    ("USDA", "Animal & Plant Health Inspection"): "Animal and Plant Health Inspection Service",
    ("USDA", "Forest Service - Headquarters"): "Forest Service",
    ("USPS", "Postal Inspection Service"): "U.S. Postal Inspection Service",
}
# Abbreviations the source lacks or misspells, by (file, name in the source).
ABBREVIATIONS = {
    ("DHS", "Federal Emergency Management Agency"): "FEMA",
    ("DHS", "Transportation Security Administration"): "TSA",
    ("DHS", "United States Secret Service"): "USSS",
    ("DOI", "National Park Service"): "NPS",
    ("DOJ", "Federal Bureau of Investigation"): "FBI",
    ("DOJ", "United States Marshals Service"): "USMS",
    ("NRPC", "AMTRAK (National Railroad Passenger Corporation)"): "Amtrak",
    ("HHS", "Substance Abuse and Mental Health Services Administration"): "SAMHSA",
    ("Treasury", "Financial Crimes Enforcement Network"): "FinCEN",
    ("Treasury", "Internal Revenue Service - Headquarters Office"): "IRS",
    ("USPS", "Postal Inspection Service"): "USPIS",
}
SKIPPED = {
    ("NASA", "Principal Agency FOIA Officer"): "a post, not an office (NASA Headquarters' FOIA office covers it)",
}


@dataclass(frozen=True)
class Unit:
    """A body the list has no office for, whose records are asked of another office."""

    name: str
    abbreviation: str
    of: tuple[str, str]  # (file, component name in the source) of the office that holds its records
    note: str


UNITS = (
    Unit("Homeland Security Investigations", "HSI", ("DHS", "U.S. Immigration & Customs Enforcement"),
         "A directorate of U.S. Immigration and Customs Enforcement: ICE's FOIA office answers for its records."),
    Unit("U.S. Border Patrol", "USBP", ("DHS", "U.S. Customs & Border Protection"),
         "A component of U.S. Customs and Border Protection: CBP's FOIA office answers for its records."),
    Unit("Tennessee Valley Authority Police", "", ("TVA", "Tennessee Valley Authority"),
         "The Tennessee Valley Authority's police: TVA's FOIA office answers for its records."),
)
_STANDS_ALONE = re.compile(
    r"^(?:U\.S\.|United States|US|National|Federal|Defense|Bureau|Department of)\b"
    r"|\b(?:Administration|Agency|Service|Services|Bureau|Command|Commission|Corporation|Survey|Laboratory"
    r"|Library|Foundation|Center|Panel|Corps|Board)$"
)
# Names that need their department's: "Office of the Secretary", "Chicago Office", "Tax Division".
_GENERIC = re.compile(
    r"^(?:Office|Immediate Office|Region|Headquarters)\b|\bDivision$|^(?!U\.S\.|United States|National).*\bOffices?$"
)
_TRAILING_ABBREVIATION = re.compile(r"\s*\(([A-Z]{2,6})\)$")


@dataclass
class FederalOffice:
    id: str  # "<file>/<component>", stable across builds: the agency's link to its office
    department: str
    component: str  # as the source names it; "" for a department-level office
    name: str  # the agency's name in the directory
    abbreviation: str
    emails: list[str]
    request_form: str
    address: dict[str, Any] | None  # lines, street, city, state, zip
    source_url: str
    source_date: str  # ISO date
    part_of: str = ""  # for a unit: the id of the office that answers for it
    note: str = ""

    @property
    def mailing_address(self) -> str:
        if not self.address:
            return ""
        return clean.Address(**self.address).as_text()

    @property
    def as_of(self) -> date:
        return date.fromisoformat(self.source_date)


@dataclass
class BuildResult:
    offices: list[FederalOffice]
    dropped: list[tuple[str, clean.Dropped]] = field(default_factory=list)  # (what, the value and why)
    skipped: list[str] = field(default_factory=list)

    def drop(self, what: str, dropped: clean.Dropped) -> None:
        self.dropped.append((what, dropped))

    @property
    def dropped_counts(self) -> Counter:
        """(what, reason) -> how many."""
        return Counter((what, d.reason) for what, d in self.dropped)


class BuildError(Exception):
    pass


# Building from the source -----------------------------------------------------------------


def build_offices(source_dir: Path) -> BuildResult:
    files = sorted(source_dir.glob("*.json"))
    if not files:
        raise BuildError(f"{source_dir} holds no .json file: give the folder of 18F's contacts/data")
    departments = {path.stem: _read_json(path) for path in files}
    everyone = set()
    for department in departments.values():
        for entry in [department, *department.get("departments", [])]:
            everyone |= clean.people_in(entry)
    builder = _Builder(clean.People.of(everyone))
    for stem, department in departments.items():
        builder.add_department(stem, department)
    builder.add_units()
    _check(builder.result, builder.people)
    return builder.result


def source_url(stem: str) -> str:
    return f"{REPOSITORY}/blob/{COMMIT}/contacts/data/{quote(stem)}.json"


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BuildError(f"cannot read {path.name}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("departments"), list) or not data.get("name"):
        raise BuildError(f"{path.name} is not a department of 18F's contact list (no name or departments)")
    return data


@dataclass
class _Values:
    emails: list[str]
    request_form: str
    address: clean.Address | None


class _Builder:
    def __init__(self, people: clean.People) -> None:
        self.people = people
        self.result = BuildResult(offices=[])
        self.by_source: dict[tuple[str, str], FederalOffice] = {}
        self.taken: set[str] = set()  # ids and names, so each office is one agency

    def add_department(self, stem: str, department: dict[str, Any]) -> None:
        name = DEPARTMENT_NAMES.get(stem) or _tidy_name(department["name"])
        components = department["departments"]
        own = self._values(department, own_names=[name])
        main_taken = False
        for component in components:
            source_name = clean.tidy(component.get("name") or "")
            if (stem, source_name) in SKIPPED:
                self.result.skipped.append(f"{stem}: {source_name}: {SKIPPED[(stem, source_name)]}")
                continue
            main = len(components) == 1 or source_name in MAIN_OFFICES
            office = self._office(stem, name, department, component, main=main)
            if main and not main_taken:
                _fill(office, own)
                main_taken = True
            self._keep(office, (stem, source_name))
        if not main_taken and (own.emails or own.request_form or own.address):
            self._keep(self._department_office(stem, name, department, own), (stem, ""))

    def add_units(self) -> None:
        for unit in UNITS:
            office = self.by_source.get(unit.of)
            if office is None:
                raise BuildError(f"{unit.name}: no office {unit.of[1]!r} in {unit.of[0]}.json")
            self._keep(FederalOffice(
                **{**asdict(office), "id": f"{_slug(unit.of[0])}/{_slug(unit.name)}", "component": "",
                   "name": unit.name, "abbreviation": unit.abbreviation, "part_of": office.id, "note": unit.note},
            ), None)

    def _office(self, stem: str, department_name: str, department: dict, component: dict, *,
                main: bool) -> FederalOffice:
        source_name = clean.tidy(component["name"])
        fixed = _tidy_name(COMPONENT_NAMES.get((stem, source_name), source_name))
        abbreviation = ABBREVIATIONS.get((stem, source_name)) or clean.tidy(component.get("abbreviation") or "")
        trailing = _TRAILING_ABBREVIATION.search(fixed)
        if trailing:
            fixed, abbreviation = fixed[:trailing.start()], abbreviation or trailing.group(1)
        if main:
            name, abbreviation = department_name, abbreviation or department.get("abbreviation") or ""
        elif _stands_alone(fixed, top_level=bool(component.get("top_level"))):
            name = fixed
        else:
            name = f"{department_name}, {fixed}"
        # A component's address may name its department ("U.S. Department of Homeland
        # Security"), which its agency name does not say unless it is the main office.
        values = self._values(component, own_names=[source_name, fixed, name])
        return FederalOffice(
            id=f"{_slug(stem)}/{_slug(source_name)}", department=department_name, component=source_name, name=name,
            abbreviation=abbreviation, emails=values.emails, request_form=values.request_form,
            address=values.address.as_json() if values.address else None, source_url=source_url(stem),
            source_date=AS_OF.isoformat(),
        )

    def _department_office(self, stem: str, name: str, department: dict, own: _Values) -> FederalOffice:
        return FederalOffice(
            id=f"{_slug(stem)}/department", department=name, component="", name=name,
            abbreviation=department.get("abbreviation") or "", emails=own.emails, request_form=own.request_form,
            address=own.address.as_json() if own.address else None, source_url=source_url(stem),
            source_date=AS_OF.isoformat(),
        )

    def _values(self, entry: dict[str, Any], *, own_names: list[str]) -> _Values:
        emails: list[str] = []
        candidates = list(entry.get("emails") or [])
        form = ""
        if clean.misplaced_email(entry.get("request_form") or ""):
            candidates.append(entry["request_form"])  # the source put a mailbox where the form goes
        elif entry.get("request_form"):
            checked = clean.request_form(entry["request_form"])
            if isinstance(checked, str):
                form = checked
            else:
                self.result.drop("request form", checked)
        for value in candidates:
            checked = clean.role_email(value, people=self.people)
            if isinstance(checked, str):
                if checked.casefold() not in {e.casefold() for e in emails}:
                    emails.append(checked)
            else:
                self.result.drop("email", checked)
        address = None
        if entry.get("address"):
            address = clean.clean_address(entry["address"], people=self.people, own_names=own_names)
            for dropped in address.dropped if address else []:
                self.result.drop("address line", dropped)
            if address is None:
                self.result.drop("address", clean.Dropped(str(entry["address"]), "no city, state and ZIP"))
        return _Values(emails, form, address)

    def _keep(self, office: FederalOffice, source: tuple[str, str] | None) -> None:
        keys = {office.id, office.name.casefold()}
        if keys & self.taken:
            raise BuildError(f"two offices would be {office.name!r} ({office.id}): name one in COMPONENT_NAMES")
        self.taken |= keys
        self.result.offices.append(office)
        if source:
            self.by_source[source] = office


def _fill(office: FederalOffice, own: _Values) -> None:
    """A main office takes the department-level contact where it has none of its own."""
    office.emails = office.emails or own.emails
    office.request_form = office.request_form or own.request_form
    office.address = office.address or (own.address.as_json() if own.address else None)


def _stands_alone(name: str, *, top_level: bool) -> bool:
    """True for a body known by its own name ("Drug Enforcement Administration"), False for
    an office that needs its department's ("Civil Division", "Office of the Secretary")."""
    return not _GENERIC.search(name) and (top_level or bool(_STANDS_ALONE.search(name)))


def _tidy_name(name: str) -> str:
    return clean.tidy(re.sub(r"\s*&\s*", " and ", name)).removeprefix("The ")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def _check(result: BuildResult, people: clean.People) -> None:
    """Fails the build if a person the source names is left anywhere in an office."""
    for office in result.offices:
        texts = [office.name, office.component, office.request_form, office.mailing_address, *office.emails]
        texts += [re.sub(r"[._-]+", " ", e.split("@")[0]) for e in office.emails]
        if any(people.named_in(text) for text in texts):
            raise BuildError(f"{office.id} still names a person named in the source: extend federal_clean's rules")


# The shipped file -------------------------------------------------------------------------


def write_offices(result: BuildResult, path: Path = OFFICES_FILE) -> None:
    document = {
        "source": {
            "repository": REPOSITORY, "commit": COMMIT, "path": "contacts/data", "data_as_of": AS_OF.isoformat(),
            "licence": "Public domain in the United States; CC0 1.0 Universal elsewhere (LICENSE.md)",
        },
        "offices": [{k: v for k, v in asdict(o).items() if v != "" or k not in ("part_of", "note")}
                    for o in result.offices],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def read_offices(path: Path = OFFICES_FILE) -> list[FederalOffice]:
    """The offices in the shipped file; ValueError naming the problem if it is not one."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ValueError(f"{path.name} is not JSON ({exc})") from None
    offices = []
    for i, row in enumerate(document.get("offices", []) if isinstance(document, dict) else []):
        try:
            offices.append(FederalOffice(**row))
        except TypeError as exc:
            raise ValueError(f"{path.name}: office {i + 1} is malformed ({exc})") from None
    if not offices:
        raise ValueError(f"{path.name} lists no office")
    return offices
