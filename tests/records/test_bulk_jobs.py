"""Bulk actions run by a worker: drafting follow-ups and sending drafted letters, chosen on
the request list, followed on the job's page, each request's outcome kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from requests_app.jobs.tasks import jobs_sweep, run_job
from requests_app.letters.follow_ups import draft_follow_up
from requests_app.letters.models import FollowUpLetter, LetterVersion
from requests_app.outbox.models import State
from requests_app.records.models import BulkJob, RecordsRequest, RequestEvent, Status
from requests_app.teams.models import Role
from requests_app.workflow import bulk_jobs
from requests_app.workflow.bulk_jobs import bulk_job_start
from requests_app.workflow.status import request_transition
from tests.factories import AgencyFactory, MembershipFactory, draft_request, state

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def draft(membership, email="prr@city.example.gov", code="WA") -> RecordsRequest:
    return draft_request(organization=membership.organization, user=membership.user,
                         agency=AgencyFactory(records_email=email, jurisdiction=state(code)))


def sent(membership, **agency) -> RecordsRequest:
    request = draft(membership, **agency)
    request_transition(request=request, to_status=Status.SUBMITTED, user=membership.user,
                       on=TODAY - timedelta(days=40))
    return request


def run(job: BulkJob, on_commit) -> BulkJob:
    """Runs the job as workers would: its first step, then each part it wakes a worker for."""
    with on_commit(execute=True):
        run_job("bulk_job", job.pk)
    job.refresh_from_db()
    return job


def start(membership, action, requests, **options) -> BulkJob:
    return bulk_job_start(organization=membership.organization, user=membership.user, action=action,
                          request_ids=[r.pk for r in requests], **options)


def test_drafting_follow_ups_drafts_one_per_request_awaiting_an_answer(alice, django_capture_on_commit_callbacks):
    waiting = [sent(alice), sent(alice), sent(alice)]
    unsent = draft(alice)
    job = run(start(alice, "draft_follow_ups", [*waiting, unsent]), django_capture_on_commit_callbacks)
    assert job.state == "done" and job.position == job.total == 4
    assert [pk for pk, _, _ in job.done] == [r.pk for r in waiting]
    assert job.skipped == [[unsent.pk, unsent.tracking,
                            f"{unsent.tracking} is draft: follow-ups are for requests awaiting an answer."]]
    letters = FollowUpLetter.objects.filter(request__in=waiting, kind="follow_up", occasion=TODAY)
    assert letters.count() == 3
    assert all(letter.request.tracking in letter.text for letter in letters)
    event = RequestEvent.objects.filter(request=waiting[0], kind="follow_up_drafted").get()
    assert event.actor == alice.user and "request list" in event.summary


def test_drafting_twice_the_same_day_leaves_the_first_drafts(alice, django_capture_on_commit_callbacks):
    request = sent(alice)
    run(start(alice, "draft_follow_ups", [request]), django_capture_on_commit_callbacks)
    again = run(start(alice, "draft_follow_ups", [request]), django_capture_on_commit_callbacks)
    assert again.done == [] and "already has a follow-up drafted today" in again.skipped[0][2]
    assert FollowUpLetter.objects.filter(request=request).count() == 1


def test_another_organizations_requests_are_dropped_when_the_job_starts(alice, bob):
    theirs = sent(bob)
    job = start(alice, "draft_follow_ups", [sent(alice), theirs])
    assert theirs.pk not in job.request_ids and job.total == 1


def test_sending_renders_and_emails_draft_letters_and_lists_the_others(alice, django_capture_on_commit_callbacks):
    emailed, no_email = draft(alice), draft(alice, email="")
    job = run(start(alice, "send_letters", [emailed, no_email]), django_capture_on_commit_callbacks)
    assert [pk for pk, _, _ in job.done] == [emailed.pk]
    assert "letter PDF ready; no records email is known for" in job.skipped[0][2]
    assert "mail the PDF to its address" in job.skipped[0][2]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["prr@city.example.gov"]
    emailed.refresh_from_db()
    assert emailed.status == Status.SUBMITTED and emailed.send_state == State.SENT
    # The letter without an email is rendered all the same, ready to print or upload.
    assert LetterVersion.objects.filter(request=no_email).count() == 1
    assert RecordsRequest.objects.get(pk=no_email.pk).status == Status.DRAFT


def test_sending_emails_drafted_follow_ups_of_sent_requests(alice, django_capture_on_commit_callbacks):
    overdue, nothing_drafted = sent(alice), sent(alice)
    letter = draft_follow_up(request=overdue, on=TODAY, reason="Overdue", user=alice.user)
    job = run(start(alice, "send_letters", [overdue, nothing_drafted]), django_capture_on_commit_callbacks)
    assert [pk for pk, _, _ in job.done] == [overdue.pk]
    assert "no drafted follow-up or appeal letter" in job.skipped[0][2]
    letter.refresh_from_db()
    assert letter.finalised_at and letter.sent_on == TODAY and letter.send_state == State.SENT
    assert len(mail.outbox) == 1 and overdue.tracking in mail.outbox[0].subject


def test_a_residency_warning_holds_the_letter_back_unless_confirmed(alice, django_capture_on_commit_callbacks):
    # Tennessee answers its own citizens only; alice's organization is in Washington.
    request = draft(alice, code="TN")
    held = run(start(alice, "send_letters", [request]), django_capture_on_commit_callbacks)
    assert held.done == [] and "Confirm the residency warnings" in held.skipped[0][2]
    confirmed = run(start(alice, "send_letters", [request], acknowledge_residency=True),
                    django_capture_on_commit_callbacks)
    assert [pk for pk, _, _ in confirmed.done] == [request.pk]


def test_outcomes_are_listed_in_the_order_chosen_whichever_part_ends_first(alice, monkeypatch,
                                                                          django_capture_on_commit_callbacks):
    monkeypatch.setattr(bulk_jobs, "CHUNK", 1)
    requests = [sent(alice), draft(alice), sent(alice)]
    job = start(alice, "draft_follow_ups", requests)
    with django_capture_on_commit_callbacks() as parts:
        run_job("bulk_job", job.pk)  # the first step: three parts, a worker woken for each
    assert len(parts) == 3
    with django_capture_on_commit_callbacks(execute=True):
        for part in reversed(parts):
            part()
    job.refresh_from_db()
    assert (job.state, job.position) == ("done", 3)
    assert [pk for pk, _, _ in job.done] == [requests[0].pk, requests[2].pk]
    assert [pk for pk, _, _ in job.skipped] == [requests[1].pk]
    assert FollowUpLetter.objects.count() == 2


def test_a_finished_job_does_nothing_when_woken_again(alice, django_capture_on_commit_callbacks):
    job = run(start(alice, "draft_follow_ups", [sent(alice)]), django_capture_on_commit_callbacks)
    run(job, django_capture_on_commit_callbacks)
    assert (job.state, len(job.done), FollowUpLetter.objects.count()) == ("done", 1, 1)


def test_the_sweep_wakes_jobs_that_stopped_and_leaves_fresh_and_finished_ones(alice, monkeypatch):
    woken = []
    monkeypatch.setattr("requests_app.jobs.tasks.run_job.apply_async", lambda args, **kw: woken.append(args))
    stopped, fresh, finished = (start(alice, "draft_follow_ups", [sent(alice)]) for _ in range(3))
    BulkJob.objects.filter(pk=finished.pk).update(state="done")
    BulkJob.objects.filter(pk__in=[stopped.pk, finished.pk]).update(updated_at=timezone.now() - timedelta(hours=1))
    assert jobs_sweep(now=timezone.now()) == 1
    assert woken == [("bulk_job", stopped.pk)]


def test_the_list_starts_a_job_and_its_page_shows_the_outcome(alice, alice_client, django_capture_on_commit_callbacks):
    requests = [sent(alice), draft(alice)]
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("request-bulk"), {"action": "draft_follow_ups",
                                                               "ids": [r.pk for r in requests]})
    job = BulkJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("bulk-job", args=[job.pk])
    page = alice_client.get(response.url).content.decode()
    assert "Draft follow-ups" in page and "follow-up drafted" in page and "Left alone (1)" in page
    assert 'data-active="0"' in page
    progress = alice_client.get(reverse("bulk-job-progress", args=[job.pk])).json()
    assert progress == {"state": "done", "done": 2, "total": 2, "percent": 100, "changed": 1, "skipped": 1}


def test_a_running_job_page_follows_its_progress(alice, alice_client):
    job = start(alice, "draft_follow_ups", [sent(alice), sent(alice)])  # enqueued on commit: not run here
    page = alice_client.get(reverse("bulk-job", args=[job.pk])).content.decode()
    assert 'data-active="1"' in page and "Queued: 0 of 2" in page


def test_another_organization_cannot_see_a_job_and_a_viewer_cannot_start_one(alice, bob, bob_client):
    job = start(alice, "draft_follow_ups", [sent(alice)])
    assert bob_client.get(reverse("bulk-job", args=[job.pk])).status_code == 404
    assert bob_client.get(reverse("bulk-job-progress", args=[job.pk])).status_code == 404
    viewer = MembershipFactory(organization=alice.organization, role=Role.VIEWER)
    from django.test import Client

    client = Client()
    client.force_login(viewer.user)
    response = client.post(reverse("request-bulk"), {"action": "send_letters", "ids": [job.request_ids[0]]})
    assert response.status_code == 403 and BulkJob.objects.count() == 1


def test_a_job_with_none_of_the_organizations_requests_is_not_started(alice, bob):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="None of the selected requests"):
        start(alice, "draft_follow_ups", [sent(bob)])
    assert not BulkJob.objects.exists()


def test_one_request_failing_unexpectedly_is_its_outcome_and_the_others_go_on(alice, monkeypatch,
                                                                              django_capture_on_commit_callbacks):
    requests = [sent(alice), sent(alice)]
    real = bulk_jobs.draft_follow_up_step

    def broken_for_the_first(request, job, today):
        if request.pk == requests[0].pk:
            raise RuntimeError("renderer crashed")
        return real(request, job, today)

    monkeypatch.setitem(bulk_jobs.STEPS, "draft_follow_ups", broken_for_the_first)
    job = run(start(alice, "draft_follow_ups", requests), django_capture_on_commit_callbacks)
    assert job.state == "done" and [pk for pk, _, _ in job.done] == [requests[1].pk]
    assert job.skipped == [[requests[0].pk, requests[0].tracking,
                            f"{requests[0].tracking} could not be handled (RuntimeError: renderer crashed)."]]
