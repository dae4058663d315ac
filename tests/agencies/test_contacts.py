"""Records contacts: the edit form, the needs-contact list, the CSV import and what the
agency page shows of them."""

from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from requests_app.agencies.directory_load import load_directory
from requests_app.agencies.models import Agency, AgencyAlias, AgencyContactChange, AlprVendor, VendorEvidence
from requests_app.teams.models import Role
from tests.agencies.test_directory_update import SPRINGFIELD, fbi, flock, write
from tests.factories import AgencyFactory as _AgencyFactory
from tests.factories import MembershipFactory, OrganizationFactory, draft_request, state


def AgencyFactory(**fields) -> Agency:
    """Agencies here start with no contact at all (the shared factory gives them an address)."""
    return _AgencyFactory(**{"mailing_address": "", **fields})

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 27)  # the suite's clock (see tests/teams/test_roles.py)
SOURCE = "https://www.eugene-or.gov/records"
HEADER = "name,state,email,portal_url,address,phone,source_url,verified_on\n"


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to("2026-11-27 15:00:00+00:00", tick=False)


@pytest.fixture
def eugene():
    return AgencyFactory(name="Eugene Police Department", jurisdiction=state("OR"), ori="OR0200300",
                         in_flock_network=True, population=177_000)


def contact_post(**changes) -> dict[str, str]:
    data = {"records_email": "prr@eugene.example.gov", "portal_url": "", "mailing_address": "",
            "phone": "", "source_url": SOURCE, "verified_on": "2026-11-20"}
    data.update(changes)
    return data


def client_for(organization, role: str) -> Client:
    client = Client()
    client.force_login(MembershipFactory(organization=organization, role=role).user)
    return client


# The contact form ---------------------------------------------------------------------


def test_the_form_saves_the_contact_with_its_source_date_and_editor(alice_client, alice, eugene):
    response = alice_client.post(reverse("agency-contact", args=[eugene.pk]),
                                 contact_post(mailing_address="300 Country Club Road\r\nEugene, OR 97401\r\n"))
    assert response.status_code == 302 and response.url == reverse("agency-detail", args=[eugene.pk])
    eugene.refresh_from_db()
    assert eugene.records_email == "prr@eugene.example.gov"
    assert eugene.mailing_address == "300 Country Club Road\nEugene, OR 97401"
    assert (eugene.contact_source_url, eugene.contact_verified_on) == (SOURCE, date(2026, 11, 20))
    assert eugene.edited_fields == ["mailing_address", "records_email"]
    change = AgencyContactChange.objects.get()
    assert (change.agency, change.changed_by, change.organization) == (eugene, alice.user, alice.organization)
    assert change.via == "form" and change.changed_fields == ["records_email", "mailing_address"]
    assert change.summary[0] == "records email: — → prr@eugene.example.gov"


def test_the_form_starts_from_the_stored_contact_and_today(alice_client, eugene):
    eugene.phone = "(541) 555-0100"
    eugene.save()
    form = alice_client.get(reverse("agency-contact", args=[eugene.pk])).context["form"]
    assert form.initial["phone"] == "(541) 555-0100" and form.initial["verified_on"] == TODAY
    assert "source_url" not in form.initial  # each edit cites its own source


def test_the_form_requires_a_source_url(alice_client, eugene):
    response = alice_client.post(reverse("agency-contact", args=[eugene.pk]), contact_post(source_url=""))
    assert response.status_code == 200
    assert response.context["form"].errors["source_url"] == ["This field is required."]
    eugene.refresh_from_db()
    assert eugene.records_email == "" and not AgencyContactChange.objects.exists()


@pytest.mark.parametrize("field", ["source_url", "portal_url"])
@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://files.example.gov/x", "data:text/html,hi"])
def test_the_form_refuses_urls_that_are_not_http(alice_client, eugene, field, url):
    response = alice_client.post(reverse("agency-contact", args=[eugene.pk]), contact_post(**{field: url}))
    errors = response.context["form"].errors[field]
    assert errors == [f"malformed {field} {url!r} (it must start with http:// or https://)"]
    assert not AgencyContactChange.objects.exists()


def test_the_form_refuses_a_date_in_the_future(alice_client, eugene):
    response = alice_client.post(reverse("agency-contact", args=[eugene.pk]), contact_post(verified_on="2026-11-28"))
    assert response.context["form"].errors["verified_on"] == [
        "verified_on 2026-11-28 is in the future (today is 2026-11-27)"
    ]
    assert not AgencyContactChange.objects.exists()


def test_the_form_applies_the_importers_rules(alice_client, eugene):
    response = alice_client.post(reverse("agency-contact", args=[eugene.pk]),
                                 contact_post(records_email="not-an-email", phone="call us"))
    errors = response.context["form"].errors
    assert errors["records_email"] == ["malformed email 'not-an-email'"]
    assert errors["phone"] == ["malformed phone 'call us'"]


def test_clearing_a_field_is_recorded_and_a_confirmation_changes_nothing_but_the_date(alice_client, eugene):
    url = reverse("agency-contact", args=[eugene.pk])
    alice_client.post(url, contact_post(phone="541-555-0100"))
    alice_client.post(url, contact_post(phone="", verified_on="2026-11-25"))
    alice_client.post(url, contact_post(verified_on="2026-11-26", source_url="https://eugene.example.gov/prr"))
    eugene.refresh_from_db()
    assert eugene.phone == "" and eugene.contact_verified_on == date(2026, 11, 26)
    latest, cleared, first = AgencyContactChange.objects.all()
    assert cleared.summary == ["phone: 541-555-0100 → —"]
    assert latest.summary == [] and latest.source_url == "https://eugene.example.gov/prr"


def test_a_viewer_sees_the_form_but_cannot_save(alice, eugene):
    viewer = client_for(alice.organization, Role.VIEWER)
    page = viewer.get(reverse("agency-contact", args=[eugene.pk]))
    assert page.status_code == 200 and "Only editors and owners can change records contacts." in page.content.decode()
    assert viewer.post(reverse("agency-contact", args=[eugene.pk]), contact_post()).status_code == 403
    eugene.refresh_from_db()
    assert eugene.records_email == "" and not AgencyContactChange.objects.exists()


def test_an_unknown_agency_is_404(alice_client):
    assert alice_client.get(reverse("agency-contact", args=[999999])).status_code == 404


def test_the_form_page_lists_the_latest_changes_naming_only_its_own_members(alice_client, alice, bob_client, eugene):
    url = reverse("agency-contact", args=[eugene.pk])
    bob_client.post(url, contact_post(records_email="first-found@eugene.example.gov"))
    alice_client.post(url, contact_post(records_email="second-found@eugene.example.gov"))
    body = alice_client.get(url).content.decode()
    assert "alice (Washington Watch)" in body
    assert "a member of another organization" in body and "Texas Transparency" not in body and ">bob" not in body and "bob (" not in body
    assert "records email: first-found@eugene.example.gov → second-found@eugene.example.gov" in body
    assert body.count("eugene-or.gov</a>, checked 20 Nov 2026") == 2


def test_the_pages_escape_what_members_typed(alice_client):
    agency = AgencyFactory(name="<script>alert(1)</script> PD", in_flock_network=True)
    alice_client.post(reverse("agency-contact", args=[agency.pk]),
                      contact_post(records_email="", mailing_address="<img src=x onerror=alert(2)>",
                                   source_url="https://example.gov/<b>"))
    for url in (reverse("agency-contact", args=[agency.pk]), reverse("agency-detail", args=[agency.pk]),
                reverse("agency-needs-contact")):
        body = alice_client.get(url).content.decode()
        assert "<script>alert(1)" not in body and "<img src=x" not in body and "<b>" not in body, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt; PD" in body, url
    assert "&lt;img src=x onerror=alert(2)&gt;" in alice_client.get(reverse("agency-detail", args=[agency.pk])).content.decode()


# Kept from the directory loader -------------------------------------------------------


def test_a_contact_edit_survives_a_directory_reload(alice_client, tmp_path):
    release = write(tmp_path / "v1", fbi_rows=[fbi(*SPRINGFIELD)],
                    flock_rows=[flock("springfield-oh-pd", "Springfield OH PD", "Springfield", "OH", cameras=5)])
    load_directory(data_dir=release)
    springfield = Agency.objects.get(ori="OH1230100")
    alice_client.post(reverse("agency-contact", args=[springfield.pk]),
                      contact_post(records_email="records@springfield.example.gov", phone="937-555-0100",
                                   portal_url="https://springfield.example.gov/prr"))
    load_directory(data_dir=write(tmp_path / "v2", fbi_rows=[fbi(*SPRINGFIELD)],
                                  flock_rows=[flock("springfield-oh-pd", "Springfield OH PD", "Springfield", "OH",
                                                    cameras=9)]))
    springfield.refresh_from_db()
    assert springfield.cameras == 9  # the reload did update the agency
    assert springfield.records_email == "records@springfield.example.gov"
    assert springfield.portal_url == "https://springfield.example.gov/prr" and springfield.phone == "937-555-0100"
    assert springfield.contact_source_url == SOURCE
    assert {"records_email", "portal_url", "phone"} <= set(springfield.edited_fields)


# The agency page ------------------------------------------------------------------------


def test_the_agency_page_shows_each_contact_with_its_source_and_date(alice_client, eugene):
    url = reverse("agency-contact", args=[eugene.pk])
    alice_client.post(url, contact_post(mailing_address="300 Country Club Road", verified_on="2026-10-01"))
    alice_client.post(url, contact_post(mailing_address="300 Country Club Road", phone="541-555-0100",
                                        source_url="https://lanecounty.example.gov/sheriff"))
    response = alice_client.get(reverse("agency-detail", args=[eugene.pk]))
    facts = {f.field: f for f in response.context["contact_facts"]}
    assert (facts["phone"].source_url, facts["phone"].verified_on) == ("https://lanecounty.example.gov/sheriff",
                                                                       date(2026, 11, 20))
    # The email was given again by the second edit, so that edit vouches for it now.
    assert facts["records_email"].source_url == "https://lanecounty.example.gov/sheriff"
    assert facts["portal_url"].value == "" and facts["portal_url"].source_url == ""
    body = response.content.decode()
    assert "source: <a href=\"https://lanecounty.example.gov/sheriff\"" in body and "verified 20 Nov 2026" in body
    assert "not yet gathered" in body and f'href="{url}">add it</a>' in body


def test_a_value_no_edit_gave_has_no_source(alice_client, eugene):
    alice_client.post(reverse("agency-contact", args=[eugene.pk]), contact_post(phone="541-555-0100"))
    Agency.objects.filter(pk=eugene.pk).update(phone="541-555-0199")  # as import_agencies does, citing nothing
    facts = {f.field: f for f in alice_client.get(reverse("agency-detail", args=[eugene.pk])).context["contact_facts"]}
    assert facts["phone"].source_url == "" and facts["records_email"].source_url == SOURCE


def test_an_agency_without_changes_shows_the_source_stored_on_it(alice_client, eugene):
    Agency.objects.filter(pk=eugene.pk).update(records_email="prr@eugene.example.gov", contact_source_url=SOURCE,
                                               contact_verified_on=date(2026, 1, 5))
    body = alice_client.get(reverse("agency-detail", args=[eugene.pk])).content.decode()
    assert "verified 5 Jan 2026" in body


def test_a_change_citing_no_page_shows_its_note_or_says_so(alice_client, eugene):
    AgencyContactChange.objects.create(agency=eugene, via="admin", after={"phone": "541-555-0100"}, source_url="",
                                       verified_on=date(2026, 11, 2))  # the admin's, with no source URL set
    AgencyContactChange.objects.create(agency=eugene, via="reply", after={"records_email": "prr@eugene.example.gov"},
                                       source_note="a reply from this address to a records request, received on "
                                                   "2026-11-20", verified_on=date(2026, 11, 20))
    body = alice_client.get(reverse("agency-detail", args=[eugene.pk])).content.decode()
    assert "source not recorded, checked 2 Nov 2026" in body and 'href=""' not in body
    assert "learned from a reply" in body and "source: a reply from this address to a records request" in body


def test_a_change_learned_from_a_reply_must_say_where(eugene):
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyContactChange.objects.create(agency=eugene, via="reply", after={"records_email": "a@b.example.gov"},
                                           verified_on=date(2026, 11, 20))


def test_the_agency_page_shows_vendor_evidence_and_labels_the_flock_portal(alice_client, eugene):
    flock_vendor = AlprVendor.objects.create(name="Flock Safety")
    VendorEvidence.objects.create(agency=eugene, vendor=flock_vendor, source="flock_sharing",
                                  detail="Named in 3 sharing lists.", as_of=date(2026, 4, 24))
    VendorEvidence.objects.create(agency=eugene, vendor=flock_vendor, source="flock_portal",
                                  url="https://transparency.flocksafety.com/eugene-or-pd", as_of=date(2026, 4, 24))
    eugene.vendors.add(flock_vendor)
    Agency.objects.filter(pk=eugene.pk).update(flock_portal_url="https://transparency.flocksafety.com/eugene-or-pd",
                                               cameras=12, searches_30d=3400)
    body = alice_client.get(reverse("agency-detail", args=[eugene.pk])).content.decode()
    assert "<strong>Flock sharing list</strong>, 24 Apr 2026" in body and "Named in 3 sharing lists." in body
    assert "<strong>Flock transparency portal</strong>, 24 Apr 2026: <a href=\"https://transparency.flocksafety.com" in body
    assert "It is not a way to request records" in body
    assert "<dt>Cameras</dt><dd>12</dd>" in body and "<dt>Searches, 30 days</dt><dd>3400</dd>" in body


@pytest.mark.parametrize("contact, expected", [
    ({"records_email": "prr@eugene.example.gov"}, "Requests go by email"),
    ({"portal_url": "https://eugene.example.gov/prr"}, "requests go through its records request portal"),
    ({"mailing_address": "300 Country Club Road"}, "requests go by mail"),
    ({}, "Nobody has found where this agency takes records requests yet"),
])
def test_the_agency_page_says_how_a_request_is_sent(alice_client, eugene, contact, expected):
    Agency.objects.filter(pk=eugene.pk).update(**contact)
    assert expected in alice_client.get(reverse("agency-detail", args=[eugene.pk])).content.decode()


def test_the_agency_page_query_count_is_fixed(alice_client, eugene, django_assert_max_num_queries):
    for n in range(8):
        alice_client.post(reverse("agency-contact", args=[eugene.pk]), contact_post(phone=f"541-555-010{n}"))
    with django_assert_max_num_queries(16):
        alice_client.get(reverse("agency-detail", args=[eugene.pk]))


# The needs-contact list ------------------------------------------------------------------


@pytest.fixture
def needing(eugene):
    """Agencies of OR and WA, some with contacts; the names say which."""
    made = {
        "eugene": eugene,
        "salem": AgencyFactory(name="Salem Police Department", jurisdiction=state("OR"), in_flock_network=True,
                               population=175_000, mailing_address="333 Broadway St NE"),
        "bend": AgencyFactory(name="Bend Police Department", jurisdiction=state("OR"), in_flock_network=True,
                              population=100_000),
        "lane": AgencyFactory(name="Lane County Sheriff's Office", jurisdiction=state("OR"), in_flock_network=True,
                              kind=Agency.Kind.SHERIFF),
        "medford": AgencyFactory(name="Medford Police Department", jurisdiction=state("OR"), in_flock_network=False,
                                 population=90_000),
        "emailed": AgencyFactory(name="Emailed Police Department", jurisdiction=state("OR"), in_flock_network=True,
                                 records_email="prr@emailed.example.gov"),
        "portal": AgencyFactory(name="Portal Police Department", jurisdiction=state("OR"), in_flock_network=True,
                                portal_url="https://portal.example.gov/prr"),
        "seattle": AgencyFactory(name="Seattle Police Department", jurisdiction=state("WA"), in_flock_network=True,
                                 population=750_000),
    }
    return made


def listed(response) -> list[str]:
    return [a.name.split()[0] for a in response.context["page"].object_list]


def test_the_list_leaves_out_agencies_with_an_email_or_a_portal_and_starts_with_the_flock_network(
        alice_client, needing):
    response = alice_client.get(reverse("agency-needs-contact"))
    assert listed(response) == ["Seattle", "Eugene", "Salem", "Bend", "Lane"]
    assert response.context["counts"] == {"total": 5, "ours": 0, "by_mail": 1}
    body = response.content.decode()
    assert "<strong>5</strong> agencies need a contact: 0 with your organization's requests, 1 with a mailing address" in body
    assert body.count(">Add contact</a>") == 5


def test_agencies_the_organization_has_requests_with_come_first(alice_client, alice, needing):
    draft_request(organization=alice.organization, agency=needing["lane"], user=alice.user)
    other = MembershipFactory(organization=OrganizationFactory())
    draft_request(organization=other.organization, agency=needing["bend"], user=other.user)
    response = alice_client.get(reverse("agency-needs-contact"))
    assert listed(response) == ["Lane", "Seattle", "Eugene", "Salem", "Bend"]
    assert response.context["counts"]["ours"] == 1
    assert '<span class="tag">your requests</span>' in response.content.decode()


@pytest.mark.parametrize("params, expected", [
    ({"state": "OR"}, ["Eugene", "Salem", "Bend", "Lane"]),
    ({"state": "OR", "kind": "sheriff"}, ["Lane"]),
    ({"in_flock_network": "any", "state": "OR"}, ["Eugene", "Salem", "Bend", "Lane", "Medford"]),
    ({"in_flock_network": "no"}, ["Medford"]),
    ({"state": "WA", "in_flock_network": ""}, ["Seattle"]),
])
def test_the_list_filters_by_state_kind_and_flock_network(alice_client, needing, params, expected):
    response = alice_client.get(reverse("agency-needs-contact"), params)
    assert listed(response) == expected
    assert response.context["counts"]["total"] == len(expected)


def test_an_agency_leaves_the_list_once_its_contact_is_saved(alice_client, needing):
    alice_client.post(reverse("agency-contact", args=[needing["bend"].pk]), contact_post(
        records_email="", portal_url="https://bend.example.gov/records"))
    assert "Bend" not in listed(alice_client.get(reverse("agency-needs-contact")))


def test_the_list_is_paginated_with_its_filters_kept(alice_client, needing, django_assert_max_num_queries):
    for n in range(55):
        AgencyFactory(name=f"Extra {n} Police Department", jurisdiction=state("OR"), in_flock_network=True)
    with django_assert_max_num_queries(12):
        response = alice_client.get(reverse("agency-needs-contact"), {"state": "OR"})
    assert len(response.context["page"].object_list) == 50 and response.context["counts"]["total"] == 59
    assert 'href="?state=OR&amp;page=2"' in response.content.decode()


def test_a_viewer_sees_the_list_without_add_links(alice, needing):
    body = client_for(alice.organization, Role.VIEWER).get(reverse("agency-needs-contact")).content.decode()
    assert "Seattle Police Department" in body and ">Add contact</a>" not in body


# The CSV import --------------------------------------------------------------------------


def run(tmp_path: Path, text: str) -> tuple[str, int]:
    """The command's output and exit code for a file holding ``text``."""
    path = tmp_path / "contacts.csv"
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    try:
        call_command("import_agency_contacts", str(path), stdout=out)
    except CommandError as exc:
        return out.getvalue() + f"\nERROR {exc}", exc.returncode
    return out.getvalue(), 0


def test_it_imports_a_good_file(tmp_path, eugene):
    salem = AgencyFactory(name="Salem Police Department", jurisdiction=state("OR"))
    output, code = run(tmp_path, HEADER
                       + f"Eugene Police Department,OR,prr@eugene.example.gov,,,(541) 555-0100,{SOURCE},2026-11-02\n"
                       + 'SALEM police department,or,,https://salem.example.gov/prr,"555 Liberty St SE\nSalem, OR",,'
                       + "https://salem.example.gov/contact,\n")
    assert code == 0 and output.splitlines()[0] == "updated 2, rejected 0"
    eugene.refresh_from_db()
    salem.refresh_from_db()
    assert (eugene.records_email, eugene.phone, eugene.contact_verified_on) == (
        "prr@eugene.example.gov", "(541) 555-0100", date(2026, 11, 2))
    assert eugene.edited_fields == ["phone", "records_email"]
    assert salem.mailing_address == "555 Liberty St SE\nSalem, OR"
    assert salem.contact_verified_on == TODAY  # a blank verified_on is the day of the import
    assert Agency.objects.count() == 2
    change = AgencyContactChange.objects.get(agency=salem)
    assert change.via == "import" and change.changed_by is None and change.source_url == "https://salem.example.gov/contact"
    assert change.after == {"portal_url": "https://salem.example.gov/prr", "mailing_address": "555 Liberty St SE\nSalem, OR"}


def test_it_reports_bad_rows_by_line_and_writes_only_the_good_ones(tmp_path, eugene):
    AgencyFactory(name="Springfield Police Department", jurisdiction=state("OR"))
    AgencyFactory(name="Springfield Police Dept", jurisdiction=state("OR")).aliases.create(
        name="Springfield Police Department")
    bend = AgencyFactory(name="Bend Police Department", jurisdiction=state("OR"))
    output, code = run(tmp_path, HEADER + "\n".join([
        f"Eugene Police Department,OR,prr@eugene.example.gov,,,,{SOURCE},",
        f"Nowhere Police Department,OR,a@nowhere.example.gov,,,,{SOURCE},",
        f"Springfield Police Department,OR,a@springfield.example.gov,,,,{SOURCE},",
        f"Bend Police Department,OR,not-an-email,,,541-555-0100,{SOURCE},",
        f"Bend Police Department,OR,,javascript:alert(1),,,{SOURCE},",
        f"Bend Police Department,OR,prr@bend.example.gov,,,,{SOURCE},2027-01-01",
        "Bend Police Department,OR,prr@bend.example.gov,,,,,",
        f"Bend Police Department,OR,,,,,{SOURCE},",
        f"Bend Police Department,ZZ,prr@bend.example.gov,,,,{SOURCE},",
        f"Eugene Police Department,OR,other@eugene.example.gov,,,,{SOURCE},",
        "Bend Police Department,OR,prr@bend.example.gov,,,,ftp://bend.example.gov,",
    ]) + "\n")
    assert code == 1
    assert output.splitlines()[0] == "updated 1, rejected 10"
    for expected in [
        "line 3 (Nowhere Police Department): unknown agency 'Nowhere Police Department' in OR",
        "line 4 (Springfield Police Department): ambiguous name: 2 agencies in OR go by 'Springfield Police "
        "Department' (use the ori column to say which)",
        "line 5 (Bend Police Department): malformed email 'not-an-email'",
        "line 6 (Bend Police Department): malformed portal_url 'javascript:alert(1)'",
        "line 7 (Bend Police Department): verified_on 2027-01-01 is in the future",
        "line 8 (Bend Police Department): source_url is missing: give the web page where the contact was found",
        "line 9 (Bend Police Department): gives no contact: fill in email, portal_url, address or phone",
        "line 10 (Bend Police Department): unknown state 'ZZ'",
        "line 11 (Eugene Police Department): same agency as line 2",
        "line 12 (Bend Police Department): malformed source_url 'ftp://bend.example.gov'",
        "10 row(s) rejected; the other rows were imported",
    ]:
        assert expected in output
    eugene.refresh_from_db()
    bend.refresh_from_db()
    assert eugene.records_email == "prr@eugene.example.gov"
    # Line 5's phone was fine, but a rejected row writes nothing.
    assert (bend.records_email, bend.phone, bend.contact_source_url, bend.edited_fields) == ("", "", "", [])
    assert Agency.objects.count() == 4 and AgencyContactChange.objects.count() == 1


def test_it_matches_by_ori(tmp_path, eugene):
    output, code = run(tmp_path, "ori,email,portal_url,address,phone,source_url,verified_on\n"
                                 f"or0200300,prr@eugene.example.gov,,,,{SOURCE},2026-11-02\n"
                                 f"OR9999999,prr@x.example.gov,,,,{SOURCE},\n")
    assert output.splitlines()[0] == "updated 1, rejected 1"
    assert "line 3 (OR9999999): unknown ori 'OR9999999': no agency in the directory has it" in output
    eugene.refresh_from_db()
    assert eugene.records_email == "prr@eugene.example.gov"


def test_an_ori_wins_over_the_name_in_the_same_file(tmp_path, eugene):
    salem = AgencyFactory(name="Salem Police Department", jurisdiction=state("OR"), ori="OR0240100")
    run(tmp_path, "ori,name,state,email,portal_url,address,phone,source_url,verified_on\n"
                  f",Eugene Police Department,OR,prr@eugene.example.gov,,,,{SOURCE},\n"
                  f"OR0240100,Someone Else,OR,prr@salem.example.gov,,,,{SOURCE},\n")
    eugene.refresh_from_db()
    salem.refresh_from_db()
    assert (eugene.records_email, salem.records_email) == ("prr@eugene.example.gov", "prr@salem.example.gov")


def test_it_matches_by_alias_and_flock_short_name(tmp_path, eugene):
    AgencyAlias.objects.create(agency=eugene, name="Eugene PD OR", source="flock")
    lane = AgencyFactory(name="Lane County Sheriff's Office", jurisdiction=state("OR"), kind=Agency.Kind.SHERIFF)
    output, _ = run(tmp_path, HEADER + f"Eugene PD OR,OR,prr@eugene.example.gov,,,,{SOURCE},\n"
                                       f"Lane County SO,OR,records@lane.example.gov,,,,{SOURCE},\n")
    assert output.splitlines()[0] == "updated 2, rejected 0"
    eugene.refresh_from_db()
    lane.refresh_from_db()
    assert (eugene.records_email, lane.records_email) == ("prr@eugene.example.gov", "records@lane.example.gov")


def test_blank_cells_never_erase_and_the_same_file_twice_changes_nothing_more(tmp_path, eugene):
    Agency.objects.filter(pk=eugene.pk).update(phone="541-555-0100", mailing_address="300 Country Club Road")
    text = HEADER + f"Eugene Police Department,OR,prr@eugene.example.gov,,,,{SOURCE},2026-11-02\n"
    run(tmp_path, text)
    output, code = run(tmp_path, text)
    assert code == 0 and "1 of the updated agencies already had these contacts" in output
    eugene.refresh_from_db()
    assert (eugene.phone, eugene.mailing_address) == ("541-555-0100", "300 Country Club Road")
    assert [c.changed_fields for c in AgencyContactChange.objects.all()] == [[], ["records_email"]]


def test_rows_left_blank_are_skipped_with_a_note_and_other_columns_are_notes(tmp_path, eugene):
    bend = AgencyFactory(name="Bend Police Department", jurisdiction=state("OR"), county="Deschutes")
    output, code = run(tmp_path, "name,state,ori,county,flock_portal_url,email,portal_url,address,phone,source_url,"
                                 "verified_on\n"
                                 "Eugene Police Department,OR,OR0200300,Lane,https://transparency.flocksafety.com/x,"
                                 f"prr@eugene.example.gov,,,,{SOURCE},\n"
                                 "Bend Police Department,OR,,Nowhere,,,,,,,\n")
    assert code == 0
    assert output.splitlines()[0] == "updated 1, rejected 0, skipped 1 left blank"
    assert "  skipped line 3 (Bend Police Department): left blank: no contact to import yet" in output
    eugene.refresh_from_db()
    bend.refresh_from_db()
    assert eugene.records_email == "prr@eugene.example.gov" and eugene.flock_portal_url == ""
    assert (bend.county, bend.contact_source_url, bend.edited_fields) == ("Deschutes", "", [])
    assert AgencyContactChange.objects.count() == 1


def test_a_row_with_a_source_but_no_contact_is_still_rejected(tmp_path, eugene):
    output, code = run(tmp_path, HEADER + f"Eugene Police Department,OR,,,,,{SOURCE},\n")
    assert code == 1 and "gives no contact: fill in email, portal_url, address or phone" in output


def test_a_name_a_spreadsheet_export_guarded_reads_back_as_itself(tmp_path):
    plus = AgencyFactory(name="+Plus Township Police", jurisdiction=state("OR"))
    output, code = run(tmp_path, HEADER + f"'+Plus Township Police,OR,prr@plus.example.gov,,,,{SOURCE},\n")
    assert code == 0, output
    plus.refresh_from_db()
    assert plus.records_email == "prr@plus.example.gov"


@pytest.mark.parametrize("text, message", [
    ("", "the file is empty"),
    ("name,state,email\nX,OR,a@b.example.gov\n", "missing columns: portal_url, address, phone, source_url, verified_on"),
    ("ori,email,portal_url,address,phone,verified_on\n", "missing columns: source_url"),
    ("email,portal_url,address,phone,source_url,verified_on\n", "missing columns: name, state"),
])
def test_it_refuses_an_unusable_file_and_imports_nothing(tmp_path, eugene, text, message):
    output, code = run(tmp_path, text)
    assert code == 1 and message in output and "nothing was imported" in output
    assert not AgencyContactChange.objects.exists()


def test_the_upload_page_imports_and_reports(alice_client, alice, eugene):
    upload = SimpleUploadedFile("contacts.csv", (HEADER + f"Eugene Police Department,OR,prr@eugene.example.gov,,,,"
                                                 f"{SOURCE},\nNowhere PD,OR,a@b.example.gov,,,,{SOURCE},\n").encode())
    response = alice_client.post(reverse("agency-contacts-import"), {"file": upload})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<strong>1</strong> agency updated" in body and "<strong>1</strong> row rejected" in body
    assert "line 3 (Nowhere PD): unknown agency" in body
    assert "left blank" not in body  # no row was
    change = AgencyContactChange.objects.get()
    assert (change.changed_by, change.organization, change.via) == (alice.user, alice.organization, "import")


def test_the_upload_page_lists_the_rows_left_blank(alice_client, eugene):
    upload = SimpleUploadedFile("contacts.csv", (HEADER + f"Eugene Police Department,OR,prr@eugene.example.gov,,,,"
                                                 f"{SOURCE},\nSalem Police Department,OR,,,,,,\n").encode())
    body = alice_client.post(reverse("agency-contacts-import"), {"file": upload}).content.decode()
    assert "<strong>0</strong> rows rejected; 1 row left blank, skipped." in body
    assert "line 3 (Salem Police Department): left blank: no contact to import yet" in body


def test_the_upload_page_says_why_a_file_is_unusable(alice_client, eugene):
    upload = SimpleUploadedFile("contacts.csv", b"name,state\nEugene Police Department,OR\n")
    response = alice_client.post(reverse("agency-contacts-import"), {"file": upload})
    assert "missing columns: email" in response.context["form"].errors["file"][0]
    assert "nothing was imported" in response.content.decode()


def test_a_viewer_cannot_import(alice, eugene):
    upload = SimpleUploadedFile("contacts.csv", (HEADER + f"Eugene Police Department,OR,a@b.example.gov,,,,"
                                                 f"{SOURCE},\n").encode())
    viewer = client_for(alice.organization, Role.VIEWER)
    assert viewer.post(reverse("agency-contacts-import"), {"file": upload}).status_code == 403
    assert not AgencyContactChange.objects.exists()
