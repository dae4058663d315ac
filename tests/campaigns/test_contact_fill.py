"""The campaign page's "Needs a contact" list: filling a contact in on its row, what that does
to the campaign's letters, and sending what can be emailed while listing the rest."""

from __future__ import annotations

from datetime import date

import pytest
import tinyhtml5
from django.core import mail
from django.urls import reverse

from requests_app.agencies.models import AgencyContactChange
from requests_app.campaigns import services
from requests_app.campaigns.views import NEEDS_CONTACT_PAGE
from requests_app.letters.services import letter_finalise
from requests_app.records.services import request_edit_letter
from requests_app.teams.models import Role
from tests.factories import AgencyFactory, MembershipFactory, state

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 27)
SOURCE = "https://www.eugene-or.example.gov/police/records"


@pytest.fixture
def campaign(alice):
    agencies = [
        AgencyFactory(name="Eugene Police Department", jurisdiction=state("OR"), mailing_address="", city="Eugene"),
        AgencyFactory(name="Salem Police Department", jurisdiction=state("OR"), mailing_address="",
                      portal_url="https://salem.example.gov/prr"),
        AgencyFactory(name="Albany Police Department", jurisdiction=state("OR"), mailing_address="333 Broadalbin St SW"),
        AgencyFactory(name="Talent Police Department", jurisdiction=state("OR"), mailing_address=""),
    ]
    campaign = services.campaign_create(organization=alice.organization, user=alice.user, title="Oregon audit logs",
                                        item_keys=["org-audit"], date_from=date(2025, 1, 1))
    services.campaign_add_agencies(campaign=campaign, agencies=agencies, user=alice.user, today=TODAY)
    return campaign


def _request(campaign, name: str):
    return campaign.requests.select_related("agency").get(agency__name=name)


def _fill_url(campaign, agency) -> str:
    return reverse("campaign-contact-fill", args=[campaign.pk, agency.pk])


def _post(agency, **changes) -> dict[str, str]:
    data = {"records_email": "records@eugene.example.gov", "portal_url": "", "mailing_address": "", "phone": "",
            "source_url": SOURCE, "verified_on": "2026-11-20", **changes}
    return {f"contact-{agency.pk}-{name}": value for name, value in data.items()}


def _row(html: str, agency):
    root = tinyhtml5.parse(html, namespace_html_elements=False)
    return root.find(f".//li[@id='contact-{agency.pk}']"), root


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def test_the_list_shows_the_agencies_without_an_email_or_portal_each_with_its_form(alice_client, campaign):
    page = alice_client.get(reverse("campaign-detail", args=[campaign.pk])).content.decode()
    root = tinyhtml5.parse(page, namespace_html_elements=False)
    rows = root.findall(".//*[@id='needs-contact']//li[@class='needs-row']")
    names = [_text(row.find(".//strong")) for row in rows]
    assert names == ["Albany Police Department", "Eugene Police Department", "Talent Police Department"]
    eugene, _ = _row(page, _request(campaign, "Eugene Police Department").agency)
    form = eugene.find(".//form")
    assert form.get("action").endswith(f"#contact-{_request(campaign, 'Eugene Police Department').agency_id}")
    labels = [_text(label) for label in form.iter("label")]
    assert labels == ["Records email", "Records request portal", "Mailing address", "Phone", "Source", "Checked on"]
    assert "Known: its mailing address" in _text(rows[0])


def test_filling_a_contact_saves_it_for_everyone_and_readdresses_the_untouched_draft(alice_client, alice, campaign):
    eugene = _request(campaign, "Eugene Police Department")
    assert "Public Records Custodian" in eugene.letter_text

    response = alice_client.post(_fill_url(campaign, eugene.agency), _post(eugene.agency))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('campaign-detail', args=[campaign.pk])}?needs=1#needs-contact"
    eugene.refresh_from_db()
    eugene.agency.refresh_from_db()
    assert (eugene.agency.records_email, eugene.agency.contact_source_url) == ("records@eugene.example.gov", SOURCE)
    assert eugene.agency.edited_fields == ["records_email"]
    change = AgencyContactChange.objects.get(agency=eugene.agency)
    assert (change.via, change.changed_by, change.organization) == ("form", alice.user, alice.organization)
    assert "By email: records@eugene.example.gov" in eugene.letter_text
    assert eugene.events.filter(summary="letter: address updated from the agency's records contact").exists()
    row, root = _row(alice_client.get(response["Location"]).content.decode(), eugene.agency)
    assert _text(root.find(".//ul[@class='messages']")) == (
        f"Saved the records contact of Eugene Police Department (email); every organization's directory shows "
        f"it. The draft letter of {eugene.tracking} now carries its address.")
    assert row is None  # no longer needs a contact


def test_a_finalised_or_edited_letter_is_left_as_it_is(alice_client, alice, campaign):
    eugene = _request(campaign, "Eugene Police Department")
    talent = _request(campaign, "Talent Police Department")
    letter_finalise(request=eugene, user=alice.user, today=TODAY)
    request_edit_letter(request=talent, letter_text=talent.letter_text + "\nPlease reply by email.", user=alice.user)
    kept = {r.pk: r.letter_text for r in (eugene, talent)}

    first = alice_client.post(_fill_url(campaign, eugene.agency), _post(eugene.agency), follow=True)
    followed = alice_client.post(_fill_url(campaign, talent.agency), _post(talent.agency, records_email="", phone="",
                                 mailing_address="1 Talent Ave\nTalent, OR"), follow=True)

    for request in (eugene, talent):
        request.refresh_from_db()
        assert request.letter_text == kept[request.pk]
    _, root = _row(first.content.decode(), eugene.agency)
    assert (f"The letter of {eugene.tracking} is final, addressed to the records custodian: it can be sent as it is, "
            "or carry the new address once the PDFs are generated again" in _text(root.find(".//ul[@class='messages']")))
    _, root = _row(followed.content.decode(), talent.agency)
    assert (f"The letter of {talent.tracking} was edited by hand, so it was left as it is: update its address on "
            "its request page" in _text(root.find(".//ul[@class='messages']")))


def test_generating_the_pdfs_again_puts_contacts_found_since_on_every_letter_nobody_edited(
        alice, campaign, django_capture_on_commit_callbacks):
    from requests_app.agencies.contact_import import import_contacts
    from tests.pdf import pdf_text

    eugene, albany, talent = (_request(campaign, n) for n in ("Eugene Police Department", "Albany Police Department",
                                                              "Talent Police Department"))
    letter_finalise(request=eugene, user=alice.user, today=TODAY)
    request_edit_letter(request=talent, letter_text=talent.letter_text + "\nPlease reply by email.", user=alice.user)
    edited = talent.letter_text
    import_contacts(data=("name,state,email,portal_url,address,phone,source_url,verified_on\n" + "".join(
        f"{name},OR,records@{name.split()[0].lower()}.example.gov,,,,{SOURCE},\n"
        for name in ("Eugene Police Department", "Albany Police Department", "Talent Police Department"))).encode(),
        membership=alice, today=TODAY)

    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_start_rendering(campaign=campaign, acknowledge_residency=True)

    for request in (eugene, albany, talent):
        request.refresh_from_db()
    assert [v.number for v in eugene.letters.order_by("number")] == [1, 2]  # the first version is kept
    assert "By email: records@eugene.example.gov" in pdf_text(eugene.letters.get(number=2).pdf.read())
    assert "Public Records Custodian" in pdf_text(eugene.letters.get(number=1).pdf.read())
    assert "By email: records@albany.example.gov" in pdf_text(albany.letters.get().pdf.read())
    assert talent.letter_text == edited and "records@talent" not in pdf_text(talent.letters.get().pdf.read())


def test_a_contact_with_errors_is_shown_again_at_its_row_and_nothing_is_saved(alice_client, campaign):
    eugene = _request(campaign, "Eugene Police Department")
    response = alice_client.post(_fill_url(campaign, eugene.agency),
                                 _post(eugene.agency, records_email="not-an-email", source_url="ftp://x.example"))
    assert response.status_code == 200
    row, root = _row(response.content.decode(), eugene.agency)
    assert row.find(".//details").get("open") is not None
    errors = [_text(e) for e in row.iterfind(".//p[@class='error']")]
    assert errors[0] == "Not saved: correct the details marked below."
    assert any("not-an-email" in e for e in errors) and any("source" in e.lower() for e in errors)
    assert row.find(".//input[@name='contact-%d-records_email']" % eugene.agency_id).get("value") == "not-an-email"
    others = [r for r in root.iterfind(".//li[@class='needs-row']") if r is not row]
    assert others and not any(r.find(".//p[@class='error']") is not None for r in others)
    eugene.agency.refresh_from_db()
    assert eugene.agency.records_email == "" and not AgencyContactChange.objects.exists()


def test_the_row_with_errors_is_found_on_a_later_page_of_the_list(alice_client, alice, campaign):
    more = [AgencyFactory(name=f"Aaa {n:02d} Police Department", jurisdiction=state("OR"), mailing_address="")
            for n in range(NEEDS_CONTACT_PAGE)]
    services.campaign_add_agencies(campaign=campaign, agencies=more, user=alice.user, today=TODAY)
    talent = _request(campaign, "Talent Police Department")  # last of the list: on page 2
    response = alice_client.post(_fill_url(campaign, talent.agency), _post(talent.agency, source_url=""))
    assert response.context["needs_page"].number == 2
    row, _ = _row(response.content.decode(), talent.agency)
    assert row is not None and row.find(".//p[@class='error']") is not None


def test_a_viewer_sees_the_list_without_forms_and_cannot_fill_a_contact(alice, campaign):
    from django.test import Client

    viewer = Client()
    viewer.force_login(MembershipFactory(organization=alice.organization, role=Role.VIEWER).user)
    eugene = _request(campaign, "Eugene Police Department")
    row, _ = _row(viewer.get(reverse("campaign-detail", args=[campaign.pk])).content.decode(), eugene.agency)
    assert row is not None and row.find(".//form") is None
    assert viewer.post(_fill_url(campaign, eugene.agency), _post(eugene.agency)).status_code == 403
    eugene.agency.refresh_from_db()
    assert eugene.agency.records_email == ""


def test_another_organizations_campaign_is_404_and_so_is_an_agency_outside_the_campaign(
        alice_client, bob_client, campaign):
    eugene = _request(campaign, "Eugene Police Department")
    assert bob_client.post(_fill_url(campaign, eugene.agency), _post(eugene.agency)).status_code == 404
    stranger = AgencyFactory(name="Portland Police Bureau", jurisdiction=state("OR"), mailing_address="")
    assert alice_client.post(_fill_url(campaign, stranger), _post(stranger)).status_code == 404
    assert not AgencyContactChange.objects.exists()


# Sending -------------------------------------------------------------------------------


def test_sending_emails_what_it_can_and_lists_the_rest_with_their_pdfs(alice_client, alice, campaign,
                                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_start_rendering(campaign=campaign, acknowledge_residency=True)
    eugene = _request(campaign, "Eugene Police Department")
    alice_client.post(_fill_url(campaign, eugene.agency), _post(eugene.agency))

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("campaign-send", args=[campaign.pk]), follow=True)

    assert [m.to for m in mail.outbox] == [["records@eugene.example.gov"]]
    page = response.content.decode()
    assert "Queued 1 letter for email." in page
    assert "3 finalised letters cannot be emailed: no records email is known." in page
    root = tinyhtml5.parse(page, namespace_html_elements=False)
    groups = {g.get("id"): g for g in root.iterfind(".//*[@id='left-to-send']//details")}
    assert list(groups) == ["left-portal", "left-mail", "left-unknown"]
    assert _text(groups["left-portal"].find("summary")) == "Through the agency's portal (1)"
    salem, albany, talent = (_request(campaign, n) for n in ("Salem Police Department", "Albany Police Department",
                                                             "Talent Police Department"))
    assert _text(groups["left-portal"].find(".//li")) == (
        f"{salem.tracking}: No records email is known for Salem Police Department: submit the PDF through its portal "
        "(https://salem.example.gov/prr). PDF v1 of Salem Police Department")
    assert _text(groups["left-mail"].find(".//li")).startswith(
        f"{albany.tracking}: No records email is known for Albany Police Department: mail the PDF to its address.")
    unknown = groups["left-unknown"].find(".//li")
    assert _text(unknown).startswith(f"{talent.tracking}: Talent Police Department. PDF v1")
    links = [a.get("href") for a in unknown.iter("a")]
    assert links == [reverse("request-detail", args=[talent.pk]), reverse("letter-download", args=[talent.pk, 1]),
                     f"{reverse('campaign-detail', args=[campaign.pk])}?needs=1#contact-{talent.agency_id}"]


def test_letters_not_yet_finalised_are_counted_rather_than_listed(alice_client, campaign):
    response = alice_client.post(reverse("campaign-send", args=[campaign.pk]), follow=True)
    page = response.content.decode()
    assert "Queued 0 letters for email." in page
    assert "4 letters not finalised yet: generate the PDFs, then email them." in page
    assert "Finalise the letter of" not in page and 'id="left-to-send"' not in page


def test_errors_for_an_agency_that_has_left_the_list_meanwhile_are_told_all_the_same(alice_client, campaign):
    salem = _request(campaign, "Salem Police Department")  # has a portal: not in the list
    response = alice_client.post(_fill_url(campaign, salem.agency), _post(salem.agency, source_url=""), follow=True)
    _, root = _row(response.content.decode(), salem.agency)
    assert _text(root.find(".//ul[@class='messages']")) == (
        "The records contact of Salem Police Department was not saved (Source: This field is required.). It has left "
        "the list since: change it on the agency's page.")
    assert not AgencyContactChange.objects.exists()
