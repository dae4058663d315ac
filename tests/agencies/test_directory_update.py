"""Re-running the directory load after a data update, on small files of the real format."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from requests_app.agencies.directory_load import load_directory
from requests_app.agencies.importer import import_agencies
from requests_app.agencies.models import Agency, AgencyAlias, AlprVendor, VendorEvidence
from tests.factories import AgencyFactory, MembershipFactory, UserFactory, draft_request, state

pytestmark = pytest.mark.django_db

FBI_HEADER = "ori,county,latitude,longitude,state_abbr,state,agency_name,agency_type,is_nibrs,nibrs_start_date"
FLOCK_HEADER = (
    "id,name,city_or_county,state,type,is_portal,portal_slug,portal_url,cameras,searches_30d,vehicles_30d,"
    "hotlist_hits_30d,connection_count,population,is_junk,is_inactive,is_likely_aggregator,aliases,lon,lat,geocode_method"
)
NC_HEADER = "id,name,type,city,county,notes,company,cams_confirmed,cams_portal,flock_portal_url,document_url"

SPRINGFIELD = ("OH1230100", "CLARK", "Springfield Police Department", "City")
SHELBY = ("OH0750000", "SHELBY", "Shelby County Sheriff's Office", "County")
FORTVILLE_PLACE = ("IN0300200", "HANCOCK", "Fortville", "NA")


def fbi(ori, county, name, agency_type, state_code=None):
    code = state_code or ori[:2]
    return [ori, county, "0", "0", code, code, name, agency_type, "TRUE", ""]


def flock(flock_id, name, place, state_code, kind="pd", cameras=0, portal="", aliases="", inactive=False):
    return [flock_id, name, place, state_code, kind, str(bool(portal)), "", portal, str(cameras), "0", "0", "0",
            "1", "0", "False", str(inactive), "False", aliases, "0", "0", "place"]


def write(folder: Path, *, fbi_rows=(), flock_rows=(), nc_rows=()) -> Path:
    folder.mkdir(exist_ok=True)
    for name, header, rows in (
        ("fbi_cde_agencies_2025-02.csv", FBI_HEADER, fbi_rows),
        ("flock_network_agencies_2026-04.csv", FLOCK_HEADER, flock_rows),
        ("nando_nc_alpr_vendor_survey_2024-04.csv", NC_HEADER, nc_rows),
    ):
        with (folder / name).open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(header.split(","))
            writer.writerows(rows)
    return folder


@pytest.fixture
def release_1(tmp_path) -> Path:
    return write(
        tmp_path / "v1",
        fbi_rows=[fbi(*SPRINGFIELD), fbi(*SHELBY)],
        flock_rows=[
            flock("springfield-oh-pd", "Springfield OH PD", "Springfield", "OH", cameras=5,
                  portal="https://transparency.flocksafety.com/springfield-oh-pd"),
            flock("shelby-county-oh-so", "Shelby County OH SO", "Shelby County", "OH", kind="so"),
            flock("newtown-oh-pd", "Newtown OH PD", "Newtown", "OH"),
        ],
    )


def test_it_loads_the_roster_and_the_network(release_1):
    report = load_directory(data_dir=release_1)
    springfield = Agency.objects.get(ori="OH1230100")
    assert (springfield.flock_id, springfield.cameras, springfield.fbi_match) == ("springfield-oh-pd", 5, "exact")
    assert springfield.flock_stats_as_of == date(2026, 4, 24)
    assert sorted(springfield.vendor_evidence.values_list("source", flat=True)) == ["flock_portal", "flock_sharing"]
    assert [v.name for v in springfield.vendors.all()] == ["Flock Safety"]
    assert springfield.aliases.get().name == "Springfield OH PD"
    newtown = Agency.objects.get(flock_id="newtown-oh-pd")
    assert (newtown.name, newtown.ori, newtown.fbi_match) == ("Newtown Police Department", None, "none")
    assert (report.created, report.plan.flock_unmatched) == (3, 1)


def test_a_data_update_changes_agencies_in_place(release_1, tmp_path):
    load_directory(data_dir=release_1)
    shelby = Agency.objects.get(ori="OH0750000")
    release_2 = write(
        tmp_path / "v2",
        fbi_rows=[fbi(*SPRINGFIELD), fbi(*SHELBY)],
        flock_rows=[flock("springfield-oh-pd", "Springfield OH PD", "Springfield", "OH", cameras=7,
                          portal="https://transparency.flocksafety.com/springfield-oh-pd")],
    )
    report = load_directory(data_dir=release_2)
    assert Agency.objects.count() == 3 and report.created == 0
    assert Agency.objects.get(ori="OH1230100").cameras == 7
    shelby.refresh_from_db()
    assert not shelby.in_flock_network and report.left_network == 2
    assert not shelby.vendor_evidence.exists() and not shelby.vendors.exists()
    assert not AgencyAlias.objects.filter(agency=shelby, source="flock").exists()


def test_an_agency_with_requests_is_never_deleted(release_1, tmp_path):
    load_directory(data_dir=release_1)
    membership = MembershipFactory()
    own = AgencyFactory(name="Springfield Watch Office", jurisdiction=state("OH"))
    newtown = Agency.objects.get(flock_id="newtown-oh-pd")
    for agency in (own, newtown):
        draft_request(organization=membership.organization, agency=agency, user=membership.user)
    load_directory(data_dir=write(tmp_path / "v2", fbi_rows=[fbi(*SHELBY)]))
    assert Agency.objects.filter(pk__in=[own.pk, newtown.pk]).count() == 2
    assert Agency.objects.count() == 4
    assert newtown.requests.count() == 1


def test_a_network_agency_is_joined_when_the_roster_adds_it(release_1, tmp_path):
    load_directory(data_dir=release_1)
    newtown = Agency.objects.get(flock_id="newtown-oh-pd")
    release_2 = write(
        tmp_path / "v2",
        fbi_rows=[fbi(*SPRINGFIELD), fbi(*SHELBY), fbi("OH0310900", "HAMILTON", "Newtown Police Department", "City")],
        flock_rows=[flock("newtown-oh-pd", "Newtown OH PD", "Newtown", "OH")],
    )
    load_directory(data_dir=release_2)
    newtown.refresh_from_db()
    assert (newtown.ori, newtown.county, newtown.fbi_match) == ("OH0310900", "Hamilton", "exact")
    assert Agency.objects.count() == 3


def test_a_flock_id_moves_to_the_agency_it_now_joins(tmp_path):
    fortville = flock("fortville-in-pd", "Fortville IN PD", "Fortville", "IN")
    load_directory(data_dir=write(tmp_path / "v1", fbi_rows=[fbi(*FORTVILLE_PLACE)], flock_rows=[fortville]))
    roster_entry = Agency.objects.get(ori="IN0300200")
    assert (roster_entry.name, roster_entry.flock_id, roster_entry.fbi_match) == (
        "Fortville Police Department", "fortville-in-pd", "place",
    )
    load_directory(data_dir=write(
        tmp_path / "v2",
        fbi_rows=[fbi(*FORTVILLE_PLACE), fbi("IN0300900", "HANCOCK", "Fortville Police Department", "City")],
        flock_rows=[fortville],
    ))
    roster_entry.refresh_from_db()
    assert (roster_entry.name, roster_entry.flock_id, roster_entry.in_flock_network) == ("Fortville", None, False)
    department = Agency.objects.get(ori="IN0300900")
    assert (department.flock_id, department.fbi_match) == ("fortville-in-pd", "exact")


def test_fields_edited_by_hand_are_never_overwritten(release_1):
    load_directory(data_dir=release_1)
    springfield = Agency.objects.get(ori="OH1230100")
    springfield.name, springfield.cameras, springfield.population = "Springfield (Ohio) Police", 99, 1000
    springfield.mark_edited(["name", "cameras"])
    springfield.save()
    report = load_directory(data_dir=release_1)
    springfield.refresh_from_db()
    assert (springfield.name, springfield.cameras, springfield.population) == ("Springfield (Ohio) Police", 99, None)
    assert report.kept_edits == 2
    # Its planned name is kept as an alias, so lookups by it still find the agency.
    assert springfield.aliases.filter(name="Springfield Police Department").exists()


def test_an_imported_file_marks_its_fields_as_edited_and_records_vendor_evidence(release_1):
    load_directory(data_dir=release_1)
    header = b"name,state,kind,email,portal_url,address,phone,alpr_vendor,notes\n"
    import_agencies(data=header + b"Springfield Police Department,OH,other,records@springfield.example.gov,,,,Rekor,\n")
    springfield = Agency.objects.get(ori="OH1230100")
    assert set(springfield.edited_fields) == {"kind", "records_email"}
    assert springfield.vendor_evidence.get(vendor__name="Rekor").source == VendorEvidence.Source.USER
    load_directory(data_dir=release_1)
    springfield.refresh_from_db()
    assert springfield.kind == Agency.Kind.OTHER
    assert sorted(v.name for v in springfield.vendors.all()) == ["Flock Safety", "Rekor"]


def test_a_blank_kind_in_an_imported_file_keeps_the_stored_kind(release_1):
    load_directory(data_dir=release_1)
    header = b"name,state,kind,email,portal_url,address,phone,alpr_vendor,notes\n"
    import_agencies(data=header + b"Shelby County Sheriff's Office,OH,,,,,,,Checked\n")
    shelby = Agency.objects.get(ori="OH0750000")
    assert (shelby.kind, shelby.notes, shelby.edited_fields) == (Agency.Kind.SHERIFF, "Checked", ["notes"])


def test_the_survey_adds_vendor_evidence_in_north_carolina(tmp_path):
    load_directory(data_dir=write(
        tmp_path / "v1",
        fbi_rows=[fbi("NC0260100", "CUMBERLAND", "Fayetteville Police Department", "City")],
        nc_rows=[["2829", "Fayetteville NC PD", "PD", "Fayetteville", "Cumberland", "Confirmed by dept.", "Rekor",
                  "Unknown", "NA", "NA", ""]],
    ))
    fayetteville = Agency.objects.get(ori="NC0260100")
    evidence = fayetteville.vendor_evidence.get()
    assert (evidence.vendor.name, evidence.source, evidence.as_of) == ("Rekor", "nc_survey", date(2024, 4, 30))
    assert "Confirmed by dept." in evidence.detail
    assert [v.name for v in fayetteville.vendors.all()] == ["Rekor"]


def test_the_command_says_which_file_is_missing(tmp_path):
    with pytest.raises(CommandError, match="cannot read .*fbi_cde_agencies_2025-02.csv"):
        call_command("load_agency_directory", "--data-dir", str(tmp_path))
    assert not Agency.objects.exists()


def test_an_edit_in_the_admin_marks_the_changed_fields(client, release_1):
    load_directory(data_dir=release_1)
    springfield = Agency.objects.get(ori="OH1230100")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:agencies_agency_change", args=[springfield.pk])
    form = client.get(url).context["adminform"].form
    data = {name: field.widget.format_value(form.initial.get(name)) or "" for name, field in form.fields.items()}
    data.update({
        "city": "Springfield Township", "records_email": "records@springfield.example.gov",
        "in_flock_network": "on", "edited_fields": "[]", "initial-edited_fields": "[]",
        "aliases-TOTAL_FORMS": "0", "aliases-INITIAL_FORMS": "0",
        "vendor_evidence-TOTAL_FORMS": "0", "vendor_evidence-INITIAL_FORMS": "0",
    })
    data = {k: v for k, v in data.items() if v is not None}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    springfield.refresh_from_db()
    assert {"city", "records_email"} <= set(springfield.edited_fields)
    assert [v.name for v in springfield.vendors.all()] == ["Flock Safety"]  # still in step with its evidence
    # The contact part of the edit is in the agency's contact history, as a form edit would be.
    change = springfield.contact_changes.get()
    assert (change.via, change.after, change.before) == (
        "admin", {"records_email": "records@springfield.example.gov"}, {"records_email": ""})


def test_vendor_links_follow_evidence_deleted_in_the_admin(client, release_1):
    load_directory(data_dir=release_1)
    springfield = Agency.objects.get(ori="OH1230100")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    evidence = springfield.vendor_evidence.all()
    response = client.post(reverse("admin:agencies_vendorevidence_changelist"), {
        "action": "delete_selected", "_selected_action": [e.pk for e in evidence], "post": "yes",
    })
    assert response.status_code == 302
    assert not springfield.vendors.exists()
    assert AlprVendor.objects.filter(name="Flock Safety").exists()
