"""Jobs whose parts run side by side: split once, each part claimed once, counted once,
the job ended by whichever part is last (or assembled after it), and a stopped worker's
part or assembly taken up again. The
kind's own work is replaced here; the campaign's real parts are tested with campaigns."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from django.utils import timezone

from requests_app.jobs import parts, registry, runner
from requests_app.jobs.models import JobPart
from requests_app.jobs.registry import Kind, Parts, chunked
from requests_app.jobs.tasks import jobs_sweep, run_job
from requests_app.ops import queue

pytestmark = pytest.mark.django_db
KIND = "campaign_rendering"


class Work:
    """A kind's parts that record what ran: ``split`` gives ``ids``; a part's run returns
    its ids doubled, or raises what ``fail`` holds for its first id."""

    def __init__(self, ids: list[int], size: int = 2) -> None:
        self.ids, self.size, self.ran, self.fail = ids, size, [], {}

    def parts(self) -> Parts:
        return Parts(split=lambda job: chunked(self.ids, self.size), run=self.run, record=self.record,
                     finish=self.finish)

    def run(self, job, ids):
        self.ran.append(ids)
        if ids[0] in self.fail:
            raise self.fail.pop(ids[0])
        return [2 * pk for pk in ids]

    @staticmethod
    def record(job, ids, outcome):
        job.handled += len(ids)
        job.failures = [*job.failures, *outcome]

    @staticmethod
    def finish(job):
        job.state = "done"


@pytest.fixture
def work(monkeypatch):
    work = Work(ids=[1, 2, 3, 4, 5])
    kind = registry.kind_named(KIND)
    monkeypatch.setitem(registry._KINDS, KIND, dataclasses.replace(kind, parts=work.parts()))
    return work


@pytest.fixture
def woken(monkeypatch):
    """The part tasks enqueued, as (kind, job id, index), without running them."""
    sent: list[tuple] = []
    monkeypatch.setattr(queue, "enqueue_now", lambda task, *args, **options: sent.append(args) or True)
    return sent


def start(job, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        runner.run_step(KIND, job.pk, now=timezone.now())


def test_the_first_step_records_the_parts_and_wakes_a_worker_for_each(make_job, work, woken,
                                                                       django_capture_on_commit_callbacks):
    job = make_job(KIND)
    start(job, django_capture_on_commit_callbacks)
    assert woken == [(KIND, job.pk, 0), (KIND, job.pk, 1), (KIND, job.pk, 2)]
    assert list(JobPart.objects.order_by("index").values_list("items", "state")) == [
        ([1, 2], "queued"), ([3, 4], "queued"), ([5], "queued")]
    job.refresh_from_db()
    assert (job.state, job.total, job.claimed_at) == ("running", 5, None)  # free for the parts
    assert work.ran == []


def test_parts_run_in_any_order_and_the_last_ends_the_job(make_job, work, woken, django_capture_on_commit_callbacks):
    job = make_job(KIND)
    start(job, django_capture_on_commit_callbacks)
    for index in (2, 0):
        parts.run_part(KIND, job.pk, index, now=timezone.now())
    job.refresh_from_db()
    assert (job.state, job.handled, job.failures, job.finished_at) == ("running", 3, [10, 2, 4], None)
    parts.run_part(KIND, job.pk, 1, now=timezone.now())
    job.refresh_from_db()
    assert (job.state, job.handled, sorted(job.failures)) == ("done", 5, [2, 4, 6, 8, 10])
    assert job.finished_at is not None and not JobPart.objects.exists()


def test_a_part_is_run_once_however_often_its_message_comes(make_job, work, woken, django_capture_on_commit_callbacks):
    job = make_job(KIND)
    start(job, django_capture_on_commit_callbacks)
    for _ in range(2):
        parts.run_part(KIND, job.pk, 0, now=timezone.now())
    assert work.ran == [[1, 2]]
    job.refresh_from_db()
    assert job.handled == 2


def test_a_part_held_by_a_live_worker_is_left_to_it(make_job, work, woken, django_capture_on_commit_callbacks):
    job = make_job(KIND)
    start(job, django_capture_on_commit_callbacks)
    now = timezone.now()
    JobPart.objects.filter(index=0).update(state="running", claimed_at=now, updated_at=now)
    parts.run_part(KIND, job.pk, 0, now=now + timedelta(minutes=9))
    assert work.ran == []


def test_a_slow_workers_part_taken_over_is_counted_once(make_job, work, woken, django_capture_on_commit_callbacks):
    """The first worker was only slow: by the time it ends, another has claimed its part
    (past the staleness) and records it; the first one's outcome is dropped."""
    job = make_job(KIND)
    start(job, django_capture_on_commit_callbacks)
    later = timezone.now() + timedelta(minutes=11)

    kind = registry.kind_named(KIND)

    def slow(job_, ids):
        registry._KINDS[KIND] = kind
        parts.run_part(KIND, job.pk, 0, now=later)  # the takeover, while this run is still going
        return ["slow"]

    registry._KINDS[KIND] = dataclasses.replace(kind, parts=dataclasses.replace(kind.parts, run=slow))
    parts.run_part(KIND, job.pk, 0, now=timezone.now())
    job.refresh_from_db()
    assert (job.handled, job.failures) == (2, [2, 4])  # the takeover's record; the slow one's dropped
    assert JobPart.objects.get(index=0).state == "done"


def test_a_part_that_raises_is_taken_up_again_through_the_sweep(make_job, work, woken, caplog,
                                                                 django_capture_on_commit_callbacks):
    job = make_job(KIND)
    work.fail[3] = OSError("disk full")
    start(job, django_capture_on_commit_callbacks)
    now = timezone.now()
    for index in (0, 1, 2):
        parts.run_part(KIND, job.pk, index, now=now)
    job.refresh_from_db()
    assert (job.state, job.handled, job.error) == ("running", 3, "OSError: disk full")
    assert "part 1 failed" in caplog.text
    # The failed part keeps its claim; once the job is silent past its staleness, the sweep
    # wakes it, and its step wakes a worker for the part no live worker holds.
    later = now + timedelta(minutes=11)
    type(job).objects.filter(pk=job.pk).update(updated_at=later - timedelta(minutes=11, seconds=1))
    JobPart.objects.filter(index=1).update(updated_at=later - timedelta(minutes=11))
    assert runner.due(now=later) == [(KIND, job.pk)]
    woken.clear()
    with django_capture_on_commit_callbacks(execute=True):
        runner.run_step(KIND, job.pk, now=later)
    assert woken == [(KIND, job.pk, 1)]
    parts.run_part(KIND, job.pk, 1, now=later)
    job.refresh_from_db()
    assert (job.state, job.handled) == ("done", 5)
    assert work.ran == [[1, 2], [3, 4], [5], [3, 4]]


def test_a_job_with_nothing_to_do_ends_at_its_first_step(make_job, work, woken, django_capture_on_commit_callbacks):
    work.ids = []
    job = make_job(KIND)
    start(job, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert (job.state, job.total, woken) == ("done", 0, [])
    assert job.finished_at is not None and job.claimed_at is None


def test_the_parts_of_a_job_ended_meanwhile_are_dropped(make_job, work, woken, django_capture_on_commit_callbacks):
    job = make_job(KIND)
    start(job, django_capture_on_commit_callbacks)
    type(job).objects.filter(pk=job.pk).delete()
    parts.run_part(KIND, job.pk, 0, now=timezone.now())
    assert work.ran == [] and not JobPart.objects.exists()


def test_the_tasks_run_a_whole_job(make_job, work, django_capture_on_commit_callbacks):
    """Through the tasks, as a worker runs them (eagerly here): one message per part."""
    job = make_job(KIND)
    with django_capture_on_commit_callbacks(execute=True):
        run_job(KIND, job.pk)
    job.refresh_from_db()
    assert (job.state, job.handled, sorted(job.failures)) == ("done", 5, [2, 4, 6, 8, 10])
    assert sorted(work.ran) == [[1, 2], [3, 4], [5]] and jobs_sweep(now=timezone.now() + timedelta(hours=1)) == 0


@pytest.fixture
def assembling(work, monkeypatch):
    """The work's kind ending by an assembly that records the outcomes it was given, in
    turn answering ``answers`` (an exception is raised) before ending the job."""
    given, answers = [], []

    def assemble(job, outcomes):
        given.append(outcomes)
        if answers and isinstance(answers[0], Exception):
            raise answers.pop(0)
        assert parts.assembly_end(job, state="done", failures=[pk for outcome in outcomes for pk in outcome])
        if answers and answers[0] == "killed before its clean-up":
            raise SystemExit(answers.pop(0))
        parts.assembled(job)

    kind = registry.kind_named(KIND)
    monkeypatch.setitem(registry._KINDS, KIND, dataclasses.replace(
        kind, parts=dataclasses.replace(work.parts(), finish=None, assemble=assemble)))
    return given, answers


def test_a_kind_that_assembles_has_its_step_queued_by_the_last_part(make_job, assembling, woken,
                                                                    django_capture_on_commit_callbacks):
    given, _ = assembling
    job = make_job(KIND)
    start(job, django_capture_on_commit_callbacks)
    woken.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for index in (2, 1, 0):
            parts.run_part(KIND, job.pk, index, now=timezone.now())
    assert woken == [(KIND, job.pk)]  # the step, once the last part committed
    job.refresh_from_db()
    assert (job.state, job.handled, job.finished_at) == ("running", 5, None)  # not assembled under the lock
    assert JobPart.objects.filter(state="done").count() == 3
    assert not runner.run_step(KIND, job.pk, now=timezone.now())
    assert given == [[[2, 4], [6, 8], [10]]]  # the parts' outcomes in the parts' order
    job.refresh_from_db()
    assert (job.state, job.failures, job.claimed_at) == ("done", [2, 4, 6, 8, 10], None)
    assert job.finished_at is not None and not JobPart.objects.exists()


def test_an_assembly_that_raises_is_taken_up_again_through_the_sweep(make_job, assembling, work, woken,
                                                                     django_capture_on_commit_callbacks):
    given, answers = assembling
    answers.append(OSError("storage down"))
    job = make_job(KIND)
    start(job, django_capture_on_commit_callbacks)
    now = timezone.now()
    for index in (0, 1, 2):
        parts.run_part(KIND, job.pk, index, now=now)
    runner.run_step(KIND, job.pk, now=now)
    job.refresh_from_db()
    assert (job.state, job.error, job.claimed_at) == ("running", "OSError: storage down", now)
    assert runner.due(now=now + timedelta(minutes=11)) == [(KIND, job.pk)]
    runner.run_step(KIND, job.pk, now=now + timedelta(minutes=11))  # assembled again, not split anew
    job.refresh_from_db()
    assert job.state == "done" and len(given) == 2 and not JobPart.objects.exists()
    assert work.ran == [[1, 2], [3, 4], [5]]  # no part ran again


def test_an_assembler_whose_claim_was_taken_over_ends_nothing(make_job, assembling, woken,
                                                             django_capture_on_commit_callbacks):
    job = make_job(KIND)
    start(job, django_capture_on_commit_callbacks)
    for index in (0, 1, 2):
        parts.run_part(KIND, job.pk, index, now=timezone.now())
    slow = runner.claim(KIND, job.pk, now=timezone.now() - timedelta(minutes=11))
    runner.claim(KIND, job.pk, now=timezone.now())  # the sweep's takeover
    assert not parts.assembly_beat(slow) and not parts.assembly_end(slow, state="done")
    assert JobPart.objects.count() == 3 and type(job).objects.get(pk=job.pk).state == "running"


def test_a_kind_with_nothing_to_assemble_assembles_at_its_first_step(make_job, assembling, work, woken,
                                                                     django_capture_on_commit_callbacks):
    given, _ = assembling
    work.ids = []
    job = make_job(KIND)
    start(job, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert (job.state, given, woken) == ("done", [[]], [])


def test_the_sweep_discards_the_parts_of_a_deleted_job_once_their_outcomes_are(make_job, assembling, woken, caplog,
                                                                               monkeypatch,
                                                                               django_capture_on_commit_callbacks):
    discarded, failures = [], [OSError("storage down")]

    def discard(job_id, outcomes):
        if failures:
            raise failures.pop()
        discarded.append((job_id, outcomes))

    kind = registry.kind_named(KIND)
    monkeypatch.setitem(registry._KINDS, KIND, dataclasses.replace(
        kind, parts=dataclasses.replace(kind.parts, discard=discard)))
    job = make_job(KIND)
    start(job, django_capture_on_commit_callbacks)
    parts.run_part(KIND, job.pk, 0, now=timezone.now())
    type(job).objects.filter(pk=job.pk).delete()
    jobs_sweep(now=timezone.now())
    assert JobPart.objects.count() == 3 and "could not be discarded" in caplog.text  # kept for the next sweep
    jobs_sweep(now=timezone.now())
    assert discarded == [(job.pk, [[2, 4]])] and not JobPart.objects.exists()


def test_an_assembler_killed_after_ending_the_job_leaves_its_parts_for_the_sweep_to_discard(
        make_job, assembling, woken, monkeypatch, django_capture_on_commit_callbacks):
    given, answers = assembling
    discarded = []
    kind = registry.kind_named(KIND)
    monkeypatch.setitem(registry._KINDS, KIND, dataclasses.replace(
        kind, parts=dataclasses.replace(kind.parts, discard=lambda job_id, outcomes: discarded.append((job_id, outcomes)))))
    answers.append("killed before its clean-up")
    job = make_job(KIND)
    start(job, django_capture_on_commit_callbacks)
    for index in (0, 1, 2):
        parts.run_part(KIND, job.pk, index, now=timezone.now())
    with pytest.raises(SystemExit):
        runner.run_step(KIND, job.pk, now=timezone.now())
    job.refresh_from_db()
    assert job.state == "done" and JobPart.objects.count() == 3 and discarded == []
    assert jobs_sweep(now=timezone.now()) == 0  # an ended job is not woken
    assert discarded == [(job.pk, [[2, 4], [6, 8], [10]])] and not JobPart.objects.exists()
    assert type(job).objects.get(pk=job.pk).state == "done" and len(given) == 1


def test_parts_end_by_finish_or_assemble():
    parts_ = registry.kind_named(KIND).parts
    with pytest.raises(ValueError, match="finish or by assemble"):
        dataclasses.replace(parts_, assemble=lambda job, outcomes: None)
    with pytest.raises(ValueError, match="finish or by assemble"):
        dataclasses.replace(parts_, finish=None)


def test_a_kind_has_a_step_or_parts():
    with pytest.raises(ValueError, match="a step or parts"):
        Kind(name="nothing", model=registry.kind_named(KIND).model)
    with pytest.raises(ValueError, match="a step or parts"):
        Kind(name="both", model=registry.kind_named(KIND).model, step=lambda job: False,
             parts=registry.kind_named(KIND).parts)


def test_ids_are_chunked_in_order():
    assert chunked([5, 6, 7, 8, 9], 2) == [[5, 6], [7, 8], [9]] and chunked([], 3) == []
