"""Each workflow read end to end, through the one function that runs it: every effect it has
across the apps (status and its history, the clock and its reminders, letters, emails,
the request's own history), and nothing twice."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from requests_app.correspondence.models import Communication
from requests_app.correspondence.services import Action, Message
from requests_app.deadlines.models import DeadlineChange, Notification, Reminder, RequestClock
from requests_app.letters.models import FollowUpLetter
from requests_app.records.models import RecordsRequest, RequestEvent, StatusChange
from requests_app.workflow.replies import communication_log
from requests_app.workflow.status import request_transition
from tests.factories import AgencyFactory, draft_request, state

pytestmark = pytest.mark.django_db
D = date


def sent(alice, code: str, on: date) -> RecordsRequest:
    request = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state(code)),
                            user=alice.user)
    request_transition(request=request, to_status="submitted", user=alice.user, on=on)
    return request


def reply(request, user, on: date, **action) -> Communication:
    message = Message(direction="from_agency", channel="email", occurred_on=on, subject="Re: your request")
    return communication_log(request=request, user=user, message=message, action=Action(**action))


def events(request) -> list[tuple[str, str]]:
    return list(RequestEvent.objects.filter(request=request).order_by("pk").values_list("kind", "summary"))


def test_a_denial_moves_the_request_opens_the_appeal_window_and_drafts_the_appeal(alice):
    request = sent(alice, "US", on=D(2026, 11, 2))
    reply(request, alice.user, D(2026, 12, 1), kind="denied", exemptions="5 U.S.C. 552(b)(7)(E)")

    request.refresh_from_db()
    assert request.status == "denied"
    move = StatusChange.objects.filter(request=request).latest("pk")
    assert (move.from_status, move.to_status, move.effective_on) == ("submitted", "denied", D(2026, 12, 1))
    assert "exemptions cited: 5 U.S.C. 552(b)(7)(E)" in move.reason
    clock = RequestClock.objects.get(request=request)
    assert (clock.request_status, clock.appeal_due, clock.follow_up_on) == ("denied", D(2027, 3, 1), None)
    assert DeadlineChange.objects.filter(request=request, event="denied", appeal_due=D(2027, 3, 1)).count() == 1
    assert Reminder.objects.filter(request=request, kind="appeal_window_closing", sent_at__isnull=True).exists()
    appeal = FollowUpLetter.objects.get(request=request, kind="appeal")
    assert appeal.occasion == D(2026, 12, 1) and "ends on Monday 1 March 2027" in appeal.text
    # The appeal's drafting, then one line for the logged reply, naming the move.
    assert [kind for kind, _ in events(request)][-2:] == ["follow_up_drafted", "communication_logged"]
    assert "status: Submitted → Denied" in events(request)[-1][1]


def test_a_refused_move_leaves_nothing_behind(alice):
    request = sent(alice, "US", on=D(2026, 11, 2))
    request_transition(request=request, to_status="withdrawn", user=alice.user, on=D(2026, 11, 20))
    before = (events(request), DeadlineChange.objects.filter(request=request).count())
    with pytest.raises(Exception, match="cannot move from Withdrawn to Denied"):
        reply(request, alice.user, D(2026, 12, 1), kind="denied", exemptions="none cited")
    assert not Communication.objects.filter(request=request).exists()
    assert not FollowUpLetter.objects.filter(request=request).exists()
    assert (events(request), DeadlineChange.objects.filter(request=request).count()) == before


def test_a_reply_asking_for_clarification_stops_the_clock_and_the_answer_restarts_it(alice):
    request = sent(alice, "TX", on=D(2026, 11, 25))  # due Friday 11 December 2026
    reply(request, alice.user, D(2026, 12, 2), kind="clarification")

    clock = RequestClock.objects.get(request=request)
    assert (clock.request_status, clock.paused_on, clock.remaining_days) == ("needs_clarification", D(2026, 12, 2), 7)
    assert clock.follow_up_on is None
    assert RecordsRequest.objects.get(pk=request.pk).status == "needs_clarification"

    reply(request, alice.user, D(2026, 12, 21), kind="resumed")
    clock.refresh_from_db()
    assert (clock.request_status, clock.paused_on, clock.response_due) == ("processing", None, D(2027, 1, 4))
    assert [c.event for c in DeadlineChange.objects.filter(request=request).order_by("pk")] == [
        "received", "paused", "resumed"]
    assert not FollowUpLetter.objects.filter(request=request).exists()


def test_a_reminder_coming_due_notifies_emails_and_drafts_the_follow_up_once(alice):
    from requests_app.workflow.reminders import scan

    request = sent(alice, "TX", on=D(2026, 11, 25))  # due Friday 11 December 2026
    monday = datetime(2026, 12, 14, 9, tzinfo=ZoneInfo("America/New_York"))
    report = scan(now=monday, send_inline=True)

    # The overdue reminder and the follow-up reminder both fall on the first business day
    # after the due date; the due-soon and due-today ones they supersede are skipped.
    assert sorted(s["kind"] for s in report.sent) == ["followup_due", "overdue"]
    assert set(Reminder.objects.filter(request=request, skipped=True).values_list("kind", flat=True)) == {
        "due_soon", "due_today"}
    for reminder in Reminder.objects.filter(request=request, skipped=False):
        assert reminder.sent_at == monday and reminder.follow_up_drafted_at == monday
        assert Notification.objects.get(reminder=reminder, user=alice.user).emailed_at == monday
    assert [m.to for m in mail.outbox] == [[alice.user.email]] * 2
    assert any("is overdue" in m.body for m in mail.outbox)
    letter = FollowUpLetter.objects.get(request=request, kind="follow_up")  # one letter for the day
    assert letter.occasion == D(2026, 12, 14) and "was due on Friday 11 December 2026" in letter.text

    again = scan(now=monday.replace(hour=10), send_inline=True)
    assert again.sent == [] and len(mail.outbox) == 2
    assert FollowUpLetter.objects.filter(request=request).count() == 1


def test_a_campaign_sent_emails_each_letter_once_and_starts_each_clock(alice, django_capture_on_commit_callbacks):
    from requests_app.campaigns import services as campaigns
    from requests_app.outbox.models import Email
    from requests_app.workflow.campaigns import campaign_queue_emails

    agencies = [AgencyFactory(name=f"Agency {n}", jurisdiction=state("TX"), records_email=f"prr{n}@city.example.gov")
                for n in range(3)] + [AgencyFactory(name="No Email PD", jurisdiction=state("TX"), records_email="")]
    campaign = campaigns.campaign_create(organization=alice.organization, user=alice.user, title="Texas audit logs",
                                         item_keys=["org-audit"], date_from=D(2025, 1, 1))
    campaigns.campaign_add_agencies(campaign=campaign, agencies=agencies, user=alice.user, today=D(2026, 11, 24))
    with django_capture_on_commit_callbacks(execute=True):  # the job runner renders every letter
        campaigns.campaign_start_rendering(campaign=campaign, acknowledge_residency=True)

    with django_capture_on_commit_callbacks(execute=True):  # the outbox delivers what the send queued
        result = campaign_queue_emails(campaign=campaign, user=alice.user)

    assert len(result.queued) == 3 and [r.agency.name for r, _ in result.skipped] == ["No Email PD"]
    assert sorted(m.to[0] for m in mail.outbox) == [f"prr{n}@city.example.gov" for n in range(3)]
    assert all(m.attachments[0][2] == "application/pdf" for m in mail.outbox)
    for request in result.queued:
        request.refresh_from_db()
        assert (request.status, request.sent_via) == ("submitted", "email")
        clock = RequestClock.objects.get(request=request)
        assert clock.request_status == "submitted" and clock.response_due is not None
        assert Reminder.objects.filter(request=request, kind="due_soon").exists()
        assert [kind for kind, _ in events(request)][-1] == "sent"
    assert Email.objects.filter(state="sent").count() == 3

    # Sending again queues nothing new and emails nobody twice.
    with django_capture_on_commit_callbacks(execute=True):
        again = campaign_queue_emails(campaign=campaign, user=alice.user)
    assert again.queued == [] and len(mail.outbox) == 3
