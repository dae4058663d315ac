"""The status form on the request page: sent by static/js/inline-status.js with the header
"X-Requested-With: fetch" it gets the status fragment back; without it (no JavaScript) it
redirects with a flash message as before."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from requests_app.records.models import RecordsRequest
from requests_app.workflow.status import request_transition
from tests.factories import AgencyFactory, MembershipFactory, draft_request

pytestmark = pytest.mark.django_db
FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


@pytest.fixture
def submitted(alice) -> RecordsRequest:
    request = draft_request(organization=alice.organization, agency=AgencyFactory(), user=alice.user)
    request_transition(request=request, to_status="submitted", user=alice.user, on=date(2026, 11, 25))
    return request


def change(client: Client, request: RecordsRequest, status: str, *, on: date | None = None, **headers):
    data = {"status": status, "on": (on or timezone.localdate()).isoformat(), "reason": "phoned"}
    return client.post(reverse("change-status", args=[request.pk]), data, **headers)


def test_it_returns_the_badge_the_next_moves_and_the_history_to_fetch(alice_client, submitted):
    response = change(alice_client, submitted, "acknowledged", **FETCH)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert '<span class="status acknowledged" id="status-badge">Acknowledged</span>' in html
    assert f'data-announce="{submitted.tracking} is now acknowledged."' in html
    assert '<option value="processing">Processing</option>' in html
    assert '<option value="acknowledged">' not in html  # no longer a move from here
    assert 'id="history"' in html and "status: Submitted → Acknowledged (phoned)" in html
    assert "<html" not in html and "Vary" in response and "X-Requested-With" in response["Vary"]


def test_it_changes_the_status_without_leaving_a_flash_message_for_the_next_page(alice_client, submitted):
    response = change(alice_client, submitted, "acknowledged", **FETCH)
    submitted.refresh_from_db()
    assert submitted.status == "acknowledged"
    assert list(get_messages(response.wsgi_request)) == []


def test_a_refused_move_gets_the_reason_as_text_and_changes_nothing(alice_client, submitted):
    response = change(alice_client, submitted, "draft", **FETCH)
    assert response.status_code == 422 and response["Content-Type"] == "text/plain; charset=utf-8"
    assert f"{submitted.tracking} cannot move from Submitted to Draft" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and submitted.events.count() == 2  # created, submitted


def test_a_future_date_is_refused_in_the_fragment_too(alice_client, submitted):
    response = change(alice_client, submitted, "acknowledged", on=date(2999, 1, 1), **FETCH)
    assert response.status_code == 422
    assert response.content.decode() == "Choose a status and a date that is not in the future."


def test_a_final_status_leaves_a_card_that_says_so(alice_client, submitted):
    html = change(alice_client, submitted, "withdrawn", **FETCH).content.decode()
    assert 'id="status-panel"' in html and "Withdrawn is final" in html and "<form" not in html


def test_without_javascript_it_redirects_with_a_message_as_before(alice_client, submitted):
    response = change(alice_client, submitted, "acknowledged")
    assert response.status_code == 302 and response.url == reverse("request-detail", args=[submitted.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [f"{submitted.tracking} is now acknowledged."]
    submitted.refresh_from_db()
    assert submitted.status == "acknowledged"


def test_without_javascript_a_refusal_is_flashed(alice_client, submitted):
    response = change(alice_client, submitted, "draft")
    assert response.status_code == 302
    assert "cannot move from Submitted to Draft" in str(list(get_messages(response.wsgi_request))[0])


def test_the_page_has_the_form_the_script_and_the_live_region(alice_client, submitted):
    html = alice_client.get(reverse("request-detail", args=[submitted.pk])).content.decode()
    assert "data-inline-status" in html and "js/inline-status.js" in html
    assert 'id="status-announcer" aria-live="polite"' in html
    assert '<label for="status_status">New status</label>' in html and 'id="status_status"' in html
    assert '<span class="status submitted" id="status-badge">Submitted</span>' in html


def test_a_viewer_and_another_organization_cannot_change_it(alice, bob_client, submitted):
    viewer = Client()
    viewer.force_login(MembershipFactory(organization=alice.organization, role="viewer").user)
    assert change(viewer, submitted, "acknowledged", **FETCH).status_code == 403
    assert change(bob_client, submitted, "acknowledged", **FETCH).status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_the_request_page_gives_every_field_its_own_id(alice_client, alice):
    import re

    from django.urls import reverse

    from tests.factories import AgencyFactory, draft_request

    from datetime import date

    from requests_app.workflow.status import request_transition
    from tests.factories import state

    request = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state("TX")),
                            user=alice.user)
    request_transition(request=request, to_status="submitted", user=alice.user, on=date(2026, 11, 25))
    body = alice_client.get(reverse("request-detail", args=[request.pk])).content.decode()
    assert 'id="fee_occurred_on"' in body and 'id="communication_occurred_on"' in body
    ids = re.findall(r'\sid="([^"]+)"', body)
    assert ids and sorted({i for i in ids if ids.count(i) > 1}) == []
