"""The request and campaign pages, as a user drives them, and who may see and do what."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from requests_app.campaigns import services as campaign_services
from requests_app.letters.services import letter_finalise
from requests_app.records.models import RecordsRequest
from requests_app.teams.models import Role
from tests.factories import AgencyFactory, MembershipFactory, draft_request, state
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices_request(alice):
    request = draft_request(organization=alice.organization, agency=AgencyFactory(records_email="prr@x.example.gov"),
                            user=alice.user)
    letter_finalise(request=request, user=alice.user, today=__import__("datetime").date(2026, 11, 27))
    return request


@pytest.fixture
def alices_campaign(alice):
    campaign = campaign_services.campaign_create(organization=alice.organization, user=alice.user, title="C",
                                                 item_keys=["org-audit"])
    campaign_services.campaign_add_agencies(campaign=campaign, agencies=[AgencyFactory()], user=alice.user,
                                            today=__import__("datetime").date(2026, 11, 27))
    return campaign


def request_urls(r) -> list[str]:
    return [reverse("request-detail", args=[r.pk]), reverse("letter-preview", args=[r.pk]),
            reverse("letter-download", args=[r.pk, 1])]


def campaign_urls(c) -> list[str]:
    return [reverse(n, args=[c.pk]) for n in ("campaign-detail", "campaign-progress", "campaign-download")]


def test_another_organization_cannot_see_a_request_or_its_letter(bob_client, alices_request):
    for url in request_urls(alices_request):
        assert bob_client.get(url).status_code == 404, url


def test_another_organization_cannot_change_a_request(bob_client, alices_request):
    for name in ("letter-edit", "letter-regenerate", "letter-finalise", "send-email", "record-submission"):
        response = bob_client.post(reverse(name, args=[alices_request.pk]), {"letter_text": "x", "channel": "mail",
                                                                             "sent_on": "2026-11-01"})
        assert response.status_code == 404, name
    alices_request.refresh_from_db()
    assert alices_request.status == "draft" and "x" != alices_request.letter_text


def test_another_organization_cannot_see_a_campaign(bob_client, alices_campaign):
    for url in campaign_urls(alices_campaign):
        assert bob_client.get(url).status_code == 404, url
    for name in ("campaign-render", "campaign-send", "campaign-add"):
        assert bob_client.post(reverse(name, args=[alices_campaign.pk])).status_code == 404


def test_lists_show_only_the_organizations_own_work(bob_client, bob, alices_request, alices_campaign):
    draft_request(organization=bob.organization, agency=AgencyFactory(), user=bob.user)
    listed = [r.tracking for r in bob_client.get(reverse("request-list")).context["page"].object_list]
    assert alices_request.tracking not in listed and len(listed) == 1
    assert list(bob_client.get(reverse("campaign-list")).context["campaigns"]) == []


def test_a_viewer_can_read_but_not_change(alice, alices_request, alices_campaign):
    viewer = MembershipFactory(organization=alice.organization, role=Role.VIEWER)
    client = Client()
    client.force_login(viewer.user)
    page = client.get(reverse("request-detail", args=[alices_request.pk]))
    assert page.status_code == 200
    assert "Not sent yet" in page.content.decode() and "<h2>Sent</h2>" not in page.content.decode()
    assert client.get(reverse("letter-download", args=[alices_request.pk, 1])).status_code == 200
    assert client.post(reverse("letter-edit", args=[alices_request.pk]), {"letter_text": "x"}).status_code == 403
    assert client.post(reverse("send-email", args=[alices_request.pk])).status_code == 403
    assert client.post(reverse("campaign-render", args=[alices_campaign.pk])).status_code == 403
    assert client.get(reverse("request-create")).status_code == 200
    assert client.post(reverse("request-create"), {}).status_code == 403


def test_a_lawyer_drafts_edits_finalises_and_records_one_letter(alice_client, alice):
    agency = AgencyFactory(name="Eugene Police Department", jurisdiction=state("OR"))
    response = alice_client.post(reverse("request-create"), {
        "agency": agency.pk, "title": "ALPR records", "items": ["org-audit", "sharing"],
        "date_from": "2025-01-01", "date_to": "", "fee_cap": "25"})
    request = RecordsRequest.objects.get()
    assert response.url == reverse("request-detail", args=[request.pk])
    page = alice_client.get(response.url).content.decode()
    assert request.tracking in page and "Finalise letter" in page
    preview = alice_client.get(reverse("letter-preview", args=[request.pk])).content.decode()
    assert "Oregon Public Records Law" in preview
    edited = request.letter_text.replace("Dear Public Records Officer:", "Dear Ms. Custodian:")
    alice_client.post(reverse("letter-edit", args=[request.pk]), {"letter_text": edited})
    alice_client.post(reverse("letter-finalise", args=[request.pk]))
    pdf = alice_client.get(reverse("letter-download", args=[request.pk, 1]))
    assert pdf["Content-Disposition"].startswith("attachment") and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(pdf.streaming_content))
    assert "Dear Ms. Custodian:" in text and "before incurring fees above $25" in text
    alice_client.post(reverse("record-submission", args=[request.pk]),
                      {"channel": "mail", "sent_on": timezone.localdate().isoformat(), "reference": "certified 7012"})
    request.refresh_from_db()
    assert request.status == "submitted" and request.sent_via == "mail"


def test_finalising_with_a_residency_problem_asks_for_confirmation(alice_client, alice):
    request = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state("AR")), user=alice.user)
    response = alice_client.post(reverse("letter-finalise", args=[request.pk]), follow=True)
    assert "Tick the confirmation" in response.content.decode()
    assert not request.letters.exists()
    alice_client.post(reverse("letter-finalise", args=[request.pk]), {"acknowledge_residency": "on"})
    assert request.letters.count() == 1


def test_a_campaign_is_built_from_filters_in_the_browser(alice_client):
    for n in range(3):
        AgencyFactory(name=f"Washington Agency {n}", jurisdiction=state("WA"))
    AgencyFactory(name="Texas Agency", jurisdiction=state("TX"))
    response = alice_client.post(reverse("campaign-create"), {
        "terms-title": "WA ALPR logs", "terms-items": ["org-audit", "network-audit"], "terms-fee_cap": "50",
        "pick-mode": "filters", "pick-state": "WA"})
    assert response.status_code == 302, response.context and response.context["selection"].errors
    requests = alice_client.get(response.url).context["requests"]
    assert sorted(r.agency.name for r in requests) == [f"Washington Agency {n}" for n in range(3)]


def test_a_campaign_needs_a_filter_so_it_never_goes_everywhere_by_accident(alice_client):
    AgencyFactory()
    response = alice_client.post(reverse("campaign-create"), {
        "terms-title": "Everything", "terms-items": ["org-audit"], "terms-fee_cap": "50", "pick-mode": "filters"})
    assert response.status_code == 200
    assert "Choose at least one filter" in response.content.decode()


def test_the_progress_endpoint_reports_the_rendering(alice_client, alices_campaign):
    body = alice_client.get(reverse("campaign-progress", args=[alices_campaign.pk])).json()
    assert body == {"state": "idle", "done": 0, "failed": 0, "total": 0, "percent": 0, "summary": "Not started",
                    "errors": []}


def test_request_pages_escape_user_text(alice_client, alice):
    agency = AgencyFactory(name="<script>alert(1)</script> PD")
    request = draft_request(organization=alice.organization, agency=agency, user=alice.user)
    body = alice_client.get(reverse("request-detail", args=[request.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body
    preview = alice_client.get(reverse("letter-preview", args=[request.pk])).content.decode()
    assert "<script>alert(1)</script>" not in preview and "&lt;script&gt;" in preview


def test_the_campaign_page_query_count_does_not_grow_with_agencies(alice_client, alice, django_assert_max_num_queries):
    from datetime import date

    campaign = campaign_services.campaign_create(organization=alice.organization, user=alice.user, title="Q",
                                                 item_keys=["org-audit"])
    agencies = [AgencyFactory() for _ in range(15)]
    campaign_services.campaign_add_agencies(campaign=campaign, agencies=agencies, user=alice.user, today=date(2026, 11, 27))
    for request in campaign.requests.all()[:5]:
        letter_finalise(request=request, user=alice.user, today=date(2026, 11, 27))
    # With the contact coverage, the needs-contact list and the letters left to send.
    with django_assert_max_num_queries(24):
        response = alice_client.get(reverse("campaign-detail", args=[campaign.pk]))
    assert response.context["coverage"].mail == 15
    table = response.content.decode().split('id="campaign-requests"')[1].split("</table>")[0]
    assert table.count("PDF v1") == 5


def test_the_status_can_be_moved_on_the_page_and_a_bad_move_is_explained(alice_client, alice):
    from requests_app.workflow.status import request_transition

    request = draft_request(organization=alice.organization, agency=AgencyFactory(), user=alice.user)
    request_transition(request=request, to_status="submitted", user=alice.user)
    alice_client.post(reverse("change-status", args=[request.pk]), {"status": "acknowledged", "on": "2026-11-26",
                                                                    "reason": "Agency acknowledged by phone"})
    request.refresh_from_db()
    assert request.status == "acknowledged"
    response = alice_client.post(reverse("change-status", args=[request.pk]),
                                 {"status": "draft", "on": "2026-11-26"}, follow=True)
    assert "cannot move from Acknowledged to Draft" in response.content.decode()


def test_another_organization_cannot_change_a_status(bob_client, alices_request):
    assert bob_client.post(reverse("change-status", args=[alices_request.pk]),
                           {"status": "withdrawn", "on": "2026-11-26"}).status_code == 404


def test_the_request_page_links_the_agency_by_its_name(alice_client, alices_request):
    html = alice_client.get(reverse("request-detail", args=[alices_request.pk])).content.decode()
    agency = alices_request.agency
    assert (f'<a href="{reverse("agency-detail", args=[agency.pk])}">{agency.name}</a>, '
            f'{agency.jurisdiction.name}') in html
