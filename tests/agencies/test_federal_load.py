"""Loading the federal FOIA offices onto the directory: matching, new agencies, contacts to
verify, re-loads and people's edits. Each test loads a few offices of the shipped file;
``test_directory_load.py`` loads all of them with the rest of the directory."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from requests_app.agencies import contacts
from requests_app.agencies.federal_load import load_federal_offices
from requests_app.agencies.federal_offices import OFFICES_FILE
from requests_app.agencies.models import Agency, AgencyAlias, AgencyContactChange
from tests.agencies.test_directory_update import SPRINGFIELD, fbi, write
from tests.factories import AgencyFactory, state

pytestmark = pytest.mark.django_db

OFFICES = {
    "doj/federal-bureau-of-investigation", "doj/drug-enforcement-administration",
    "doj/bureau-of-alcohol-tobacco-firearms-and-explosives", "doj/united-states-marshals-service",
    "dhs/u-s-immigration-customs-enforcement", "dhs/homeland-security-investigations",
    "dhs/u-s-customs-border-protection", "dhs/u-s-border-patrol", "dhs/united-states-secret-service",
    "tva/tennessee-valley-authority", "tva/tennessee-valley-authority-police",
}
ICE_EMAIL = "ice-foia@dhs.gov"
DOJ_SOURCE = "https://github.com/18F/2015-foia/blob/f9503d261c0c1613d95504bc8ac26ce8822cbfa4/contacts/data/DOJ.json"


def offices_file(folder: Path, ids=OFFICES, **changes) -> Path:
    """Some offices of the shipped file; ``changes`` maps an office id to values replaced in it."""
    document = json.loads(OFFICES_FILE.read_text(encoding="utf-8"))
    document["offices"] = [{**o, **changes.get(o["id"], {})} for o in document["offices"] if o["id"] in ids]
    path = folder / "offices.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def federal(name: str, **fields) -> Agency:
    """A federal agency as the Flock network gives it to the directory: no contact."""
    return AgencyFactory(**{"name": name, "jurisdiction": state("US"), "kind": Agency.Kind.FEDERAL,
                            "mailing_address": "", "in_flock_network": True, **fields})


@pytest.fixture
def directory():
    """The federal agencies the directory has before the offices are loaded."""
    return {
        "fbi": federal("Federal Bureau of Investigation (FBI)", flock_id="federal-federal-bureau-of-investigation-fbi"),
        "tva_police": federal("Tennessee Valley Authority Police"),
        "fort_eustis": federal("Fort Eustis US Army (VA)"),
    }


@pytest.fixture
def offices(tmp_path) -> Path:
    return offices_file(tmp_path)


def us(name: str) -> Agency:
    return Agency.objects.get(jurisdiction__code="US", name=name)


# Matching and adding ---------------------------------------------------------------------------


def test_the_directorys_fbi_is_the_fbi_office(directory, offices):
    report = load_federal_offices(path=offices)
    fbi = Agency.objects.get(pk=directory["fbi"].pk)
    assert (fbi.name, fbi.federal_foia_office) == (
        "Federal Bureau of Investigation (FBI)", "doj/federal-bureau-of-investigation")
    assert (fbi.records_email, fbi.portal_url) == ("foiparequest@ic.fbi.gov", "https://efoia.fbi.gov")
    assert fbi.mailing_address == ("Record/Information Dissemination Section, Records Management Division\n"
                                   "170 Marcel Drive\nWinchester, VA 22602-4843")
    assert set(fbi.aliases.filter(source="federal").values_list("name", flat=True)) == {
        "FBI", "Federal Bureau of Investigation"}
    assert (report.read, report.matched, report.created) == (11, 2, 9)


def test_a_unit_in_the_directory_takes_the_contact_of_the_office_that_answers_for_it(directory, offices):
    load_federal_offices(path=offices)
    police = Agency.objects.get(pk=directory["tva_police"].pk)
    assert (police.federal_foia_office, police.records_email) == (
        "tva/tennessee-valley-authority-police", "foia@tva.gov")


def test_a_federal_field_unit_is_left_alone(directory, offices):
    load_federal_offices(path=offices)
    base = Agency.objects.get(pk=directory["fort_eustis"].pk)
    assert (base.federal_foia_office, base.records_email, base.portal_url, base.mailing_address) == (None, "", "", "")
    assert not base.contact_changes.exists()


@pytest.mark.parametrize("name, abbreviation, email", [
    ("Drug Enforcement Administration", "DEA", "dea.foia@usdoj.gov"),
    ("Bureau of Alcohol, Tobacco, Firearms, and Explosives", "ATF", "foiamail@atf.gov"),
    ("United States Marshals Service", "USMS", "usms.foia@usdoj.gov"),
    ("U.S. Immigration and Customs Enforcement", "ICE", ICE_EMAIL),
    ("Homeland Security Investigations", "HSI", ICE_EMAIL),
    ("U.S. Customs and Border Protection", "CBP", ""),
    ("United States Secret Service", "USSS", "FOIA@usss.dhs.gov"),
])
def test_components_the_directory_lacks_are_added_under_their_full_names(directory, offices, name, abbreviation, email):
    load_federal_offices(path=offices)
    agency = us(name)
    assert (agency.kind, agency.records_email) == (Agency.Kind.FEDERAL, email)
    assert list(agency.aliases.values_list("name", "source")) == [(abbreviation, "federal")]


def test_hsi_and_border_patrol_take_ice_and_cbps_contact(directory, offices):
    load_federal_offices(path=offices)
    ice, hsi = us("U.S. Immigration and Customs Enforcement"), us("Homeland Security Investigations")
    assert (hsi.records_email, hsi.portal_url, hsi.mailing_address) == (ice.records_email, ice.portal_url,
                                                                         ice.mailing_address)
    assert us("U.S. Border Patrol").portal_url == us("U.S. Customs and Border Protection").portal_url != ""
    assert hsi.notes.startswith("A directorate of U.S. Immigration and Customs Enforcement: ICE's FOIA office")
    assert set(hsi.contact_changes.get().after) == {"records_email", "portal_url", "mailing_address"}
    assert not ice.notes


def test_a_units_note_leaves_notes_someone_wrote(directory, offices):
    Agency.objects.filter(pk=directory["tva_police"].pk).update(notes="Call ahead.")
    load_federal_offices(path=offices)
    assert Agency.objects.get(pk=directory["tva_police"].pk).notes == "Call ahead."


def test_an_agency_someone_made_under_the_offices_name_is_linked_not_duplicated(directory, offices):
    dea = federal("Drug Enforcement Administration", in_flock_network=False, records_email="foia@dea.example.gov")
    load_federal_offices(path=offices)
    assert Agency.objects.filter(name="Drug Enforcement Administration").get().pk == dea.pk
    dea.refresh_from_db()
    assert dea.federal_foia_office == "doj/drug-enforcement-administration"
    assert dea.records_email == "foia@dea.example.gov"  # set without a recorded change: someone's
    assert dea.mailing_address.endswith("Springfield, VA 22152")


def test_an_agency_unlinked_by_hand_is_not_taken_again(directory, offices):
    load_federal_offices(path=offices)
    ice = us("U.S. Immigration and Customs Enforcement")
    ice.federal_foia_office = None
    ice.mark_edited(["federal_foia_office"])
    ice.save()
    report = load_federal_offices(path=offices)
    assert Agency.objects.filter(name=ice.name).count() == 1
    assert Agency.objects.get(pk=ice.pk).federal_foia_office is None
    assert report.skipped == [
        "U.S. Immigration and Customs Enforcement: an agency unlinked from it by hand has the name"]


# Contacts to verify ---------------------------------------------------------------------------------


def test_each_value_carries_its_source_and_date_and_is_to_verify(directory, offices):
    load_federal_offices(path=offices)
    fbi = Agency.objects.get(pk=directory["fbi"].pk)
    change = fbi.contact_changes.get()
    assert (change.via, change.source_url, change.verified_on, change.to_verify) == (
        "federal", DOJ_SOURCE, date(2017, 7, 25), True)
    assert change.changed_by is None and change.organization is None
    assert change.after == {"records_email": fbi.records_email, "portal_url": fbi.portal_url,
                            "mailing_address": fbi.mailing_address}
    facts = {f.field: f for f in contacts.contact_facts(fbi, contacts.provenance_changes(fbi))}
    assert [(f.to_verify, f.source_url, f.verified_on) for f in (facts["records_email"], facts["portal_url"])] == [
        (True, DOJ_SOURCE, date(2017, 7, 25))] * 2
    assert facts["phone"] == contacts.ContactFact("phone", "Phone", "")  # the source's phones are not shipped
    assert fbi.edited_fields == []  # loaded values are not a person's edits


def test_a_second_load_changes_nothing(directory, offices, django_assert_max_num_queries):
    first = load_federal_offices(path=offices)
    counts = (Agency.objects.count, AgencyContactChange.objects.count, AgencyAlias.objects.count)
    before = [count() for count in counts]
    with django_assert_max_num_queries(8):
        second = load_federal_offices(path=offices)
    assert (second.linked, second.matched, second.created) == (11, 0, 0)
    assert (second.values["set"], second.values["unchanged"]) == (0, first.values["set"])
    assert [count() for count in counts] == before


def test_a_contact_a_person_edited_is_never_overwritten(alice_client, directory, offices):
    load_federal_offices(path=offices)
    ice = us("U.S. Immigration and Customs Enforcement")
    alice_client.post(reverse("agency-contact", args=[ice.pk]), {
        "records_email": "records@ice.example.gov", "portal_url": ice.portal_url, "mailing_address": "",
        "phone": "", "source_url": "https://www.ice.gov/foia", "verified_on": "2026-11-20",
    })
    report = load_federal_offices(path=offices_file(offices.parent, **{
        "dhs/u-s-immigration-customs-enforcement": {"emails": ["new-foia@ice.example.gov"]}}))
    ice.refresh_from_db()
    assert (ice.records_email, ice.mailing_address) == ("records@ice.example.gov", "")
    assert report.values["kept"] == 2
    facts = {f.field: f for f in contacts.contact_facts(ice, contacts.provenance_changes(ice))}
    assert not facts["records_email"].to_verify and not facts["portal_url"].to_verify


def test_a_later_change_by_a_person_is_kept_even_unmarked(directory, offices):
    load_federal_offices(path=offices)
    dea = us("Drug Enforcement Administration")
    AgencyContactChange.objects.create(agency=dea, via=AgencyContactChange.Via.IMPORT,
                                       before={"records_email": dea.records_email},
                                       after={"records_email": "records@dea.example.gov"},
                                       source_url="https://www.dea.gov/foia", verified_on=date(2026, 11, 1))
    Agency.objects.filter(pk=dea.pk).update(records_email="records@dea.example.gov")  # edited_fields left empty
    report = load_federal_offices(path=offices)
    assert us("Drug Enforcement Administration").records_email == "records@dea.example.gov"
    assert report.values["kept"] == 1


def test_a_data_update_replaces_loaded_values_nobody_touched(directory, offices):
    load_federal_offices(path=offices)
    report = load_federal_offices(path=offices_file(offices.parent, **{
        "dhs/united-states-secret-service": {"emails": ["foia@secretservice.example.gov"], "abbreviation": "USS"}}))
    usss = us("United States Secret Service")
    assert usss.records_email == "foia@secretservice.example.gov" and report.values["set"] == 1
    assert usss.contact_changes.first().after == {"records_email": "foia@secretservice.example.gov"}
    assert list(usss.aliases.values_list("name", flat=True)) == ["USS"]
    assert (report.aliases["created"], report.aliases["deleted"]) == (1, 1)


def test_a_malformed_file_is_refused_with_its_problem(tmp_path):
    path = tmp_path / "offices.json"
    path.write_text(json.dumps({"offices": [{"id": "x", "name": "X"}]}), encoding="utf-8")
    with pytest.raises(ValueError, match="office 1 is malformed"):
        load_federal_offices(path=path)
    assert not Agency.objects.filter(jurisdiction__code="US").exists()


def test_the_command_loads_the_offices_after_the_directory_and_says_how_many(tmp_path, offices):
    out = StringIO()
    call_command("load_agency_directory", "--data-dir", str(write(tmp_path / "v1", fbi_rows=[fbi(*SPRINGFIELD)])),
                 "--federal-offices", str(offices), stdout=out)
    assert ("Federal FOIA offices: 11 read (18F, FOIA.gov data of 25 Jul 2017); 0 matched to agencies already in "
            "the directory, 11 added as agencies, 0 already linked") in out.getvalue()
    assert "Federal contact values (to verify): 25 set, 0 unchanged, 0 kept as a person edited them" in out.getvalue()


def test_the_command_refuses_a_bad_offices_file_and_loads_nothing(tmp_path):
    (tmp_path / "offices.json").write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match=r"^offices.json is not JSON \(.*\): the directory was not loaded$"):
        call_command("load_agency_directory", "--data-dir", str(write(tmp_path / "v1", fbi_rows=[fbi(*SPRINGFIELD)])),
                     "--federal-offices", str(tmp_path / "offices.json"))
    assert not Agency.objects.exists()


# The pages ------------------------------------------------------------------------------------------


def test_the_agency_page_shows_the_contact_to_verify_with_its_source_and_date(alice_client, directory, offices):
    load_federal_offices(path=offices)
    ice = us("U.S. Immigration and Customs Enforcement")
    page = alice_client.get(reverse("agency-detail", args=[ice.pk])).content.decode()
    assert page.count("to&nbsp;verify") == 3  # email, request form, address
    assert page.count("as of 25 Jul 2017") == 4  # the three, and the change in the recent changes
    assert f'href="{DOJ_SOURCE.replace("DOJ.json", "DHS.json")}"' in page
    assert "taken from the federal FOIA contact list 18F published in 2017" in page
    assert "Federal FOIA office: 18F&#x27;s FOIA contact list" in page  # the credit


def test_a_persons_confirmation_clears_the_mark(alice_client, directory, offices):
    load_federal_offices(path=offices)
    ice = us("U.S. Immigration and Customs Enforcement")
    alice_client.post(reverse("agency-contact", args=[ice.pk]), {
        "records_email": ice.records_email, "portal_url": ice.portal_url, "mailing_address": ice.mailing_address,
        "phone": "", "source_url": "https://www.ice.gov/foia", "verified_on": "2026-11-20",
    })
    page = alice_client.get(reverse("agency-detail", args=[ice.pk])).content.decode()
    assert "to&nbsp;verify" not in page and "federal FOIA contact list 18F" not in page
    assert page.count("verified 20 Nov 2026") == 3


def test_the_contact_history_says_where_loaded_values_come_from(alice_client, directory, offices):
    load_federal_offices(path=offices)
    page = alice_client.get(reverse("agency-contact", args=[directory["fbi"].pk])).content.decode()
    assert "loaded with the directory · Federal FOIA contacts (18F, 2017) · " in page
    assert "to verify" in page and "as of 25 Jul 2017" in page
