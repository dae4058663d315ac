"""The REST API: tokens, organization scoping, roles, and the request flow."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from requests_app.api.models import ApiToken
from requests_app.api.tokens import digest, token_create
from requests_app.auditlogs.models import AuditImport, SearchEvent
from requests_app.campaigns.services import campaign_add_agencies, campaign_create
from requests_app.records.models import RecordsRequest
from requests_app.workflow.status import request_transition
from tests.api.conftest import client_for
from tests.factories import AgencyFactory, MembershipFactory, draft_request, state

pytestmark = pytest.mark.django_db


@pytest.fixture
def oregon(alice):
    agency = AgencyFactory(name="Eugene Police Department", jurisdiction=state("OR"))
    return draft_request(organization=alice.organization, agency=agency, user=alice.user)


@pytest.fixture
def campaign(alice):
    made = campaign_create(organization=alice.organization, user=alice.user, title="WA", item_keys=["org-audit"])
    campaign_add_agencies(campaign=made, agencies=[AgencyFactory(jurisdiction=state("WA"))], user=alice.user,
                          today=date(2026, 11, 27))
    return made


def test_a_call_without_a_token_is_refused_with_the_scheme(client):
    response = APIClient().get("/api/requests/")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_or_unknown_token_is_refused(alice):
    token, raw = token_create(membership=alice, name="old script")
    ApiToken.objects.filter(pk=token.pk).update(revoked_at="2026-11-27T00:00:00Z")
    for key in (raw, "rr_not-a-token"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        assert client.get("/api/requests/").status_code == 401


def test_only_a_digest_of_the_token_is_stored(alice):
    token, raw = token_create(membership=alice, name="sync")
    assert token.digest == digest(raw) and raw not in (token.prefix, token.digest) and raw.startswith(token.prefix)


def test_a_token_stops_working_when_its_user_leaves_the_organization(alice, alice_api):
    alice.delete()
    assert alice_api.get("/api/requests/").status_code == 401


def test_requests_are_listed_with_filters_and_pages(alice_api, oregon, alice):
    washington = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state("WA")),
                               user=alice.user)
    body = alice_api.get("/api/requests/", {"state": "OR"}).json()
    assert body["count"] == 1 and body["results"][0]["tracking"] == oregon.tracking
    assert body["results"][0]["agency"] == {"id": oregon.agency_id, "name": "Eugene Police Department", "state": "OR"}
    paged = alice_api.get("/api/requests/", {"page_size": 1}).json()
    assert paged["count"] == 2 and len(paged["results"]) == 1 and paged["next"]
    assert alice_api.get("/api/requests/", {"campaign": "x"}).status_code == 400
    assert washington.pk in [r["id"] for r in alice_api.get("/api/requests/", {"status": "draft"}).json()["results"]]


def test_a_request_is_created_and_its_status_moved_through_the_lifecycle(alice_api):
    agency = AgencyFactory(jurisdiction=state("TX"))
    made = alice_api.post("/api/requests/", {"agency": agency.pk, "title": "ALPR logs",
                                             "items": ["org-audit", "network-audit"]}, format="json")
    assert made.status_code == 201 and made.json()["items"] == ["org-audit", "network-audit"]
    pk = made.json()["id"]
    refused = alice_api.post(f"/api/requests/{pk}/status/", {"to_status": "fulfilled"}, format="json")
    assert refused.status_code == 400 and "to_status" in refused.json()
    moved = alice_api.post(f"/api/requests/{pk}/status/", {"to_status": "submitted", "on": "2026-11-25"}, format="json")
    assert moved.status_code == 200 and moved.json()["status"] == "submitted" and moved.json()["response_due"]
    clock = alice_api.get(f"/api/requests/{pk}/deadlines/").json()
    assert clock["received_on"] == "2026-11-25" and clock["explanation"]
    assert RecordsRequest.objects.get(pk=pk).status_changes.get().changed_by.username


def test_bad_input_is_explained(alice_api):
    no_items = alice_api.post("/api/requests/", {"agency": AgencyFactory().pk, "title": "x", "items": ["nope"]},
                              format="json")
    assert no_items.status_code == 400 and "Unknown item key" in str(no_items.json())
    assert alice_api.post("/api/requests/", {"title": "x"}, format="json").status_code == 400
    # The agency is a field of the body, refused on that field as a campaign's agencies are.
    assert alice_api.post("/api/requests/", {"agency": 999999, "title": "x", "items": ["org-audit"]},
                          format="json").status_code == 400


def test_a_viewer_reads_but_cannot_change(alice, oregon):
    viewer = client_for(MembershipFactory(organization=alice.organization, role="viewer"))
    assert viewer.get(f"/api/requests/{oregon.pk}/").status_code == 200
    assert viewer.post(f"/api/requests/{oregon.pk}/status/", {"to_status": "submitted"}, format="json").status_code == 403
    assert viewer.post("/api/requests/", {"agency": oregon.agency_id, "title": "x", "items": ["org-audit"]},
                       format="json").status_code == 403


@pytest.mark.parametrize("path", ["/api/requests/{request}/", "/api/requests/{request}/deadlines/",
                                  "/api/requests/{request}/audit-summary/", "/api/campaigns/{campaign}/"])
def test_another_organizations_token_gets_404(bob_api, oregon, campaign, path):
    url = path.format(request=oregon.pk, campaign=campaign.pk)
    assert bob_api.get(url).status_code == 404


def test_another_organizations_token_cannot_move_or_list_a_request(bob_api, oregon, campaign):
    assert bob_api.post(f"/api/requests/{oregon.pk}/status/", {"to_status": "submitted"}, format="json").status_code == 404
    assert bob_api.get("/api/requests/").json()["count"] == 0
    assert bob_api.get("/api/campaigns/").json()["count"] == 0
    assert RecordsRequest.objects.get(pk=oregon.pk).status == "draft"


def test_campaigns_count_their_requests(alice_api, campaign):
    body = alice_api.get(f"/api/campaigns/{campaign.pk}/").json()
    assert (body["title"], body["requests"]) == ("WA", 1)


def test_the_audit_summary_gives_the_reports_figures(alice_api, oregon):
    document_import = AuditImport.objects.create(request=oregon, document=_document(oregon), state="done")
    SearchEvent.objects.create(request=oregon, audit_import=document_import, line=2, key="=a", organization="Okaloosa FL SO",
                               organization_state="FL", reason="ICE hold", categories=",immigration,",
                               flags=[["immigration", "ICE"]], searched_at="2025-06-01T00:00:00Z")
    body = alice_api.get(f"/api/requests/{oregon.pk}/audit-summary/").json()
    assert (body["searches"], body["categories"]["immigration"], body["out_of_state_searches"]) == (1, 1, 1)
    assert (body["first_search"], body["time_zone"]) == ("2025-06-01T00:00:00+00:00", "UTC")  # as that import read it


def _document(request):
    import io

    from requests_app.documents.upload import upload_file

    return upload_file(request=request, user=None, name="log.csv", stream=io.BytesIO(b"id,userId,searchDate,cameraCount,reason\n")).document


def test_the_directory_of_agencies_and_laws_is_readable(alice_api):
    AgencyFactory(name="Spokane Police Department", jurisdiction=state("WA"))
    agencies = alice_api.get("/api/agencies/", {"state": "wa", "q": "spokane"}).json()
    assert [a["name"] for a in agencies["results"]] == ["Spokane Police Department"]
    law = alice_api.get("/api/laws/TX/").json()
    assert law["jurisdiction"] == "TX" and law["deadlines"]


def test_the_schema_and_docs_are_served_without_outside_scripts(client):
    schema = client.get(reverse("api-schema"))
    assert schema.status_code == 200 and b"/api/requests/{id}/status/" in schema.content
    docs = client.get(reverse("api-docs")).content.decode()
    assert "swagger-ui" in docs and "cdn." not in docs and "unpkg" not in docs


def test_a_member_makes_and_revokes_a_token_on_the_page(alice_client, alice):
    page = alice_client.post(reverse("api-tokens"), {"name": "sync"})
    raw = page.context["new_token"]
    assert raw and raw in page.content.decode()
    token = ApiToken.objects.get(user=alice.user)
    assert raw not in alice_client.get(reverse("api-tokens")).content.decode()
    alice_client.post(reverse("api-token-revoke", args=[token.pk]))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/requests/").status_code == 401


def test_a_member_cannot_revoke_someone_elses_token(bob_client, alice):
    token, _ = token_create(membership=alice, name="sync")
    assert bob_client.post(reverse("api-token-revoke", args=[token.pk])).status_code == 404


def test_the_session_works_for_the_browsable_api(alice_client, oregon):
    assert alice_client.get("/api/requests/", HTTP_ACCEPT="application/json").json()["count"] == 1


def test_a_status_change_by_token_is_attributed_to_its_user(alice_api, alice, oregon):
    request_transition(request=oregon, to_status="submitted", user=alice.user, on=date(2026, 11, 25))
    alice_api.post(f"/api/requests/{oregon.pk}/status/", {"to_status": "acknowledged"}, format="json")
    assert oregon.status_changes.latest("pk").changed_by == alice.user


def test_calls_beyond_the_rate_are_throttled(alice_api, monkeypatch):
    from django.core.cache import cache
    from rest_framework.throttling import UserRateThrottle

    cache.clear()
    monkeypatch.setattr(UserRateThrottle, "rate", "2/minute", raising=False)
    codes = [alice_api.get("/api/agencies/").status_code for _ in range(3)]
    cache.clear()
    assert codes == [200, 200, 429]


def test_an_agencys_extension_is_logged_and_moves_the_deadline(alice_api, alice, oregon):
    request_transition(request=oregon, to_status="submitted", user=alice.user, on=date(2026, 11, 25))
    url = f"/api/requests/{oregon.pk}/communications/"
    before = alice_api.get(f"/api/requests/{oregon.pk}/deadlines/").json()["response_due"]
    logged = alice_api.post(url, {"direction": "from_agency", "channel": "email", "occurred_on": "2026-11-30",
                                  "subject": "Extension", "action": "extension", "extended_to": "2027-01-15"},
                            format="json")
    assert logged.status_code == 201 and logged.json()["action"] == "extension"
    assert alice_api.get(f"/api/requests/{oregon.pk}/deadlines/").json()["response_due"] == "2027-01-15" != before
    assert [c["subject"] for c in alice_api.get(url).json()] == ["Extension"]


def test_a_communication_the_rules_refuse_is_explained(alice_api, oregon):
    refused = alice_api.post(f"/api/requests/{oregon.pk}/communications/",
                             {"direction": "from_agency", "channel": "email", "occurred_on": "2026-11-30",
                              "action": "denied", "exemptions": "x"}, format="json")
    assert refused.status_code == 400 and "Send the request before" in str(refused.json())


def test_a_document_is_uploaded_through_the_upload_service(alice_api, oregon):
    import io

    url = f"/api/requests/{oregon.pk}/documents/"
    csv = io.BytesIO(b"id,userId,searchDate,cameraCount,reason\n1,u,2025-06-18 00:02:04.789,2510,ICE\n")
    csv.name = "portal-audit.csv"
    stored = alice_api.post(url, {"file": csv, "note": "returned 30 Nov"}, format="multipart")
    assert stored.status_code == 201 and (stored.json()["name"], stored.json()["kind"]) == ("portal-audit.csv", "csv")
    program = io.BytesIO(b"MZ\x90\x00" + b"\x00" * 200)
    program.name = "records.exe"
    refused = alice_api.post(url, {"file": program}, format="multipart")
    assert refused.status_code == 400 and refused.json()["file"]
    assert [d["name"] for d in alice_api.get(url).json()] == ["portal-audit.csv"]


@pytest.mark.parametrize("path", ["/api/requests/{request}/communications/", "/api/requests/{request}/documents/"])
def test_another_organizations_token_gets_404_for_correspondence_and_documents(bob_api, oregon, path):
    assert bob_api.get(path.format(request=oregon.pk)).status_code == 404
    assert bob_api.post(path.format(request=oregon.pk), {}, format="json").status_code == 404


def test_the_rate_is_shared_through_redis_and_a_redis_outage_lets_calls_through(alice_api, monkeypatch, redis_url,
                                                                                settings):
    from django.core.cache import caches
    from rest_framework.throttling import UserRateThrottle

    from requests_app.api.throttling import MemberRateThrottle

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url,
                                   "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
    monkeypatch.setattr(UserRateThrottle, "rate", "2/minute", raising=False)
    shared = caches["default"]
    monkeypatch.setattr(MemberRateThrottle, "cache", shared)
    shared.clear()
    codes = [alice_api.get("/api/agencies/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert shared._cache.get_client().keys("*throttle_user_*")  # counted in Redis itself
    shared.clear()

    down = caches.create_connection("default")
    down._cache._servers = ["redis://127.0.0.1:1/0"]  # nothing listens there
    monkeypatch.setattr(MemberRateThrottle, "cache", down)
    assert [alice_api.get("/api/agencies/").status_code for _ in range(3)] == [200, 200, 200]
