"""The request page's "Log a communication" form: it starts from the agency, by the way the
request went, and a refusal shows the page again with what was typed and each error beside
its field (no JavaScript needed), storing nothing."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from requests_app.correspondence.models import Communication
from requests_app.letters.services import letter_finalise
from requests_app.workflow.sending import request_mark_submitted
from requests_app.workflow.status import request_transition
from tests.factories import AgencyFactory, draft_request, state

pytestmark = pytest.mark.django_db


@pytest.fixture
def by_portal(alice):
    """A Texas request submitted through the agency's portal today."""
    agency = AgencyFactory(jurisdiction=state("TX"), portal_url="https://austintx.govqa.example.com/WEBAPP/_rs/")
    request = draft_request(organization=alice.organization, agency=agency, user=alice.user, today=timezone.localdate())
    letter_finalise(request=request, user=alice.user, today=timezone.localdate(), acknowledge_residency=True)
    return request_mark_submitted(request=request, user=alice.user, channel="portal", sent_on=timezone.localdate(),
                                  reference="R000123")


def form_html(html: str) -> str:
    start = html.index('id="log-communication"')
    return html[start:html.index("</form>", start)]


def selected(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select)


def options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"', select)


def post(client, request, **fields):
    data = {"direction": "from_agency", "channel": "portal", "occurred_on": timezone.localdate().isoformat(),
            "subject": "Your request W012345", "body": "We need more time.", **fields}
    return client.post(reverse("communication-log", args=[request.pk]), data)


def test_the_form_starts_from_the_agency_by_the_way_the_request_went(alice_client, by_portal):
    form = form_html(alice_client.get(reverse("request-detail", args=[by_portal.pk])).content.decode())
    assert selected(form, "direction") == ["from_agency"] and selected(form, "channel") == ["portal"]
    assert "" not in options(form, "direction") and "" not in options(form, "channel")
    assert re.match(r'id="log-communication"\s*>', form)  # closed until it is needed


def test_a_request_not_yet_sent_another_way_starts_from_email(alice, alice_client):
    request = draft_request(organization=alice.organization, agency=AgencyFactory(), user=alice.user)
    request_transition(request=request, to_status="submitted", user=alice.user, on=date(2026, 11, 25))
    form = form_html(alice_client.get(reverse("request-detail", args=[request.pk])).content.decode())
    assert selected(form, "channel") == ["email"]


def test_a_date_in_the_future_is_shown_beside_the_date_with_what_was_typed(alice_client, by_portal):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = post(alice_client, by_portal, occurred_on=tomorrow.isoformat(), channel="phone")
    assert response.status_code == 400
    html = response.content.decode()
    form = form_html(html)
    assert re.match(r'id="log-communication"\s+open>', form)
    assert re.search(r'class="field has-error">\s*<label for="communication_occurred_on">Date</label>', form)
    assert "The date cannot be in the future." in form
    assert 'value="Your request W012345"' in form and "We need more time.</textarea>" in form
    assert selected(form, "channel") == ["phone"]
    assert "Not logged: correct what is marked in the form below." in html
    assert not Communication.objects.exists()


def test_a_fee_estimate_without_an_amount_is_marked_beside_the_amount(alice_client, by_portal):
    response = post(alice_client, by_portal, action="fee_estimate")
    form = form_html(response.content.decode())
    assert response.status_code == 400
    assert re.search(r'class="field has-error">\s*<label for="communication_fee_amount">', form)
    assert "Give the amount of the fee estimate." in form
    by_portal.refresh_from_db()
    assert by_portal.status == "submitted" and not Communication.objects.exists()


def test_a_move_the_lifecycle_refuses_is_shown_above_the_button(alice, alice_client, by_portal):
    request_transition(request=by_portal, to_status="withdrawn", user=alice.user)
    response = post(alice_client, by_portal, action="acknowledged")
    form = form_html(response.content.decode())
    assert response.status_code == 400
    assert re.search(r'<p class="error">[^<]*cannot move from Withdrawn to Acknowledged', form)
    assert not Communication.objects.exists()


def test_a_communication_that_is_accepted_goes_back_to_the_request_page(alice_client, by_portal):
    response = post(alice_client, by_portal, action="acknowledged", agency_reference="W012345")
    assert response.status_code == 302 and response.url == reverse("request-detail", args=[by_portal.pk])
    assert Communication.objects.get().channel == "portal"
