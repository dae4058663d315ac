"""Records 0013, letters 0005 and deadlines 0011 move every send of a request's letter, a
follow-up, an appeal, a reminder and a digest into the outbox, in whatever state it was,
before the old fields are dropped."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from django.core import mail
from django.utils.timezone import now as django_now

from requests_app.deadlines.models import Notification, Reminder, ReminderPreference
from requests_app.letters.models import FollowUpLetter
from requests_app.letters.services import letter_finalise
from requests_app.outbox.models import Email
from requests_app.records.models import RecordsRequest, Status
from tests.emails import deliver
from tests.factories import AgencyFactory, UserFactory, draft_request
from tests.migrations import latest, migrate

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("records", "0011_request_org_agency_index"), ("letters", "0004_follow_up_email_sending"),
          ("deadlines", "0009_emails_claimed_outside_transactions"), ("outbox", "0001_initial")]
ASKED = datetime(2026, 11, 27, 15, 30, tzinfo=timezone.utc)
SENT = datetime(2026, 11, 27, 15, 31, tzinfo=timezone.utc)
AGENCY_EMAIL = "prr@agency.example.gov"


@pytest.fixture
def old_schema():
    """The database as it was before the outbox; put back to the latest state after the test."""
    yield migrate(BEFORE)
    migrate(latest())


def request(alice, **contact) -> RecordsRequest:
    return draft_request(organization=alice.organization, user=alice.user,
                         agency=AgencyFactory(records_email=AGENCY_EMAIL, **contact))


def letter(record: RecordsRequest, kind: str, day: int) -> FollowUpLetter:
    return FollowUpLetter.objects.create(request=record, kind=kind, occasion=date(2026, 12, day), reason="Overdue",
                                         text="Text.", finalised_at=ASKED)


def sends(apps, model: str, rows: dict[str, object], **fields_of) -> None:
    Old = apps.get_model(*model.split("."))
    for name, fields in fields_of.items():
        Old.objects.filter(pk=rows[name].pk).update(**fields)


def asked(state: str, by: int, at: datetime = ASKED, **more: object) -> dict[str, object]:
    return {"send_state": state, "send_requested_by_id": by, "send_updated_at": at, **more}


def emails(kind: str) -> dict[int, tuple]:
    return {e.target_id: (e.state, e.error, e.requested_by_id, e.state_changed_at, e.claimed_at, e.sent_at,
                          e.message_id, e.to) for e in Email.objects.filter(kind=kind)}


@pytest.fixture
def requests(alice, media_folder):
    made = {name: request(alice) for name in ("unsent", "queued", "sending", "sent", "failed", "legacy")}
    letter_finalise(request=made["queued"], user=alice.user, today=date(2026, 11, 27))
    return made


@pytest.fixture
def letters(alice, requests):
    record = requests["sent"]
    return {"unsent": letter(record, "follow_up", 1), "queued": letter(record, "follow_up", 2),
            "sending": letter(record, "appeal", 3), "sent": letter(record, "follow_up", 4),
            "failed": letter(record, "appeal", 5), "unrecorded": letter(record, "appeal", 6)}


def test_every_request_send_moves_with_its_state_times_and_error(alice, requests, old_schema):
    by = alice.user.pk
    apps = old_schema
    sends(apps, "records.RecordsRequest", requests,
          queued=asked("queued", by), sending=asked("sending", by),
          sent=asked("sent", by, SENT, sent_at=SENT, sent_via="email", email_message_id="<1.sent@example.org>",
                     submitted_to="old@agency.gov", status="submitted"),
          failed=asked("failed", by, send_error="SMTPRecipientsRefused: refused"),
          legacy={"sent_at": SENT, "sent_via": "email", "email_message_id": "<2.legacy@example.org>",
                  "status": "submitted"})
    migrate(latest())
    moved = emails("request_letter")
    pk = {name: row.pk for name, row in requests.items()}
    assert set(moved) == {pk["queued"], pk["sending"], pk["sent"], pk["failed"], pk["legacy"]}
    assert moved[pk["queued"]][:6] == ("queued", "", by, ASKED, None, None)
    assert moved[pk["sending"]][:6] == ("sending", "", by, ASKED, ASKED, None)
    assert moved[pk["sent"]] == ("sent", "", by, SENT, None, SENT, "<1.sent@example.org>", ["old@agency.gov"])
    assert moved[pk["failed"]][:6] == ("failed", "SMTPRecipientsRefused: refused", by, ASKED, None, None)
    assert moved[pk["legacy"]][0] == "sent" and moved[pk["legacy"]][5:7] == (SENT, "<2.legacy@example.org>")
    shown = {name: (row.send_state, row.send_error) for name, row in
             ((n, RecordsRequest.objects.get(pk=r.pk)) for n, r in requests.items())}
    assert shown == {"unsent": ("", ""), "queued": ("queued", ""), "sending": ("sending", ""), "sent": ("sent", ""),
                     "failed": ("failed", "SMTPRecipientsRefused: refused"), "legacy": ("sent", "")}


def test_a_request_queued_before_the_move_is_emailed_after_it(alice, requests, old_schema):
    apps = old_schema
    sends(apps, "records.RecordsRequest", requests, queued=asked("queued", alice.user.pk))
    migrate(latest())
    queued = RecordsRequest.objects.get(pk=requests["queued"].pk)
    deliver(queued)
    assert [m.to for m in mail.outbox] == [[AGENCY_EMAIL]] and mail.outbox[0].attachments
    queued.refresh_from_db()
    assert (queued.status, queued.send_state) == (Status.SUBMITTED, "sent")
    assert queued.email_message_id == mail.outbox[0].extra_headers["Message-ID"]


def test_every_follow_up_and_appeal_send_moves_with_its_state_and_error(alice, letters, old_schema):
    by = alice.user.pk
    apps = old_schema
    sends(apps, "letters.FollowUpLetter", letters,
          queued=asked("queued", by), sending=asked("sending", by),
          sent=asked("sent", by, SENT, email_message_id="<3.follow@example.org>", sent_on=date(2026, 11, 27)),
          failed=asked("failed", by, send_error="SMTPServerDisconnected: gone"),
          unrecorded=asked("sent", by, SENT, email_message_id="<4.appeal@example.org>", sent_on=date(2026, 11, 27),
                           send_error="Emailed, but not recorded on the request: no. Update it by hand."))
    migrate(latest())
    follow_ups, appeals = emails("follow_up"), emails("appeal")
    pk = {name: row.pk for name, row in letters.items()}
    assert set(follow_ups) == {pk["queued"], pk["sent"]}
    assert set(appeals) == {pk["sending"], pk["failed"], pk["unrecorded"]}
    assert follow_ups[pk["queued"]][:6] == ("queued", "", by, ASKED, None, None)
    assert appeals[pk["sending"]][:6] == ("sending", "", by, ASKED, ASKED, None)
    assert follow_ups[pk["sent"]] == ("sent", "", by, SENT, None, SENT, "<3.follow@example.org>", [AGENCY_EMAIL])
    assert appeals[pk["failed"]][:6] == ("failed", "SMTPServerDisconnected: gone", by, ASKED, None, None)
    assert appeals[pk["unrecorded"]][:2] == ("sent", "Emailed, but not recorded on the request: no. Update it by hand.")
    shown = {name: FollowUpLetter.objects.get(pk=row.pk).send_state for name, row in letters.items()}
    assert shown == {"unsent": "", "queued": "queued", "sending": "sending", "sent": "sent", "failed": "failed",
                     "unrecorded": "sent"}


def test_going_back_puts_each_send_in_its_fields_again(alice, requests, old_schema):
    apps = old_schema
    sends(apps, "records.RecordsRequest", requests,
          failed=asked("failed", alice.user.pk, send_error="Timeout"))
    migrate(latest())
    Old = migrate(BEFORE).get_model("records", "RecordsRequest")
    assert Old.objects.filter(send_state__gt="").count() == 1
    back = Old.objects.get(pk=requests["failed"].pk)
    assert (back.send_state, back.send_error, back.send_requested_by_id, back.send_updated_at) == (
        "failed", "Timeout", alice.user.pk, ASKED)
    assert not Email.objects.exists()


@pytest.fixture
def notifications(alice, requests):
    """Notifications of a reminder sent now, for a user emailed each one and a digest user."""
    record, digest_user = requests["sent"], UserFactory(email="digest@example.org")
    ReminderPreference.objects.create(user=digest_user, delivery="digest")
    days = iter(range(1, 20))

    def note(name: str, user, sent_ago: timedelta = timedelta(0)) -> Notification:
        reminder = Reminder.objects.create(request=record, kind="personal", recipient=user,
                                           sent_at=django_now() - sent_ago, target_date=date(2026, 12, next(days)))
        return Notification.objects.create(user=user, request=record, reminder=reminder, message=f"{name} message")

    return {"emailed": note("emailed", alice.user), "claimed": note("claimed", alice.user),
            "left": note("left", alice.user), "too_late": note("too_late", alice.user, timedelta(days=3)),
            "digest_a": note("digest_a", digest_user), "digest_b": note("digest_b", digest_user),
            "next_digest": note("next_digest", digest_user)}


def test_every_reminder_and_digest_email_moves_with_its_state(alice, notifications, old_schema):
    sends(old_schema, "deadlines.Notification", notifications,
          emailed={"email_claim": "a" * 32, "email_claimed_at": ASKED, "emailed_at": SENT},
          claimed={"email_claim": "b" * 32, "email_claimed_at": ASKED},
          digest_a={"email_claim": "c" * 32, "email_claimed_at": ASKED, "emailed_at": SENT},
          digest_b={"email_claim": "c" * 32, "email_claimed_at": ASKED, "emailed_at": SENT})
    migrate(latest())
    moved = {name: Notification.objects.select_related("email").get(pk=n.pk).email
             for name, n in notifications.items()}
    assert moved["too_late"] is moved["next_digest"] is None
    assert (moved["emailed"].kind, moved["emailed"].state, moved["emailed"].sent_at) == ("reminder", "sent", SENT)
    assert "emailed message" in moved["emailed"].body and moved["emailed"].to == [alice.user.email]
    claimed = moved["claimed"]
    assert (claimed.kind, claimed.state, claimed.claimed_at) == ("reminder", "sending", ASKED)
    assert (moved["left"].kind, moved["left"].state) == ("reminder", "queued")
    assert moved["digest_a"] == moved["digest_b"]
    digest = moved["digest_a"]
    assert (digest.kind, digest.state, digest.sent_at, digest.to) == ("digest", "sent", SENT, ["digest@example.org"])
    assert digest.body == "- digest_a message\n- digest_b message\n"
    assert Email.objects.filter(kind__in=["reminder", "digest"]).count() == 4


def test_a_reminder_email_left_claimed_before_the_move_is_sent_by_the_sweep(alice, notifications, old_schema):
    from requests_app.outbox.services import email_sweep

    claimed = django_now() - timedelta(minutes=20)
    sends(old_schema, "deadlines.Notification", notifications,
          claimed={"email_claim": "b" * 32, "email_claimed_at": claimed})
    migrate(latest())
    # "emailed" and "left" were never claimed: the next scan would have emailed them.
    assert email_sweep(now=django_now() + timedelta(minutes=6)) == {"requeued": 3, "interrupted": 1, "expired": 0}
    assert sorted(m.body.split("\n")[0] for m in mail.outbox) == ["claimed message", "emailed message", "left message"]
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 3
