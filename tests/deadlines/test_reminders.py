from __future__ import annotations

import json
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from requests_app.deadlines import reminders
from requests_app.deadlines.models import Notification, Reminder, ReminderPreference, Watch
from requests_app.workflow import reminders as scanning
from requests_app.workflow.status import request_transition
from tests.factories import AgencyFactory, UserFactory, draft_request, state
from tests.threads import at_once

D = date
NY = ZoneInfo("America/New_York")


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=NY)


def sent_texas_request(alice):
    """Texas, received 25 November 2026: due Friday 11 December 2026."""
    request = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state("TX")), user=alice.user)
    request_transition(request=request, to_status="submitted", user=alice.user, on=D(2026, 11, 25))
    return request


def scan(day: date, hour: int = 9):
    return scanning.scan(now=at(day, hour), send_inline=True)


@pytest.mark.django_db
def test_due_soon_goes_out_three_business_days_before_the_due_date(alice):
    request = sent_texas_request(alice)
    assert scan(D(2026, 12, 7)).sent == []
    report = scan(D(2026, 12, 8))
    assert [s["kind"] for s in report.sent] == ["due_soon"]
    assert mail.outbox[0].to == [alice.user.email]
    assert "due Friday 11 December 2026" in mail.outbox[0].body
    assert f"/requests/{request.pk}/" in mail.outbox[0].body
    assert Notification.objects.get(user=alice.user).message.startswith(request.tracking)


@pytest.mark.django_db
def test_a_scan_run_twice_sends_each_reminder_once(alice):
    sent_texas_request(alice)
    scan(D(2026, 12, 8))
    assert scan(D(2026, 12, 8), hour=10).sent == []
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_due_today_and_overdue_follow_in_turn(alice):
    sent_texas_request(alice)
    kinds = [sorted(s["kind"] for s in scan(day).sent) for day in (D(2026, 12, 8), D(2026, 12, 11), D(2026, 12, 14))]
    assert kinds == [["due_soon"], ["due_today"], ["followup_due", "overdue"]]


@pytest.mark.django_db
def test_a_missed_week_is_caught_up_with_only_the_latest_deadline_reminder(alice):
    sent_texas_request(alice)
    report = scan(D(2026, 12, 15))
    assert sorted(s["kind"] for s in report.sent) == ["followup_due", "overdue"]
    assert Reminder.objects.filter(skipped=True).count() == 2  # due soon and due today, superseded


@pytest.mark.django_db
def test_a_catch_up_claims_only_the_latest_reminder_of_each_deadline_and_its_sending_skips_the_rest(alice):
    sent_texas_request(alice)
    token, ids = reminders.claim_due_reminders(at(D(2026, 12, 15)))
    assert sorted(Reminder.objects.filter(pk__in=ids).values_list("kind", flat=True)) == ["followup_due", "overdue"]
    reminders.record_reminders(ids, token, now=at(D(2026, 12, 15)))
    assert sorted(Reminder.objects.filter(skipped=True).values_list("kind", flat=True)) == ["due_soon", "due_today"]


@pytest.mark.django_db
def test_nothing_is_sent_for_a_withdrawn_or_fulfilled_request(alice):
    withdrawn, fulfilled = sent_texas_request(alice), sent_texas_request(alice)
    request_transition(request=withdrawn, to_status="withdrawn", user=alice.user, on=D(2026, 12, 1))
    request_transition(request=fulfilled, to_status="fulfilled", user=alice.user, on=D(2026, 12, 1))
    assert scan(D(2026, 12, 20)).sent == [] and not mail.outbox


@pytest.mark.django_db
def test_a_paused_clock_sends_no_deadline_reminders(alice):
    request = sent_texas_request(alice)
    request_transition(request=request, to_status="needs_clarification", user=alice.user, on=D(2026, 12, 2))
    assert scan(D(2026, 12, 14)).sent == []


@pytest.mark.django_db
def test_watchers_are_reminded_too_and_digest_users_only_in_the_app(alice):
    request = sent_texas_request(alice)
    watcher, digest = UserFactory(), UserFactory()
    Watch.objects.create(request=request, user=watcher)
    Watch.objects.create(request=request, user=digest)
    ReminderPreference.objects.create(user=digest, delivery="digest")
    scan(D(2026, 12, 8))
    assert sorted(m.to[0] for m in mail.outbox) == sorted([alice.user.email, watcher.email])
    assert Notification.objects.filter(user=digest, emailed_at__isnull=True).count() == 1
    assert reminders.send_digests(now=at(D(2026, 12, 9), 7)) == 1
    assert mail.outbox[-1].to == [digest.email] and "1 reminder" in mail.outbox[-1].subject


@pytest.mark.django_db
def test_a_personal_reminder_goes_to_the_user_who_set_it(alice):
    request = sent_texas_request(alice)
    colleague = UserFactory()
    reminders.personal_reminder_create(request=request, user=colleague, on=D(2026, 12, 1), note="Call the clerk")
    report = scan(D(2026, 12, 1))
    assert [s["kind"] for s in report.sent] == ["personal"]
    assert mail.outbox[0].to == [colleague.email] and "Call the clerk" in mail.outbox[0].body


@pytest.mark.django_db
def test_an_expired_claim_is_taken_again(alice):
    sent_texas_request(alice)
    token, ids = reminders.claim_due_reminders(at(D(2026, 12, 8)))  # a worker claimed, then died
    assert len(ids) == 1
    assert reminders.claim_due_reminders(at(D(2026, 12, 8), 9))[1] == []
    assert reminders.claim_due_reminders(at(D(2026, 12, 8), 10))[1] == ids
    assert scanning.send_reminders(ids, token, now=at(D(2026, 12, 8), 10)) == [], "the old claim is void"


@pytest.mark.django_db
def test_the_command_reports_what_it_created_and_sent(alice):
    request = sent_texas_request(alice)
    out = StringIO()
    call_command("scan_deadlines", "--now", "2026-12-08T09:00", "--json", stdout=out)
    payload = json.loads(out.getvalue())
    assert (payload["created"], payload["skipped"], payload["claimed"]) == (0, 0, 1)
    assert payload["sent"] == [{"id": payload["sent"][0]["id"], "tracking": request.tracking, "kind": "due_soon",
                                "target_date": "2026-12-08", "emails": 1}]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_scans_at_once_send_every_reminder_exactly_once(alice, settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent claims need PostgreSQL's row locks; CI runs this on PostgreSQL")
    for _ in range(20):
        sent_texas_request(alice)
    results = at_once(lambda: scanning.scan(now=at(D(2026, 12, 8)), send_inline=True))
    assert sum(len(r.sent) for r in results) == 20
    assert len(mail.outbox) == 20
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 20


def pending(request) -> set[tuple[str, date]]:
    return set(Reminder.objects.filter(request=request, sent_at__isnull=True, skipped=False)
               .values_list("kind", "target_date"))


@pytest.mark.django_db
def test_sending_schedules_the_reminders_ahead_of_time(alice):
    request = sent_texas_request(alice)
    assert pending(request) == {("due_soon", D(2026, 12, 8)), ("due_today", D(2026, 12, 11)),
                                ("overdue", D(2026, 12, 14)), ("followup_due", D(2026, 12, 14))}


@pytest.mark.django_db
def test_an_extension_replaces_the_pending_reminders(alice):
    from requests_app.deadlines.clock import clock_extend

    request = sent_texas_request(alice)
    clock_extend(request=request, on=D(2026, 12, 10), agency_date=D(2027, 1, 2), user=alice.user)
    assert ("due_today", D(2027, 1, 4)) in pending(request)
    assert ("due_today", D(2026, 12, 11)) not in pending(request)
    assert scan(D(2026, 12, 11)).sent == []


@pytest.mark.django_db
def test_a_denial_schedules_the_appeal_window_reminder(alice):
    request = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state("US"), kind="federal"),
                            user=alice.user)
    request_transition(request=request, to_status="submitted", user=alice.user, on=D(2026, 11, 2))
    request_transition(request=request, to_status="denied", user=alice.user, on=D(2026, 12, 1))
    # 90 calendar days: Monday 1 March 2027; five business days before it, 22 February.
    assert pending(request) == {("appeal_window_closing", D(2027, 2, 22))}
    assert [s["kind"] for s in scan(D(2027, 2, 22)).sent] == ["appeal_window_closing"]


@pytest.mark.django_db
def test_the_scan_schedules_reminders_for_a_clock_that_never_had_them(alice):
    from requests_app.deadlines.models import RequestClock

    sent_texas_request(alice)
    Reminder.objects.all().delete()  # as for a clock written before reminders existed
    RequestClock.objects.update(reminders_scheduled=False)
    report = scan(D(2026, 12, 8))
    assert report.created == 4 and [s["kind"] for s in report.sent] == ["due_soon"]


@pytest.mark.django_db
def test_seeded_demo_requests_come_with_their_reminders(alice):
    from requests_app.demo.bulk import seed_requests
    from requests_app.records.models import RecordsRequest

    AgencyFactory(jurisdiction=state("TX"))
    assert seed_requests(organization=alice.organization, user=alice.user, count=300, today=D(2026, 11, 27)) == 300
    assert seed_requests(organization=alice.organization, user=alice.user, count=300, today=D(2026, 11, 27)) == 0
    statuses = set(RecordsRequest.objects.values_list("status", flat=True))
    assert {"draft", "submitted", "needs_clarification", "denied", "fulfilled"} <= statuses
    assert Reminder.objects.filter(kind="due_today").count() == RecordsRequest.objects.filter(
        status__in=["submitted", "acknowledged", "processing", "partially_fulfilled"]).count()
    assert scanning.scan(now=at(D(2026, 11, 27)), send_inline=True).created == 0


@pytest.fixture
def queued(monkeypatch):
    """Batches the scan hands to workers, kept here instead of run (tests are eager)."""
    from requests_app.workflow.tasks import send_reminders_task

    batches = []
    monkeypatch.setattr(send_reminders_task, "apply_async", lambda args, **kw: batches.append(args))
    return batches


@pytest.mark.django_db
def test_a_clock_that_calls_for_no_reminders_costs_the_scan_nothing(alice, queued, django_assert_max_num_queries):
    request = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state("TX")),
                            user=alice.user)
    request_transition(request=request, to_status="submitted", user=alice.user, on=D(2026, 11, 2))
    request_transition(request=request, to_status="denied", user=alice.user, on=D(2026, 11, 20))  # no appeal window
    assert not Reminder.objects.filter(request=request, sent_at__isnull=True, skipped=False).exists()
    # Clocks without reminders, closed requests, emails and letters left by a dead worker,
    # the claim and the claimed ids.
    with django_assert_max_num_queries(6):
        report = scanning.scan(now=at(D(2026, 12, 8)), send_inline=False)
    assert report.created == 0 and report.claimed == []


@pytest.mark.django_db
def test_the_scan_query_count_does_not_grow_with_requests(alice, queued, django_assert_max_num_queries, monkeypatch):
    monkeypatch.setattr(scanning, "SEND_BATCH", 50)
    for _ in range(120):
        sent_texas_request(alice)
    with django_assert_max_num_queries(6):
        report = scanning.scan(now=at(D(2026, 12, 8)), send_inline=False)
    assert len(report.claimed) == report.enqueued == 120
    assert [len(batch[0]) for batch in queued] == [50, 50, 20]


@pytest.mark.django_db
def test_a_catch_up_is_claimed_in_updates_of_a_bounded_size(alice, queued, monkeypatch):
    monkeypatch.setattr(reminders, "CLAIM_BATCH", 50)
    for _ in range(120):
        sent_texas_request(alice)
    with CaptureQueriesContext(connection) as queries:
        report = scanning.scan(now=at(D(2026, 12, 8)), send_inline=False)
    claims = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "deadlines_reminder" SET "claimed_at"')]
    assert len(claims) == 3
    assert sorted(report.claimed) == sorted(Reminder.objects.filter(kind="due_soon").values_list("pk", flat=True))
    assert len(set(Reminder.objects.filter(claimed_at__isnull=False).values_list("claim_token", flat=True))) == 1


def due_soon_requests(alice, count: int, *, watched_by):
    for _ in range(count):
        Watch.objects.create(request=sent_texas_request(alice), user=watched_by)


@pytest.mark.django_db
def test_recording_a_batch_takes_the_same_queries_however_many_reminders_it_has(alice):
    watcher, digest = UserFactory(), UserFactory()
    ReminderPreference.objects.create(user=digest, delivery="digest")
    counts = []
    # Up to 25 reminders (50 emails), so that on SQLite, where Django splits an INSERT
    # past 999 parameters, each table is still written in one.
    for size in (2, 25):
        due_soon_requests(alice, size, watched_by=watcher)
        Watch.objects.create(request=Reminder.objects.last().request, user=digest)
        token, ids = reminders.claim_due_reminders(at(D(2026, 12, 8)))
        with CaptureQueriesContext(connection) as queries:
            recorded = reminders.record_reminders(ids, token, now=at(D(2026, 12, 8)))
        assert len(recorded) == size and all(len(r.email_ids) == 2 for r in recorded)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert Notification.objects.count() == 2 * 27 + 2 and Notification.objects.filter(email__isnull=False).count() == 54


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sending_a_batch_with_its_emails_takes_the_same_queries_however_many_reminders_it_has(alice):
    watcher = UserFactory()
    counts = []
    for size in (2, 25):  # up to 50 emails: see above
        due_soon_requests(alice, size, watched_by=watcher)
        token, ids = reminders.claim_due_reminders(at(D(2026, 12, 8)))
        with CaptureQueriesContext(connection) as queries:
            sent = scanning.send_reminders(ids, token, now=at(D(2026, 12, 8)))
        assert [s["emails"] for s in sent] == [2] * size
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert len(mail.outbox) == 54 and not Notification.objects.filter(emailed_at__isnull=True).exists()
