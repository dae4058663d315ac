"""The runner itself: claiming, stepping and queueing the next step, on a bulk job given a
step in place of its parts; the kinds' own steps and parts are tested with their apps,
the parts' runner in test_parts.py."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from django.utils import timezone

from requests_app.jobs import registry, runner
from requests_app.jobs.services import job_enqueue
from requests_app.records.models import BulkJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def steps(monkeypatch):
    """Replaces the bulk job's step with one answering ``answers`` in turn (an exception is
    raised), and lists the jobs it was given."""
    given: list[BulkJob] = []
    answers: list[bool | Exception] = []

    def step(job: BulkJob) -> bool:
        given.append(job)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        if not answer:
            BulkJob.objects.filter(pk=job.pk).update(state="done")
        return answer

    kind = registry.kind_named("bulk_job")
    monkeypatch.setitem(registry._KINDS, "bulk_job", dataclasses.replace(kind, step=step, parts=None))
    return given, answers


def test_it_claims_a_job_once(make_job):
    job = make_job("bulk_job")
    now = timezone.now()
    claimed = runner.claim("bulk_job", job.pk, now=now)
    assert (claimed.state, claimed.claimed_at, claimed.started_at) == ("running", now, now)
    assert runner.claim("bulk_job", job.pk, now=now + timedelta(minutes=9)) is None


def test_a_claim_silent_past_its_kinds_staleness_is_taken_over(make_job):
    job = make_job("bulk_job")
    then = timezone.now() - timedelta(minutes=11)
    runner.claim("bulk_job", job.pk, now=then)
    taken = runner.claim("bulk_job", job.pk, now=timezone.now())
    assert taken is not None and taken.started_at == then  # started when first claimed


def test_a_finished_job_is_not_claimed(make_job):
    assert runner.claim("bulk_job", make_job("bulk_job", "done").pk, now=timezone.now()) is None


def test_it_queues_the_next_step_while_more_remains(make_job, steps, django_capture_on_commit_callbacks):
    given, answers = steps
    answers.extend([True, True, False])
    job = make_job("bulk_job")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job_enqueue(job)
    assert len(given) == len(callbacks) == 3 and not answers
    job.refresh_from_db()
    assert (job.state, job.claimed_at) == ("done", None) and job.finished_at >= job.started_at


def test_between_steps_the_job_is_running_and_free_to_claim(make_job, steps):
    given, answers = steps
    answers.append(True)
    job = make_job("bulk_job")
    assert runner.run_step("bulk_job", job.pk, now=timezone.now())
    job.refresh_from_db()
    assert (job.state, job.claimed_at, job.finished_at) == ("running", None, None)
    assert runner.claim("bulk_job", job.pk, now=timezone.now()) is not None


def test_a_message_for_a_job_another_worker_holds_runs_nothing(make_job, steps):
    given, _ = steps
    job = make_job("bulk_job")
    runner.claim("bulk_job", job.pk, now=timezone.now())
    assert not runner.run_step("bulk_job", job.pk, now=timezone.now())
    assert given == []


def test_a_step_that_raises_keeps_its_claim_until_the_sweep_takes_it_up(make_job, steps, caplog):
    given, answers = steps
    answers.extend([OSError("disk full"), False])
    job = make_job("bulk_job")
    now = timezone.now()
    assert not runner.run_step("bulk_job", job.pk, now=now)
    job.refresh_from_db()
    assert (job.state, job.claimed_at, job.error) == ("running", now, "OSError: disk full")
    assert "its step failed" in caplog.text
    assert not runner.run_step("bulk_job", job.pk, now=now + timedelta(minutes=5))  # still held
    later = now + timedelta(minutes=11)
    assert runner.due(now=later) == [("bulk_job", job.pk)]
    assert not runner.run_step("bulk_job", job.pk, now=later)  # taken over, and finished
    job.refresh_from_db()
    assert (len(given), job.state, job.claimed_at) == (2, "done", None)


def test_a_step_superseded_by_a_newer_claim_leaves_it_alone(make_job, monkeypatch):
    """A worker that was only slow finds another holding the job when it ends its step."""
    job = make_job("bulk_job")
    newer = timezone.now()

    def slow_step(held: BulkJob) -> bool:
        BulkJob.objects.filter(pk=held.pk).update(claimed_at=newer)  # the sweep's restart took it meanwhile
        return True

    kind = registry.kind_named("bulk_job")
    monkeypatch.setitem(registry._KINDS, "bulk_job", dataclasses.replace(kind, step=slow_step, parts=None))
    runner.run_step("bulk_job", job.pk, now=newer - timedelta(minutes=11))
    assert BulkJob.objects.get(pk=job.pk).claimed_at == newer


KINDS = ["bulk_job", "campaign_rendering", "packet_export", "audit_import"]


@pytest.mark.parametrize("kind", KINDS)
def test_the_sweep_wakes_lost_and_stale_jobs_of_every_kind(kind, make_job):
    job = make_job(kind)
    model = type(job)
    now = timezone.now()
    assert runner.due(now=now) == []  # queued just now: its message is on its way
    model.objects.filter(pk=job.pk).update(updated_at=now - timedelta(minutes=11))
    assert runner.due(now=now) == [(kind, job.pk)]  # the broker lost it
    runner.claim(kind, job.pk, now=now - timedelta(minutes=9))
    assert runner.due(now=now) == []  # running, heard of lately
    for state in ("done", "failed"):
        model.objects.filter(pk=job.pk).update(state=state, updated_at=now - timedelta(days=1))
        assert runner.due(now=now) == []


@pytest.mark.parametrize("kind, stale", [("bulk_job", 10), ("campaign_rendering", 10), ("packet_export", 10),
                                         ("audit_import", 15)])
def test_a_running_job_is_stale_after_its_kinds_own_time(kind, stale, make_job):
    job = make_job(kind)
    now = timezone.now()
    runner.claim(kind, job.pk, now=now - timedelta(minutes=stale) + timedelta(seconds=30))
    assert runner.due(now=now) == []
    assert runner.claim(kind, job.pk, now=now) is None
    type(job).objects.filter(pk=job.pk).update(updated_at=now - timedelta(minutes=stale, seconds=30))
    assert runner.due(now=now) == [(kind, job.pk)]
    assert runner.claim(kind, job.pk, now=now) is not None


def test_every_kind_is_registered_by_its_app():
    assert sorted(kind.name for kind in registry.kinds()) == sorted(KINDS)


def test_a_kind_is_queued_with_its_own_time_limits(make_job, monkeypatch):
    sent = []
    monkeypatch.setattr("requests_app.jobs.tasks.run_job.apply_async", lambda args, **kw: sent.append((args, kw)))
    job = make_job("audit_import")
    type(job).objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=11))
    from requests_app.jobs.tasks import jobs_sweep

    assert jobs_sweep(now=timezone.now()) == 1
    assert sent == [(("audit_import", job.pk), {"soft_time_limit": 3600, "time_limit": 3720})]
