"""Bulk actions and the CSV export through the API, and their scoping."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from requests_app.letters.services import letter_finalise
from requests_app.records.bulk import bulk_add_tag
from requests_app.records.models import RecordsRequest
from requests_app.workflow.sending import request_mark_submitted
from tests.factories import AgencyFactory, draft_request, state

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 27)


@pytest.fixture
def drafts(alice) -> list[RecordsRequest]:
    return [draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state(code)),
                          user=alice.user) for code in ("WA", "TX")]


@pytest.fixture
def bobs(bob) -> RecordsRequest:
    return draft_request(organization=bob.organization, agency=AgencyFactory(), user=bob.user)


def _bulk(api, action: str, ids: list[int], **fields):
    return api.post("/api/requests/bulk/", {"action": action, "ids": ids, **fields}, format="json")


def _ids(requests) -> list[int]:
    return [r.pk for r in requests]


def _rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_a_status_change_moves_what_the_lifecycle_allows_and_explains_the_rest(alice_api, alice, drafts):
    letter_finalise(request=drafts[0], user=alice.user, today=TODAY)
    request_mark_submitted(request=drafts[0], user=alice.user, channel="mail", sent_on=TODAY)
    moved = _bulk(alice_api, "status", _ids(drafts), to_status="acknowledged", reason="called them")
    assert moved.status_code == 200
    assert moved.json()["done"] == [{"id": drafts[0].pk, "tracking": drafts[0].tracking}]
    [skipped] = moved.json()["skipped"]
    assert skipped["id"] == drafts[1].pk and "draft" in skipped["reason"].lower()
    assert RecordsRequest.objects.get(pk=drafts[0].pk).status == "acknowledged"


def test_requests_are_given_to_a_member_or_to_nobody(alice_api, alice, drafts):
    given = _bulk(alice_api, "owner", _ids(drafts), owner=alice.user.pk)
    assert len(given.json()["done"]) == 2
    assert set(RecordsRequest.objects.values_list("owner", flat=True)) == {alice.user.pk}
    assert len(_bulk(alice_api, "owner", _ids(drafts), owner=None).json()["done"]) == 2
    assert set(RecordsRequest.objects.values_list("owner", flat=True)) == {None}


def test_an_owner_from_another_organization_is_refused(alice_api, bob, drafts):
    refused = _bulk(alice_api, "owner", _ids(drafts), owner=bob.user.pk)
    assert refused.status_code == 400 and refused.json()["owner"]
    assert set(RecordsRequest.objects.values_list("owner", flat=True)) == {None}


def test_tags_are_added_and_removed(alice_api, alice, drafts):
    bulk_add_tag(organization=alice.organization, request_ids=[drafts[0].pk], name="batch 1", user=alice.user)
    added = _bulk(alice_api, "add_tag", _ids(drafts), tag="Batch 1").json()
    assert [d["id"] for d in added["done"]] == [drafts[1].pk] and "already tagged" in added["skipped"][0]["reason"]
    assert [r["tags"] for r in alice_api.get("/api/requests/", {"sort": "created"}).json()["results"]] == [
        ["batch 1"], ["batch 1"]]
    removed = _bulk(alice_api, "remove_tag", _ids(drafts), tag="batch 1").json()
    assert len(removed["done"]) == 2 and not drafts[0].tags.exists()


def test_the_request_list_costs_the_same_queries_for_many_tagged_requests(alice_api, alice, drafts):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert alice_api.get("/api/requests/").status_code == 200
        return len(captured)

    bulk_add_tag(organization=alice.organization, request_ids=_ids(drafts), name="batch 1", user=alice.user)
    queries()  # the token's first call also records that it was used
    two = queries()
    more = [draft_request(organization=alice.organization, agency=AgencyFactory(), user=alice.user) for _ in range(3)]
    bulk_add_tag(organization=alice.organization, request_ids=_ids(more), name="batch 2", user=alice.user)
    assert queries() == two


def test_a_tag_needs_a_name(alice_api, drafts):
    refused = _bulk(alice_api, "add_tag", _ids(drafts), tag="")
    assert refused.status_code == 400 and refused.json()["tag"]


def test_reminders_are_paused_and_resumed(alice_api, drafts):
    assert len(_bulk(alice_api, "pause", _ids(drafts)).json()["done"]) == 2
    assert set(RecordsRequest.objects.values_list("reminders_paused", flat=True)) == {True}
    resumed = _bulk(alice_api, "resume", _ids(drafts[:1])).json()
    assert len(resumed["done"]) == 1 and RecordsRequest.objects.filter(reminders_paused=True).count() == 1


def test_an_unknown_action_names_the_actions(alice_api, drafts):
    refused = _bulk(alice_api, "delete", _ids(drafts))
    assert refused.status_code == 400 and "add_tag" in refused.json()["action"][0]


def test_another_organizations_ids_are_skipped_as_not_found(alice_api, drafts, bobs):
    tagged = _bulk(alice_api, "add_tag", [*_ids(drafts), bobs.pk, 999999], tag="batch").json()
    assert len(tagged["done"]) == 2
    assert [(s["id"], s["tracking"]) for s in tagged["skipped"]] == [(bobs.pk, None), (999999, None)]
    assert all("Not one of your organization's requests" in s["reason"] for s in tagged["skipped"])
    assert not bobs.tags.exists()


def test_another_organizations_token_changes_nothing(bob_api, drafts):
    answer = _bulk(bob_api, "pause", _ids(drafts)).json()
    assert answer["done"] == [] and [s["id"] for s in answer["skipped"]] == _ids(drafts)
    assert not RecordsRequest.objects.filter(reminders_paused=True).exists()


def test_a_viewer_cannot_run_a_bulk_action(viewer_api, drafts):
    assert _bulk(viewer_api, "pause", _ids(drafts)).status_code == 403
    assert not RecordsRequest.objects.filter(reminders_paused=True).exists()


def test_the_export_is_the_request_lists_csv_with_its_filters(alice_api, alice_client, alice, drafts):
    bulk_add_tag(organization=alice.organization, request_ids=[drafts[1].pk], name="batch 1", user=alice.user)
    export = alice_api.get("/api/requests/export.csv", {"state": "TX"})
    assert export.status_code == 200 and export["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in export["Content-Disposition"]
    body = b"".join(export.streaming_content)
    page = alice_client.get("/requests/export.csv", {"state": "TX"})
    assert body == b"".join(page.streaming_content)
    assert [r["Tracking reference"] for r in _rows(alice_api.get("/api/requests/export/", {"format": "csv",
                                                                                       "tag": "batch 1"}))] == [
        drafts[1].tracking]


def test_an_export_with_a_bad_filter_is_refused_in_json(alice_api, drafts):
    refused = alice_api.get("/api/requests/export.csv", {"status": "lost"})
    assert refused.status_code == 400 and "Unknown status 'lost'" in refused.json()["detail"][0]


def test_another_organizations_token_exports_none_of_the_requests(bob_api, drafts):
    assert _rows(bob_api.get("/api/requests/export.csv")) == []


def test_a_viewer_exports(viewer_api, drafts):
    assert len(_rows(viewer_api.get("/api/requests/export.csv"))) == 2


def test_without_a_token_the_export_is_refused_in_json():
    refused = APIClient().get("/api/requests/export.csv")
    assert refused.status_code == 401 and refused["Content-Type"] == "application/json"


def test_sending_drafted_letters_is_a_job_followed_to_each_outcome(alice_api, alice, bobs,
                                                                   django_capture_on_commit_callbacks):
    from django.core import mail

    emailed = draft_request(organization=alice.organization, user=alice.user,
                            agency=AgencyFactory(jurisdiction=state("WA"), records_email="prr@city.example.gov"))
    by_mail = draft_request(organization=alice.organization, user=alice.user,
                            agency=AgencyFactory(jurisdiction=state("WA"), records_email=""))
    with django_capture_on_commit_callbacks(execute=True):
        started = _bulk(alice_api, "send_letters", [emailed.pk, by_mail.pk, bobs.pk])
    assert started.status_code == 202, started.content
    job = started.json()
    assert (job["action"], job["total"]) == ("send_letters", 2)  # bob's request is not part of it
    followed = alice_api.get(job["url"]).json()
    assert (followed["state"], followed["handled"], followed["percent"]) == ("done", 2, 100)
    assert [d["id"] for d in followed["done"]] == [emailed.pk]
    assert followed["skipped"][0]["id"] == by_mail.pk and "no records email" in followed["skipped"][0]["text"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["prr@city.example.gov"]
    assert alice_api.get("/api/bulk-jobs/").json()["results"][0]["id"] == job["id"]


def test_drafting_follow_ups_through_the_api(alice_api, alice, drafts, django_capture_on_commit_callbacks):
    letter_finalise(request=drafts[0], user=alice.user, today=TODAY)
    request_mark_submitted(request=drafts[0], user=alice.user, channel="mail", sent_on=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        started = _bulk(alice_api, "draft_follow_ups", _ids(drafts))
    assert started.status_code == 202
    job = alice_api.get(started.json()["url"]).json()
    assert [d["id"] for d in job["done"]] == [drafts[0].pk] and job["skipped"][0]["id"] == drafts[1].pk
    assert drafts[0].follow_ups.count() == 1


def test_another_organizations_token_cannot_see_a_job_and_a_viewer_cannot_start_one(
        alice_api, bob_api, viewer_api, drafts):
    started = _bulk(alice_api, "draft_follow_ups", _ids(drafts))
    assert started.status_code == 202
    assert bob_api.get(f"/api/bulk-jobs/{started.json()['id']}/").status_code == 404
    assert bob_api.get("/api/bulk-jobs/").json()["results"] == []
    assert _bulk(viewer_api, "send_letters", _ids(drafts)).status_code == 403
    refused = _bulk(bob_api, "send_letters", _ids(drafts))  # alice's requests, bob's token
    assert refused.status_code == 400 and "None of the selected requests" in str(refused.json())
