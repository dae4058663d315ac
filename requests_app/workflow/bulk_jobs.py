"""Bulk actions run by a worker: drafting follow-ups and sending drafted letters.

Rendering a PDF takes a good part of a second, so these actions cannot finish inside one
page load for a few hundred requests. Starting one records a BulkJob (the chosen requests
of the member's own organization, in order) and wakes a worker, which splits the list into
parts of ``CHUNK`` requests; workers handle the parts side by side (requests_app/jobs/
parts.py), each storing its requests' outcomes as it ends, so the page's progress bar
moves, no task runs long and every worker process helps.

A part is counted once however often it runs (the runner claims it, and records it only
under that claim), and each step is safe to repeat should a part run again after its
worker seemed gone: a letter already rendered is reused, a follow-up already drafted
today is not drafted again, an email already queued is not queued twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef
from django.utils import timezone

from requests_app.jobs.registry import Kind, Parts, chunked, register
from requests_app.jobs.services import job_enqueue
from requests_app.letters.follow_ups import draft_follow_up
from requests_app.letters.models import FollowUpLetter
from requests_app.letters.services import CannotFinalise, ResidencyNotAcknowledged, follow_up_finalise, letter_finalise
from requests_app.outbox.models import IN_FLIGHT, State
from requests_app.outbox.selectors import with_latest_email
from requests_app.records.channels import CannotSend, without_email
from requests_app.records.listing import requests_by_ids
from requests_app.records.models import AWAITING_ANSWER, BulkJob, RecordsRequest, Status
from requests_app.teams.models import Organization, User
from requests_app.workflow.follow_up_sending import follow_up_queue_email
from requests_app.workflow.sending import request_queue_email

CHUNK = 10
logger = logging.getLogger(__name__)
STALE = timedelta(minutes=10)
QUEUED_OR_SENT = (*IN_FLIGHT, State.SENT)


@dataclass(frozen=True)
class Outcome:
    """What a step did to one request: ``done`` False means it was left alone, and why."""

    done: bool
    text: str


Step = Callable[[RecordsRequest, BulkJob, date], Outcome]


def bulk_job_start(
    *, organization: Organization, user: User, action: str, request_ids: Iterable[int],
    acknowledge_residency: bool = False,
) -> BulkJob:
    """Records the job for the organization's own requests among ``request_ids`` (others are
    dropped) and wakes a worker once the transaction commits."""
    wanted = list(dict.fromkeys(request_ids))
    own = set(requests_by_ids(organization=organization, request_ids=wanted).values_list("pk", flat=True))
    if not own:
        raise ValidationError("None of the selected requests is one of your organization's.")
    ids = [pk for pk in wanted if pk in own]
    job = BulkJob.objects.create(
        organization=organization, created_by=user, action=BulkJob.Action(action),
        acknowledge_residency=acknowledge_residency, request_ids=ids, total=len(ids), state=BulkJob.State.QUEUED,
    )
    job_enqueue(job)
    return job


def bulk_split(job: BulkJob) -> list[list[int]]:
    """The requests left to handle, in parts of CHUNK (all of them, for a job just started)."""
    return chunked(job.request_ids[job.handled:], CHUNK)


def bulk_part(job: BulkJob, ids: list[int]) -> list[tuple[int, str, Outcome]]:
    """Runs the job's step on the requests ``ids`` still the organization's, as of the local
    day the worker runs it: (request id, tracking number, outcome) of each."""
    today = timezone.localdate()
    found = {r.pk: r for r in requests_by_ids(organization=job.organization, request_ids=ids)
             .select_related("agency__jurisdiction__parent", "organization")}
    step = STEPS[job.action]
    return [(pk, found[pk].tracking, _run_step(step, found[pk], job, today)) for pk in ids if pk in found]


def _run_step(step: Step, request: RecordsRequest, job: BulkJob, today: date) -> Outcome:
    """One request's step; an unexpected failure is that request's outcome, so one broken
    letter neither stops the others nor makes the job fail the same way on every retry."""
    try:
        with transaction.atomic():
            return step(request, job, today)
    except Exception as exc:  # noqa: BLE001 - reported to the member on the job's page
        logger.exception("bulk job %s: %s failed", job.pk, request.tracking)
        return Outcome(False, f"{request.tracking} could not be handled ({type(exc).__name__}: {exc}).")


def _record_part(job: BulkJob, ids: list[int], outcomes: list[tuple[int, str, Outcome]]) -> None:
    for pk, tracking, outcome in outcomes:
        (job.done if outcome.done else job.skipped).append([pk, tracking, outcome.text])
    job.handled += len(ids)
    job.state = BulkJob.State.RUNNING


def _finish(job: BulkJob) -> None:
    """Done; the outcomes in the order the requests were chosen, whichever part ended first."""
    place = {pk: index for index, pk in enumerate(job.request_ids)}
    job.done.sort(key=lambda outcome: place[outcome[0]])
    job.skipped.sort(key=lambda outcome: place[outcome[0]])
    job.state = BulkJob.State.DONE


# Steps ------------------------------------------------------------------------------


def draft_follow_up_step(request: RecordsRequest, job: BulkJob, today: date) -> Outcome:
    if request.status not in AWAITING_ANSWER:
        return Outcome(False, f"{request.tracking} is {request.get_status_display().lower()}: follow-ups are "
                              "for requests awaiting an answer.")
    drafted = draft_follow_up(request=request, on=today, user=job.created_by,
                              reason=f"Drafted from the request list by {job.created_by or 'a member'}")
    if drafted is None:
        return Outcome(False, f"{request.tracking} already has a follow-up drafted today.")
    return Outcome(True, "follow-up drafted")


def send_letters_step(request: RecordsRequest, job: BulkJob, today: date) -> Outcome:
    """A draft request: its letter rendered and emailed. A sent one: its drafted follow-up
    and appeal letters rendered and emailed."""
    if request.status == Status.DRAFT:
        return _send_request_letter(request, job, today)
    return _send_follow_ups(request, job, today)


def _send_request_letter(request: RecordsRequest, job: BulkJob, today: date) -> Outcome:
    try:
        letter_finalise(request=request, user=job.created_by, today=today,
                        acknowledge_residency=job.acknowledge_residency)
    except ResidencyNotAcknowledged as exc:
        return Outcome(False, f"{request.tracking}: {exc} Confirm the residency warnings to send it.")
    except CannotFinalise as exc:
        return Outcome(False, str(exc))
    if not request.agency.records_email:
        return Outcome(False, f"{request.tracking}: letter PDF ready; {without_email(request.agency)}.")
    if request.send_state in QUEUED_OR_SENT:
        return Outcome(False, f"{request.tracking} is already being sent.")
    try:
        request_queue_email(request=request, user=job.created_by)
    except CannotSend as exc:
        return Outcome(False, str(exc))
    return Outcome(True, f"letter queued for {request.agency.records_email}")


def _send_follow_ups(request: RecordsRequest, job: BulkJob, today: date) -> Outcome:
    unsent = with_latest_email(FollowUpLetter.objects.filter(request=request, sent_on__isnull=True),
                               kind=OuterRef("kind")).order_by("drafted_at", "pk")
    letters = [letter for letter in unsent if letter.send_state not in QUEUED_OR_SENT]
    if not letters:
        return Outcome(False, f"{request.tracking} was sent and has no drafted follow-up or appeal letter to send.")
    if not request.agency.records_email:
        return Outcome(False, f"{request.tracking}: {request.agency.name} has no records email; send its "
                              "follow-up through its portal or by mail and record it on the request page.")
    sent = []
    for letter in letters:
        try:
            follow_up_queue_email(letter=follow_up_finalise(letter=letter, user=job.created_by, today=today),
                                  user=job.created_by)
        except CannotSend as exc:
            return Outcome(bool(sent), "; ".join([*sent, str(exc)]))
        sent.append(f"{letter.get_kind_display().lower()} queued for {request.agency.records_email}")
    return Outcome(True, "; ".join(sent))


STEPS: dict[str, Step] = {
    BulkJob.Action.DRAFT_FOLLOW_UPS: draft_follow_up_step,
    BulkJob.Action.SEND_LETTERS: send_letters_step,
}


register(Kind(name="bulk_job", model=BulkJob, related=("organization", "created_by"), stale_after=STALE,
              lost_after=STALE, parts=Parts(split=bulk_split, run=bulk_part, record=_record_part, finish=_finish)))
