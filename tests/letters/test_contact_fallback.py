"""A letter never waits for a contact: to an agency with no known contact it is composed and
finalised addressed to its records custodian at its place in the directory. Only sending
needs the contact, and the send step says which one is missing and where to add it."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from requests_app.letters.composer import LEGACY_NO_CONTACT_NOTE
from requests_app.letters.services import CannotFinalise, letter_finalise
from requests_app.records.services import request_edit_letter
from requests_app.teams.models import Role
from tests.factories import AgencyFactory, MembershipFactory, draft_request, state
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

PORTAL = "https://eugene.nextrequest.example.com/requests/new"
ADDRESS = "300 Country Club Road\nEugene, OR 97401"
DAY = date(2026, 11, 27)


def unreachable(**fields):
    """An agency of the directory with no records contact at all, as most are."""
    values = {"name": "Eugene Police Department", "jurisdiction": state("OR"), "city": "Eugene", "county": "Lane",
              "mailing_address": "", **fields}
    return AgencyFactory(**values)


def request_to(alice, agency):
    return draft_request(organization=alice.organization, agency=agency, user=alice.user)


def send_step(client, request) -> str:
    page = client.get(reverse("request-detail", args=[request.pk])).content.decode()
    return page.split('<section class="card send-step" id="send">')[1].split("</section>")[0]


def test_a_letter_without_a_contact_is_addressed_to_the_records_custodian_at_the_agencys_place(alice):
    request = request_to(alice, unreachable())
    assert request.letter_text.startswith(
        "Public Records Custodian\nEugene Police Department\nEugene, Oregon\n\nRe: Public records request")


def test_without_a_city_the_county_places_the_agency(alice):
    request = request_to(alice, unreachable(name="Lane County Sheriff's Office", city="", kind="sheriff"))
    assert request.letter_text.startswith("Public Records Custodian\nLane County Sheriff's Office\nLane County, Oregon\n\n")


def test_a_louisiana_county_is_a_parish(alice):
    request = request_to(alice, unreachable(name="Caddo Sheriff", city="", county="Caddo", jurisdiction=state("LA")))
    assert "\nCaddo Parish, Louisiana\n" in request.letter_text


def test_a_letter_without_a_contact_is_finalised_as_a_pdf(alice):
    request = request_to(alice, unreachable())
    version = letter_finalise(request=request, user=alice.user, today=DAY)
    text = pdf_text(version.pdf.read())
    assert "Public Records Custodian Eugene Police Department Eugene, Oregon" in text
    assert "No records contact" not in text


def test_the_send_step_says_what_each_channel_lacks_and_links_to_the_contact_form(alice_client, alice):
    agency = unreachable()
    request = request_to(alice, agency)
    letter_finalise(request=request, user=alice.user, today=DAY)
    step = send_step(alice_client, request)
    contact = f'{reverse("agency-contact", args=[agency.pk])}?next=/requests/{request.pk}/'
    assert 'data-missing="email"' in step and 'data-missing="portal"' in step and 'data-missing="mail"' in step
    assert step.count(f'href="{contact}"') == 3
    assert "Email to" not in step and "Record submission" not in step


def test_with_an_email_the_step_offers_to_email_it(alice_client, alice):
    request = request_to(alice, unreachable(records_email="prr@eugene.example.gov"))
    step = send_step(alice_client, request)
    assert "Email to prr@eugene.example.gov" in step and 'data-missing="email"' not in step
    assert "Finalise the letter first" in step


def test_with_only_a_portal_the_step_offers_a_portal_submission(alice_client, alice):
    request = request_to(alice, unreachable(portal_url=PORTAL))
    assert f"Submitted through: {PORTAL}" in request.letter_text
    step = send_step(alice_client, request)
    assert f'<a href="{PORTAL}"' in step and 'data-missing="portal"' not in step
    assert '<option value="portal"' in step and '<option value="mail"' not in step


def test_with_only_an_address_the_step_offers_a_mail_submission(alice_client, alice):
    request = request_to(alice, unreachable(mailing_address=ADDRESS))
    assert request.letter_text.startswith(f"Eugene Police Department\nAttn: Public Records Officer\n{ADDRESS}\nBy mail\n")
    step = send_step(alice_client, request)
    assert '<option value="mail"' in step and '<option value="portal"' not in step
    assert "300 Country Club Road\nEugene, OR 97401" in step


def test_the_step_escapes_the_address(alice_client, alice):
    step = send_step(alice_client, request_to(alice, unreachable(mailing_address="<script>alert(1)</script>")))
    assert "<script>alert(1)" not in step and "&lt;script&gt;alert(1)&lt;/script&gt;" in step


def test_the_contact_form_goes_back_to_the_request_it_was_opened_from(alice_client, alice):
    agency = unreachable()
    request = request_to(alice, agency)
    here = reverse("request-detail", args=[request.pk])
    form = alice_client.get(reverse("agency-contact", args=[agency.pk]), {"next": here}).content.decode()
    assert f'<input type="hidden" name="next" value="{here}">' in form
    response = alice_client.post(reverse("agency-contact", args=[agency.pk]), {
        "mailing_address": ADDRESS, "source_url": "https://eugene.example.gov/records", "verified_on": "2026-11-27",
        "next": here})
    assert response.status_code == 302 and response["Location"] == here


def test_the_contact_form_never_sends_anyone_to_another_site(alice_client, alice):
    agency = unreachable()
    response = alice_client.post(reverse("agency-contact", args=[agency.pk]), {
        "mailing_address": ADDRESS, "source_url": "https://eugene.example.gov/records", "verified_on": "2026-11-27",
        "next": "https://evil.example.com/"})
    assert response["Location"] == reverse("agency-detail", args=[agency.pk])


def test_a_contact_found_later_goes_on_a_new_letter_version_and_the_old_one_is_kept(alice_client, alice):
    agency = unreachable()
    request = request_to(alice, agency)
    request_edit_letter(request=request, letter_text=request.letter_text + "\nP.S. Our own paragraph.\n")
    first = letter_finalise(request=request, user=alice.user, today=DAY)
    alice_client.post(reverse("agency-contact", args=[agency.pk]), {
        "mailing_address": ADDRESS, "source_url": "https://eugene.example.gov/records", "verified_on": "2026-11-27"})
    page = alice_client.get(reverse("request-detail", args=[request.pk])).content.decode()
    assert "Update the letter's address" in page
    alice_client.post(reverse("letter-readdress", args=[request.pk]))
    request.refresh_from_db()
    assert request.letter_text.startswith(f"Eugene Police Department\nAttn: Public Records Officer\n{ADDRESS}\nBy mail\n")
    assert "P.S. Our own paragraph." in request.letter_text and request.letter_edited
    second = letter_finalise(request=request, user=alice.user, today=DAY)
    assert (first.number, second.number) == (1, 2)
    assert "Public Records Custodian" in pdf_text(first.pdf.read())
    assert "300 Country Club Road" in pdf_text(second.pdf.read())


def test_the_address_prompt_is_not_shown_while_the_letter_has_the_current_address(alice_client, alice):
    request = request_to(alice, unreachable(mailing_address=ADDRESS))
    assert reverse("letter-readdress", args=[request.pk]) not in alice_client.get(
        reverse("request-detail", args=[request.pk])).content.decode()


def test_a_draft_with_the_old_no_contact_note_is_composed_afresh_when_finalised(alice):
    request = request_to(alice, unreachable())
    type(request).objects.filter(pk=request.pk).update(
        letter_text=f"Eugene Police Department\n{LEGACY_NO_CONTACT_NOTE}: find it.]\n\nRe: x\n")
    request.refresh_from_db()
    version = letter_finalise(request=request, user=alice.user, today=DAY)
    assert LEGACY_NO_CONTACT_NOTE not in version.text and version.text.startswith("Public Records Custodian\n")


def test_an_edited_draft_with_the_old_note_is_refused_with_what_to_do(alice):
    request = request_to(alice, unreachable())
    request_edit_letter(request=request, letter_text=f"Eugene PD\n{LEGACY_NO_CONTACT_NOTE}: find it.]\n\nRe: x\n")
    with pytest.raises(CannotFinalise, match="Delete that note"):
        letter_finalise(request=request, user=alice.user, today=DAY)
    assert not request.letters.exists()


def test_a_viewer_is_not_offered_the_contact_form(alice):
    agency = unreachable()
    request = request_to(alice, agency)
    viewer = Client()
    viewer.force_login(MembershipFactory(organization=alice.organization, role=Role.VIEWER).user)
    page = viewer.get(reverse("agency-detail", args=[agency.pk])).content.decode()
    assert reverse("agency-contact", args=[agency.pk]) not in page
    request_page = viewer.get(reverse("request-detail", args=[request.pk])).content.decode()
    assert "send-step" not in request_page and reverse("agency-contact", args=[agency.pk]) not in request_page
