"""A request to an agency without a records email: the letter and the request page say how
to submit it instead (portal, mail, or find the contact first)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from requests_app.teams.models import Role
from tests.factories import AgencyFactory, MembershipFactory, draft_request

pytestmark = pytest.mark.django_db

PORTAL = "https://eugene.nextrequest.example.com/requests/new"
ADDRESS = "300 Country Club Road\nEugene, OR 97401"


def page_for(client, alice, **contact) -> tuple[str, str]:
    """The letter text and the request page of a draft request to an agency with ``contact``."""
    request = draft_request(organization=alice.organization, agency=AgencyFactory(**contact), user=alice.user)
    return request.letter_text, client.get(reverse("request-detail", args=[request.pk])).content.decode()


def send_panel(page: str) -> str:
    return page.split("<h2>2. Send</h2>")[1].split("</section>")[0]


def test_with_an_email_the_panel_offers_to_email_it(alice_client, alice):
    letter, page = page_for(alice_client, alice, records_email="prr@eugene.example.gov", portal_url=PORTAL)
    assert "By email: prr@eugene.example.gov" in letter
    assert "Email to prr@eugene.example.gov" in send_panel(page) and "how-to-submit" not in send_panel(page)


def test_with_only_a_portal_the_letter_and_the_panel_point_to_it(alice_client, alice):
    letter, page = page_for(alice_client, alice, portal_url=PORTAL, mailing_address=ADDRESS)
    assert f"Submitted through: {PORTAL}" in letter
    panel = send_panel(page)
    assert "Email to" not in panel and 'data-route="portal"' in panel
    assert f'submit the letter through its records request portal,\n    <a href="{PORTAL}"' in panel
    assert "Found its records email?" in panel


def test_with_only_an_address_the_letter_and_the_panel_say_to_mail_it(alice_client, alice):
    letter, page = page_for(alice_client, alice, mailing_address=ADDRESS)
    assert f"{ADDRESS}\nBy mail\n" in letter
    panel = send_panel(page)
    assert "Email to" not in panel and 'data-route="mail"' in panel
    assert "mail the letter to</p>\n  <p class=\"pre\">300 Country Club Road\nEugene, OR 97401</p>" in panel


def test_with_no_contact_the_panel_links_to_the_contact_form(alice_client, alice):
    agency = AgencyFactory(mailing_address="")
    request = draft_request(organization=alice.organization, agency=agency, user=alice.user)
    assert "[No records contact is known for this agency yet" in request.letter_text
    panel = send_panel(alice_client.get(reverse("request-detail", args=[request.pk])).content.decode())
    assert "Email to" not in panel and 'data-route="unknown"' in panel
    assert f'find its records contact\n    and <a href="{reverse("agency-contact", args=[agency.pk])}">add it to the directory</a>' in panel


def test_the_panel_escapes_the_address(alice_client, alice):
    _, page = page_for(alice_client, alice, mailing_address="<script>alert(1)</script>")
    assert "<script>alert(1)" not in send_panel(page) and "&lt;script&gt;alert(1)&lt;/script&gt;" in send_panel(page)


def test_a_regenerated_letter_follows_a_contact_found_later(alice_client, alice):
    agency = AgencyFactory()
    request = draft_request(organization=alice.organization, agency=agency, user=alice.user)
    alice_client.post(reverse("agency-contact", args=[agency.pk]), {
        "portal_url": PORTAL, "source_url": "https://eugene.example.gov/records", "verified_on": "2026-11-27"})
    alice_client.post(reverse("letter-regenerate", args=[request.pk]))
    request.refresh_from_db()
    assert f"Submitted through: {PORTAL}" in request.letter_text and "[No records contact" not in request.letter_text


def test_a_viewer_is_not_offered_the_contact_form(alice):
    agency = AgencyFactory()
    request = draft_request(organization=alice.organization, agency=agency, user=alice.user)
    viewer = Client()
    viewer.force_login(MembershipFactory(organization=alice.organization, role=Role.VIEWER).user)
    page = viewer.get(reverse("agency-detail", args=[agency.pk])).content.decode()
    assert reverse("agency-contact", args=[agency.pk]) not in page
    assert viewer.get(reverse("request-detail", args=[request.pk])).status_code == 200


def test_a_letter_still_asking_for_a_contact_cannot_be_finalised(alice):
    from requests_app.letters.services import CannotFinalise, letter_finalise

    agency = AgencyFactory(mailing_address="")
    request = draft_request(organization=alice.organization, agency=agency, user=alice.user)
    with pytest.raises(CannotFinalise, match="no records contact is known"):
        letter_finalise(request=request, user=alice.user, today=request.created_at.date())
    assert not request.letters.exists()
