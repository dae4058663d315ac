"""Building the federal FOIA offices from 18F's list: role data only, office names, units.

Pure: real entries of the source (``files/federal_foia/``) and the shipped file. The checks
against the whole source run where it is found (``FEDERAL_FOIA_SOURCE``, or the project's
``../shared/reference/federal_foia_contacts``).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from requests_app.agencies import federal_clean as clean
from requests_app.agencies.federal_load import match_key
from requests_app.agencies.federal_offices import (
    COMMIT,
    OFFICES_FILE,
    BuildError,
    build_offices,
    read_offices,
    write_offices,
)

EXCERPTS = Path(__file__).parent / "files" / "federal_foia"
_SHARED = Path("shared") / "reference" / "federal_foia_contacts"
SOURCE = next((p for p in (
    Path(os.environ.get("FEDERAL_FOIA_SOURCE", "/nonexistent")),
    Path(settings.BASE_DIR).parent / _SHARED,
    Path(settings.BASE_DIR).parent.parent / _SHARED,  # from a worktree beside the main checkout
) if (p / "DOJ.json").is_file()), None)
needs_source = pytest.mark.skipif(SOURCE is None, reason="18F's contacts/data not found (set FEDERAL_FOIA_SOURCE)")
# Values of the source's person fields that name a role, not a person.
ROLES = {"foia contact", "foia office", "foia officer", "foia requester service center", "disclosure manager",
         "disclosure officer", "federal reserve system", "regional freedom of information officer", "vacant"}
NOBODY = clean.People.of([])


@pytest.fixture(scope="module")
def built():
    return build_offices(EXCERPTS)


def office(result, office_id: str):
    return next(o for o in result.offices if o.id == office_id)


def people_named(folder: Path) -> set[tuple[str, str]]:
    """(first name, surname) of everyone in the source's person fields, read here on its own
    terms rather than with the code under test."""
    people = set()
    for path in folder.glob("*.json"):
        department = json.loads(path.read_text(encoding="utf-8"))
        for entry in [department, *department["departments"]]:
            fields = [entry.get(k) for k in ("public_liaison", "foia_officer", "service_center")]
            fields += list((entry.get("misc") or {}).values())
            for name in (f.get("name", "") for f in fields if isinstance(f, dict)):
                for part in re.split(r"/|,|\band\b", name.replace("ATTN:", "")):
                    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'?-]+", part)
                             if w.casefold() not in ("jr", "sr", "acting", "iii", "iv", "ph")]
                    if len(words) >= 2 and " ".join(words).casefold() not in ROLES:
                        people.add((words[0], words[-1]))
    return people


def shipped_values() -> list[str]:
    document = json.loads(OFFICES_FILE.read_text(encoding="utf-8"))
    values: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, str):
            values.append(node)

    walk(document["offices"])
    return values


def names_someone(value: str, people: set[tuple[str, str]]) -> list[tuple[str, str]]:
    found = []
    text = re.sub(r"[._@-]+", " ", value)
    for first, last in people:
        both = all(re.search(rf"\b{re.escape(w)}\b", text, re.I) for w in (first, last))
        bare_mailbox = "@" in value and value.split("@")[0].casefold() in (first.casefold(), last.casefold())
        if both or bare_mailbox:
            found.append((first, last))
    return found


# Addresses -------------------------------------------------------------------------------


def test_the_attorney_generals_address_loses_the_officials_name_and_title(built):
    oag = office(built, "doj/office-of-the-attorney-general")
    assert oag.mailing_address == (
        "Initial Request Staff\nSuite 11050\n1425 New York Avenue, NW\nWashington, DC 20530-0001")
    assert not names_someone(json.dumps(asdict(oag)), {("Laurie", "Day"), ("Carmen", "Mallon")})


def test_a_phone_number_given_as_the_street_is_dropped(built):
    fas = office(built, "usda/foreign-agricultural-service")
    assert fas.mailing_address == "Room 5607-S, Stop 1004\nWashington, DC 20250-1004"


@pytest.mark.parametrize("line, kept", [
    ("Chief, Record/Information Dissemination Section, Records Management Division",
     "Record/Information Dissemination Section, Records Management Division"),
    ("FOIA Officer, Office of the General Counsel", "Office of the General Counsel"),
    ("Deputy Associate Managing Director - FOIA Program", "FOIA Program"),
    ("Commandant (CG-611), ATTN: FOIA Coordinator", "Commandant (CG-611)"),
    ("FOIA/PA Officer - ATTN: FOIA/PA Team", "ATTN: FOIA/PA Team"),
])
def test_the_title_part_of_a_line_goes_and_the_office_stays(line, kept):
    assert clean.clean_line(line, people=NOBODY) == (kept, "the title of a post")


@pytest.mark.parametrize("line", [
    "FOIA Officer", "Chief FOIA Officer (Acting)", "Assistant General Counsel for Information & Legal Support",
    "Assistant Legal Counsel/FOIA", "Attn: FOIA, Washington Office Coorindators",
    "Regional Freedom of Information Officer",
    "Indianapolis FOIA/PA Program Manager", "FOIA Officer / Senior Staff Attorney",
])
def test_a_line_that_is_a_post_goes(line):
    kept, reason = clean.clean_line(line, people=NOBODY)
    assert reason == "the title of a post" and kept in ("", "Attn: FOIA")


@pytest.mark.parametrize("line", [
    "Cynthia Sydnor/Denise Nelson", "FOIA: Sally Blibo", "T. Mitchell Hudson, Jr.", "D. Camilla Perry",
    "AnDrea Choate'", "Michael Toland, Ph.D.", "Vy Nguyen",
])
def test_a_line_naming_a_person_goes_whole(line):
    assert clean.clean_line(line, people=NOBODY) == ("", "a person's name")


def test_a_person_the_source_names_elsewhere_is_recognised_in_another_spelling():
    people = clean.People.of(["Laurie A. Day"])
    assert clean.clean_line("Laurie Day", people=people) == ("", "a person's name")


@pytest.mark.parametrize("line", [
    "Special Access and FOIA Staff (RD-F)", "One West Third", "INTERPOL Washington", "Office of the Chief Counsel",
    "Frederick C. Murphy Federal Center", "Ridge Park Place, Suite 2000", "National Records Center, FOIA/PA Office",
])
def test_offices_buildings_and_places_stay(line):
    assert clean.clean_line(line, people=NOBODY) == (line, "")


# Emails and request forms ------------------------------------------------------------------


@pytest.mark.parametrize("email", [
    "foiparequest@ic.fbi.gov", "CRCL@dhs.gov", "solmail@flra.gov", "I&AFOIA@hq.dhs.gov", "usoge@oge.gov",
    "n-nc.peterson.n-ncspecialstaff.mbx.cska-foia-omb@mail.mil",  # Peterson Air Force Base, not a person
])
def test_role_mailboxes_are_kept(email):
    assert clean.role_email(email, people=clean.People.of(["Joanne Peterson"])) == email


@pytest.mark.parametrize("email, reason", [
    ("williams.deborah@epa.gov", "a person's mailbox (it names no function)"),
    ("Rochelle.Foster@fas.usda.gov", "a person's mailbox (it names no function)"),
    ("jdoe@agency.example.gov", "a person's mailbox (it names no function)"),
    ("jane.doe.foia@agency.example.gov", "a person's mailbox (it holds the name of someone the source names)"),
    ("mailto", "malformed email"),
    ("first last@agency.example.gov", "malformed email"),
    ("eligilility@onhir.gov", "a misspelt eligibility mailbox, not the FOIA office's"),
])
def test_personal_and_malformed_emails_go(email, reason):
    assert clean.role_email(email, people=clean.People.of(["Jane Q. Doe"])) == clean.Dropped(email, reason)


def test_request_forms_on_retired_services_or_not_web_addresses_go():
    assert clean.request_form("https://efoia.fbi.gov") == "https://efoia.fbi.gov"
    assert clean.request_form("https://foiaonline.regulations.gov/foia/action/public/home").reason.startswith(
        "a retired request service")
    assert clean.request_form("N/A").reason == "not a web address"
    assert clean.misplaced_email("?foiarequest@restorethegulf.gov")


# Offices and their names ----------------------------------------------------------------------


def test_components_known_on_their_own_keep_their_full_names_and_abbreviations(built):
    names = {o.id: (o.name, o.abbreviation) for o in built.offices}
    assert names["doj/federal-bureau-of-investigation"] == ("Federal Bureau of Investigation", "FBI")
    assert names["doj/drug-enforcement-administration"] == ("Drug Enforcement Administration", "DEA")
    assert names["doj/bureau-of-alcohol-tobacco-firearms-and-explosives"] == (
        "Bureau of Alcohol, Tobacco, Firearms, and Explosives", "ATF")
    assert names["doj/united-states-marshals-service"] == ("United States Marshals Service", "USMS")
    assert names["dhs/u-s-immigration-customs-enforcement"] == ("U.S. Immigration and Customs Enforcement", "ICE")
    assert names["dhs/u-s-customs-border-protection"] == ("U.S. Customs and Border Protection", "CBP")
    assert names["dhs/united-states-secret-service"] == ("United States Secret Service", "USSS")


def test_other_components_take_their_departments_name(built):
    assert office(built, "doj/office-of-the-attorney-general").name == (
        "Department of Justice, Office of the Attorney General")
    assert office(built, "dhs/office-of-intelligence-analysis").name == (
        "Department of Homeland Security, Office of Intelligence and Analysis")


def test_a_main_office_is_its_department_and_falls_back_on_the_departments_contact(built):
    nara = office(built, "nara/main-office")
    assert (nara.name, nara.emails) == ("National Archives and Records Administration", ["foia@nara.gov"])
    dhs = office(built, "dhs/headquarters-privacy-office")
    assert (dhs.name, dhs.emails, dhs.abbreviation) == ("Department of Homeland Security", ["foia@hq.dhs.gov"], "DHS")


def test_a_department_contact_without_a_main_office_is_an_office_of_its_own(built):
    doj = office(built, "doj/department")
    assert (doj.name, doj.emails, doj.request_form, doj.address) == (
        "Department of Justice", ["MRUFOIA.Requests@usdoj.gov"], "", None)


def test_units_take_the_contact_of_the_office_that_answers_for_them(built):
    ice = office(built, "dhs/u-s-immigration-customs-enforcement")
    hsi = office(built, "dhs/homeland-security-investigations")
    assert (hsi.name, hsi.abbreviation, hsi.part_of) == ("Homeland Security Investigations", "HSI", ice.id)
    assert (hsi.emails, hsi.request_form, hsi.address, hsi.source_url) == (
        ["ice-foia@dhs.gov"], "http://www.ice.gov/webform/foia-request-form", ice.address, ice.source_url)
    assert "ICE's FOIA office" in hsi.note
    assert office(built, "dhs/u-s-border-patrol").part_of == "dhs/u-s-customs-border-protection"
    assert office(built, "tva/tennessee-valley-authority-police").emails == ["foia@tva.gov"]


def test_a_post_listed_as_a_component_is_not_an_office(built):
    assert not [o for o in built.offices if "Principal Agency FOIA Officer" in o.component]
    assert any("Principal Agency FOIA Officer" in line for line in built.skipped)


def test_each_office_cites_its_file_at_the_commit_and_the_datas_date(built):
    fbi = office(built, "doj/federal-bureau-of-investigation")
    assert fbi.source_url == f"https://github.com/18F/2015-foia/blob/{COMMIT}/contacts/data/DOJ.json"
    assert fbi.source_date == "2017-07-25"


def test_the_build_fails_rather_than_ship_a_persons_name(monkeypatch):
    monkeypatch.setattr(clean, "clean_line", lambda line, *, people: (line, ""))
    with pytest.raises(BuildError, match="still names a person"):
        build_offices(EXCERPTS)


def test_the_command_writes_the_offices_and_says_what_it_dropped(tmp_path, built):
    out = StringIO()
    call_command("build_federal_contacts", str(EXCERPTS), "--output", str(tmp_path / "offices.json"), stdout=out)
    assert f"{len(built.offices)} offices written" in out.getvalue()
    assert "Dropped 2 request forms: a retired request service (FOIAonline closed in 2023)" in out.getvalue()
    assert "address lines: a person's name" in out.getvalue()
    assert read_offices(tmp_path / "offices.json") == built.offices


def test_the_command_refuses_a_folder_without_the_source(tmp_path):
    with pytest.raises(CommandError, match="holds no .json file"):
        call_command("build_federal_contacts", str(tmp_path))


# The shipped file --------------------------------------------------------------------------------


def test_the_shipped_file_names_nobody_the_excerpts_name():
    people = people_named(EXCERPTS)
    assert len(people) > 20
    assert [(v, names_someone(v, people)) for v in shipped_values() if names_someone(v, people)] == []


def test_the_shipped_file_holds_no_phone_number():
    phone = re.compile(r"\(?\b\d{3}\)?[ .-]\d{3}[ .-]\d{4}\b")
    assert [v for v in shipped_values() if phone.search(v)] == []


def test_the_shipped_offices_are_unique_and_dated():
    offices = read_offices()
    assert len(offices) > 400
    assert len({o.id for o in offices}) == len({match_key(o.name) for o in offices}) == len(offices)
    assert {o.source_date for o in offices} == {"2017-07-25"}
    assert all(o.source_url.startswith(f"https://github.com/18F/2015-foia/blob/{COMMIT}/contacts/data/")
               for o in offices)


def test_every_shipped_value_fits_its_database_column():
    """SQLite does not hold text to a column's length; PostgreSQL refuses the whole load."""
    from requests_app.agencies.models import Agency, AgencyAlias

    too_long = [
        (o.id, what, len(value)) for o in read_offices() for what, value, field in (
            ("id", o.id, Agency._meta.get_field("federal_foia_office")),
            ("name", o.name, Agency._meta.get_field("name")),
            ("abbreviation", o.abbreviation or "", AgencyAlias._meta.get_field("name")),
            ("request form", o.request_form or "", Agency._meta.get_field("portal_url")),
            *(("email", email, Agency._meta.get_field("records_email")) for email in o.emails),
        ) if len(value) > field.max_length
    ]
    assert too_long == []


@needs_source
def test_the_shipped_file_names_nobody_the_source_names():
    people = people_named(SOURCE)
    assert len(people) > 400
    assert [(v, names_someone(v, people)) for v in shipped_values() if names_someone(v, people)] == []


@needs_source
def test_the_shipped_file_is_what_the_build_makes_of_the_source(tmp_path):
    write_offices(build_offices(SOURCE), tmp_path / "offices.json")
    assert (tmp_path / "offices.json").read_text(encoding="utf-8") == OFFICES_FILE.read_text(encoding="utf-8")
