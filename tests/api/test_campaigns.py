"""Campaigns through the API: creating, adding agencies, rendering, emailing, and scoping."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from requests_app.campaigns.models import Campaign
from requests_app.campaigns.services import campaign_add_agencies, campaign_create
from requests_app.records.models import RecordsRequest
from tests.factories import AgencyFactory, state

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 27)


@pytest.fixture
def agencies() -> list:
    return [
        AgencyFactory(name="Seattle Police Department", jurisdiction=state("WA"), records_email="prr@seattle.example.gov"),
        AgencyFactory(name="Austin Police Department", jurisdiction=state("TX")),
    ]


@pytest.fixture
def campaign(alice, agencies) -> Campaign:
    made = campaign_create(organization=alice.organization, user=alice.user, title="Flock logs", item_keys=["org-audit"])
    campaign_add_agencies(campaign=made, agencies=agencies, user=alice.user, today=TODAY)
    return made


def _create(api, **changes):
    body = {"title": "Flock logs", "item_keys": ["org-audit"], "agencies": [AgencyFactory().pk], **changes}
    return api.post("/api/campaigns/", body, format="json")


def _nothing_created() -> bool:
    return not Campaign.objects.exists() and not RecordsRequest.objects.exists()


def test_a_campaign_is_created_with_one_draft_per_agency(alice_api, agencies):
    made = _create(alice_api, agencies=[a.pk for a in agencies] + [agencies[0].pk], fee_cap="25.00",
                   date_from="2025-01-01", date_to="2025-12-31")
    assert made.status_code == 201
    body = made.json()
    assert (body["requests"], body["fee_cap"], body["date_to"]) == (2, "25.00", "2025-12-31")
    assert [(r["agency"]["name"], r["status"]) for r in body["request_list"]] == [
        ("Austin Police Department", "draft"), ("Seattle Police Department", "draft")]
    assert set(RecordsRequest.objects.values_list("campaign_id", flat=True)) == {body["id"]}


def test_an_unknown_agency_creates_nothing(alice_api):
    refused = _create(alice_api, agencies=[AgencyFactory().pk, 999999])
    assert refused.status_code == 400 and "Unknown agency id(s): 999999" in refused.json()["agencies"][0]
    assert _nothing_created()


def test_unknown_item_keys_create_nothing(alice_api):
    refused = _create(alice_api, item_keys=["org-audit", "nope"])
    assert refused.status_code == 400 and refused.json()["item_keys"] == ["Unknown item key(s): nope."]
    assert _nothing_created()


def test_a_date_range_that_ends_before_it_starts_creates_nothing(alice_api):
    refused = _create(alice_api, date_from="2025-12-31", date_to="2025-01-01")
    assert refused.status_code == 400 and refused.json()["date_to"] == ["The date range ends before it starts."]
    assert _nothing_created()


def test_agencies_are_added_once(alice_api, campaign, agencies):
    oakland = AgencyFactory(name="Oakland Police Department", jurisdiction=state("CA"))
    added = alice_api.post(f"/api/campaigns/{campaign.pk}/agencies/", {"agencies": [oakland.pk, agencies[0].pk]},
                           format="json")
    assert added.status_code == 200
    assert [r["agency"]["name"] for r in added.json()["created"]] == ["Oakland Police Department"]
    assert [r["agency"]["name"] for r in added.json()["existing"]] == ["Seattle Police Department"]
    assert campaign.requests.count() == 3


def test_rendering_waits_for_the_residency_acknowledgement(alice_api, alice, campaign, django_capture_on_commit_callbacks):
    campaign_add_agencies(campaign=campaign, agencies=[AgencyFactory(jurisdiction=state("VA"))], user=alice.user,
                          today=TODAY)
    url = f"/api/campaigns/{campaign.pk}/render/"
    refused = alice_api.post(url, {}, format="json")
    assert refused.status_code == 400 and "acknowledge_residency: true" in refused.json()["acknowledge_residency"][0]
    assert "Virginia Freedom of Information Act limits" in refused.json()["residency_warnings"][0]
    assert alice_api.get(f"/api/campaigns/{campaign.pk}/").json()["render"]["state"] == "idle"
    with django_capture_on_commit_callbacks(execute=True):
        assert alice_api.post(url, {"acknowledge_residency": True}, format="json").status_code == 202
    assert alice_api.get(f"/api/campaigns/{campaign.pk}/").json()["render"] == {
        "state": "done", "done": 3, "failed": 0, "total": 3, "percent": 100, "summary": "Done: 3 rendered, 0 failed",
        "errors": []}


def test_sending_queues_the_emailable_drafts_and_explains_the_others(alice_api, campaign,
                                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        alice_api.post(f"/api/campaigns/{campaign.pk}/render/", {}, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        sent = alice_api.post(f"/api/campaigns/{campaign.pk}/send/", format="json")
    assert sent.status_code == 200
    assert [r["agency"]["name"] for r in sent.json()["queued"]] == ["Seattle Police Department"]
    [skipped] = sent.json()["skipped"]
    assert "No records email is known for Austin Police Department" in skipped["reason"]
    assert [m.to for m in mail.outbox] == [["prr@seattle.example.gov"]]


def test_the_campaign_list_costs_the_same_queries_for_many_campaigns(alice_api, alice, campaign):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert alice_api.get("/api/campaigns/").status_code == 200
        return len(captured)

    queries()  # the token's first call also records that it was used
    one = queries()
    for n in range(3):
        made = campaign_create(organization=alice.organization, user=alice.user, title=f"More {n}",
                               item_keys=["org-audit"])
        campaign_add_agencies(campaign=made, agencies=[AgencyFactory(), AgencyFactory()], user=alice.user, today=TODAY)
    assert queries() == one
    assert [c["requests"] for c in alice_api.get("/api/campaigns/").json()["results"]] == [2, 2, 2, 2]


def test_a_campaign_lists_its_requests_in_the_same_queries_however_many(alice_api, alice, campaign):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert alice_api.get(f"/api/campaigns/{campaign.pk}/").status_code == 200
        return len(captured)

    queries()  # the token's first call also records that it was used
    two = queries()
    campaign_add_agencies(campaign=campaign, agencies=[AgencyFactory(), AgencyFactory()], user=alice.user, today=TODAY)
    assert queries() == two
    assert len(alice_api.get(f"/api/campaigns/{campaign.pk}/").json()["request_list"]) == 4


CHANGES = [("agencies/", {"agencies": []}), ("render/", {"acknowledge_residency": True}), ("send/", {})]


@pytest.mark.parametrize("path,body", CHANGES)
def test_another_organizations_token_gets_404_on_a_campaigns_actions(bob_api, campaign, path, body, agencies):
    if path == "agencies/":
        body = {"agencies": [AgencyFactory().pk]}
    assert bob_api.post(f"/api/campaigns/{campaign.pk}/{path}", body, format="json").status_code == 404
    campaign.refresh_from_db()
    assert (campaign.requests.count(), campaign.render_state) == (2, "")


@pytest.mark.parametrize("path,body", CHANGES)
def test_a_viewer_cannot_change_a_campaign(viewer_api, campaign, path, body):
    assert viewer_api.post(f"/api/campaigns/{campaign.pk}/{path}", body, format="json").status_code == 403


def test_a_viewer_cannot_create_a_campaign(viewer_api):
    assert _create(viewer_api).status_code == 403 and _nothing_created()


def test_another_organizations_agencies_are_shared_but_its_campaigns_are_not(bob_api, campaign):
    made = _create(bob_api, title="Bob's")
    assert made.status_code == 201
    assert [c["title"] for c in bob_api.get("/api/campaigns/").json()["results"]] == ["Bob's"]
