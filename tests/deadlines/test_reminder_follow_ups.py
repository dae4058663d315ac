"""The follow-up letters a batch of overdue reminders calls for: drafted together, in the
same queries however many, claimed so that no two workers draft one reminder's, and left
whole to a later scan when drafting fails."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from requests_app.deadlines import reminders
from requests_app.deadlines.models import Reminder
from requests_app.letters import follow_ups
from requests_app.letters.models import FollowUpLetter
from requests_app.records.models import RequestEvent
from requests_app.workflow import reminders as scanning
from requests_app.workflow.status import request_transition
from tests.deadlines.test_reminders import D, at
from tests.factories import AgencyFactory, draft_request, state
from tests.threads import at_once

OVERDUE = at(D(2026, 12, 14))  # Texas and Connecticut requests sent on 25 November: overdue and follow-up due
LATER = OVERDUE + timedelta(hours=1)
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason=(
    "two drafting workers at once need PostgreSQL's row locks (SQLite has one writer at a time); CI runs this on it"))


def overdue_requests(alice, count: int) -> list:
    """Texas and Connecticut in turn; in Connecticut, silence past the deadline is a denial,
    so its follow-up comes with an appeal."""
    requests = []
    for n in range(count):
        agency = AgencyFactory(jurisdiction=state(("TX", "CT")[n % 2]))
        request = draft_request(organization=alice.organization, agency=agency, user=alice.user)
        request_transition(request=request, to_status="submitted", user=alice.user, on=D(2026, 11, 25))
        requests.append(request)
    return requests


def undrafted() -> int:
    return Reminder.objects.filter(kind__in=reminders.FOLLOW_UP_KINDS, sent_at__isnull=False,
                                   follow_up_drafted_at__isnull=True).count()


@pytest.fixture
def failing_drafts(monkeypatch):
    """Drafting writes its letters, then fails, while the returned set holds anything."""
    failing = {True}
    draft = scanning.draft_follow_ups

    def draft_then_fail(occasions, **kwargs):
        letters = draft(occasions, **kwargs)
        if failing:
            raise RuntimeError("the letter template is broken")
        return letters

    monkeypatch.setattr(scanning, "draft_follow_ups", draft_then_fail)
    return failing


def left_by_a_failed_send(alice, count: int, failing: set) -> list:
    """Requests whose overdue reminders were sent while drafting failed."""
    requests = overdue_requests(alice, count)
    scanning.scan(now=OVERDUE, send_inline=True)
    failing.clear()
    return requests


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sending_a_batch_drafts_its_letters_in_the_same_queries_however_many_it_has(alice):
    counts = []
    for size in (3, 24):  # up to 48 reminders and their emails: on SQLite, each table in one INSERT
        overdue_requests(alice, size)
        token, ids = reminders.claim_due_reminders(OVERDUE)
        with CaptureQueriesContext(connection) as queries:
            sent = scanning.send_reminders(ids, token, now=OVERDUE)
        assert len(sent) == 2 * size
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert FollowUpLetter.objects.filter(kind="follow_up").count() == 27  # one a request: its two reminders share a day
    assert FollowUpLetter.objects.filter(kind="appeal").count() == 1 + 12
    assert undrafted() == 0


@pytest.mark.django_db
def test_a_failed_drafting_undoes_its_letters_and_claims_and_a_later_scan_drafts_them(alice, failing_drafts):
    overdue_requests(alice, 3)
    first = scanning.scan(now=OVERDUE, send_inline=True)
    assert len(first.sent) == 6 and not FollowUpLetter.objects.exists() and undrafted() == 6
    failing_drafts.clear()
    assert scanning.scan(now=OVERDUE + timedelta(minutes=1), send_inline=True).finished == 0  # its worker may live
    later = scanning.scan(now=LATER, send_inline=True)
    assert later.sent == [] and later.finished == 6 and undrafted() == 0
    assert FollowUpLetter.objects.filter(kind="follow_up").count() == 3
    assert FollowUpLetter.objects.filter(kind="appeal").count() == 1
    assert RequestEvent.objects.filter(kind="follow_up_drafted").count() == 4


@pytest.mark.django_db
def test_the_letters_left_are_drafted_in_the_same_queries_however_many(alice, failing_drafts):
    left_by_a_failed_send(alice, 3, failing_drafts)
    with CaptureQueriesContext(connection) as few:
        assert scanning.follow_ups_left(now=LATER) == 6
    failing_drafts.add(True)
    left_by_a_failed_send(alice, 24, failing_drafts)
    with CaptureQueriesContext(connection) as many:
        assert scanning.follow_ups_left(now=LATER) == 48
    assert len(few) == len(many) and undrafted() == 0


@pytest.mark.django_db
def test_a_letter_that_cannot_be_drafted_holds_up_none_of_the_others(alice, monkeypatch, failing_drafts):
    broken, *others = left_by_a_failed_send(alice, 4, failing_drafts)
    draft = follow_ups.draft_follow_ups

    def failing_for_one(occasions, **kwargs):
        if any(occasion.request.pk == broken.pk for occasion in occasions):
            raise RuntimeError("this request's letter cannot be composed")
        return draft(occasions, **kwargs)

    monkeypatch.setattr(scanning, "draft_follow_ups", failing_for_one)
    assert scanning.follow_ups_left(now=LATER) == 6
    assert set(FollowUpLetter.objects.values_list("request_id", flat=True)) == {r.pk for r in others}
    assert set(Reminder.objects.filter(follow_up_drafted_at__isnull=True, sent_at__isnull=False)
               .values_list("request_id", flat=True)) == {broken.pk}


@pytest.mark.django_db
def test_more_letters_that_cannot_be_drafted_than_a_scan_takes_hold_up_none_of_the_others(
        alice, monkeypatch, failing_drafts):
    monkeypatch.setattr(scanning, "FOLLOW_UPS_PER_SCAN", 2)
    requests = []
    for _ in range(4):  # all in Texas: the same dates, so the good one's reminders come last in any order
        request = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state("TX")),
                                user=alice.user)
        request_transition(request=request, to_status="submitted", user=alice.user, on=D(2026, 11, 25))
        requests.append(request)
    scanning.scan(now=OVERDUE, send_inline=True)
    failing_drafts.clear()
    *broken, good = requests
    draft = follow_ups.draft_follow_ups

    def failing_for_some(occasions, **kwargs):
        if any(occasion.request.pk in {b.pk for b in broken} for occasion in occasions):
            raise RuntimeError("this request's letter cannot be composed")
        return draft(occasions, **kwargs)

    monkeypatch.setattr(scanning, "draft_follow_ups", failing_for_some)
    assert undrafted() == 8
    scans = [LATER + timedelta(minutes=5 * n) for n in range(5)]
    drafted = [scanning.follow_ups_left(now=now) for now in scans]
    assert drafted == [0, 0, 0, 2, 0]  # two of the six broken ones a scan, each then marked; then the good ones
    assert set(FollowUpLetter.objects.values_list("request_id", flat=True)) == {good.pk}
    # The broken ones are tried again in turn, longest failed first, and stay undrafted.
    assert sorted(Reminder.objects.filter(follow_up_failed_at__isnull=False).values_list("follow_up_failed_at", flat=True)) == [
        scans[1], scans[1], scans[2], scans[2], scans[4], scans[4]]
    assert undrafted() == 6
    # Each broken reminder's request says so once, at its first failure.
    said = RequestEvent.objects.filter(kind="follow_up_not_drafted")
    assert sorted(said.values_list("request_id", flat=True)) == sorted([b.pk for b in broken for _ in range(2)])
    assert set(said.values_list("summary", flat=True)) == {
        "the follow-up letter of the overdue reminder of 2026-12-14 could not be drafted; it will be tried again "
        "(a follow-up can be drafted from this page meanwhile)",
        "the follow-up letter of the follow-up due reminder of 2026-12-14 could not be drafted; it will be tried "
        "again (a follow-up can be drafted from this page meanwhile)"}
    assert not said.filter(request=good).exists() and said.filter(actor__isnull=False).count() == 0


@pytest.mark.django_db
def test_a_reminder_whose_letter_is_drafted_is_not_drafted_again(alice, failing_drafts):
    left_by_a_failed_send(alice, 2, failing_drafts)
    left = list(Reminder.objects.filter(follow_up_drafted_at__isnull=True, sent_at__isnull=False))
    assert scanning._drafted(left, now=LATER) == 4
    assert scanning._drafted(left, now=LATER) == 0
    assert RequestEvent.objects.filter(kind="follow_up_drafted").count() == 3


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_scans_at_once_draft_each_reminders_letters_once(alice, failing_drafts):
    left_by_a_failed_send(alice, 20, failing_drafts)
    finished = at_once(lambda: scanning.follow_ups_left(now=LATER))
    assert sum(finished) == 40 and undrafted() == 0
    assert FollowUpLetter.objects.filter(kind="follow_up").count() == 20
    assert RequestEvent.objects.filter(kind="follow_up_drafted").count() == 30  # and Connecticut's 10 appeals


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reminders_another_worker_is_drafting_are_passed_over(alice, failing_drafts):
    left_by_a_failed_send(alice, 2, failing_drafts)
    held, release = threading.Event(), threading.Event()

    def another_worker():
        with transaction.atomic():
            list(Reminder.objects.select_for_update().filter(follow_up_drafted_at__isnull=True, sent_at__isnull=False))
            held.set()
            release.wait(timeout=30)
        connection.close()

    worker = threading.Thread(target=another_worker)
    worker.start()
    try:
        assert held.wait(timeout=30)
        assert scanning.follow_ups_left(now=LATER) == 0
        assert not FollowUpLetter.objects.exists()
    finally:
        release.set()
        worker.join()
    assert scanning.follow_ups_left(now=LATER) == 4
