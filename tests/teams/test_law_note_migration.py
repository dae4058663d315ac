"""Teams 0004 moves every correction note's email (claimed, sent or failed, with its error)
into the outbox before 0005 drops the note's own send fields."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from django.core import mail

from requests_app.laws.models import PublicRecordsLaw
from requests_app.outbox.models import Email, State
from requests_app.outbox.services import INTERRUPTED, email_deliver, email_sweep
from requests_app.teams.law_notes import NO_OWNER_EMAIL
from tests.migrations import latest, migrate

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("teams", "0003_law_correction_notes"), ("outbox", "0001_initial")]
WRITTEN = datetime(2026, 11, 27, 15, 30, tzinfo=timezone.utc)
CLAIMED = WRITTEN + timedelta(seconds=1)
SENT = WRITTEN + timedelta(seconds=2)


@pytest.fixture
def old_notes(alice):
    """One note in each send state, written while the notes kept their own send fields."""
    apps = migrate(BEFORE)
    Note = apps.get_model("teams", "LawCorrectionNote")
    law_id = PublicRecordsLaw.objects.get(jurisdiction__code="CA").pk
    states = {
        "unclaimed": {},
        "claimed": {"email_claimed_at": CLAIMED},
        "sent": {"email_claimed_at": CLAIMED, "emailed_at": SENT},
        "failed": {"email_claimed_at": CLAIMED, "send_error": "SMTPRecipientsRefused: refused"},
        "no_owner": {"email_claimed_at": CLAIMED, "send_error": NO_OWNER_EMAIL},
    }
    notes = {name: Note.objects.create(organization_id=alice.organization.pk, author_id=alice.user.pk, law_id=law_id,
                                       fact_key="general", text=f"The {name} note.", created_at=WRITTEN, **fields).pk
             for name, fields in states.items()}
    yield apps, notes
    migrate(latest())


def moved(notes: dict[str, int]) -> dict[str, Email]:
    by_target = {e.target_id: e for e in Email.objects.filter(kind="law_note")}
    return {name: by_target[pk] for name, pk in notes.items()}


def test_every_note_send_moves_with_its_state_times_and_error(alice, old_notes):
    _, notes = old_notes
    migrate(latest())
    emails = moved(notes)
    shown = {name: (e.state, e.error, e.claimed_at, e.sent_at) for name, e in emails.items()}
    assert shown == {
        "unclaimed": (State.QUEUED, "", None, None),
        "claimed": (State.SENDING, "", CLAIMED, None),
        "sent": (State.SENT, "", CLAIMED, SENT),
        "failed": (State.FAILED, "SMTPRecipientsRefused: refused", CLAIMED, None),
        "no_owner": (State.FAILED, NO_OWNER_EMAIL, CLAIMED, None),
    }
    assert {e.requested_by_id for e in emails.values()} == {alice.user.pk}
    assert all(e.to == [alice.user.email] and e.organization_id == alice.organization.pk for e in emails.values())


def test_a_note_not_yet_emailed_is_emailed_after_the_move(alice, old_notes):
    _, notes = old_notes
    migrate(latest())
    email_deliver(moved(notes)["unclaimed"].pk)
    [message] = mail.outbox
    assert message.to == [alice.user.email] and "The unclaimed note." in message.body
    assert "/laws/CA/#notes" in message.body and message.subject.startswith("Correction note on ")


def test_a_note_cut_short_before_the_move_is_failed_by_the_sweep(old_notes):
    _, notes = old_notes
    migrate(latest())
    email_sweep(now=CLAIMED + timedelta(minutes=16))
    email = moved(notes)["claimed"]
    email.refresh_from_db()
    assert (email.state, email.error) == (State.FAILED, INTERRUPTED)
    assert [m.body for m in mail.outbox if "The claimed note." in m.body] == []  # only the unclaimed one went


def test_going_back_puts_the_send_fields_again(old_notes):
    apps, notes = old_notes
    migrate(latest())
    apps = migrate(BEFORE)
    Note = apps.get_model("teams", "LawCorrectionNote")
    back = {name: (n.email_claimed_at, n.emailed_at, n.send_error)
            for name, n in ((name, Note.objects.get(pk=pk)) for name, pk in notes.items())}
    assert back == {
        "unclaimed": (None, None, ""),
        "claimed": (CLAIMED, None, ""),
        "sent": (CLAIMED, SENT, ""),
        "failed": (CLAIMED, None, "SMTPRecipientsRefused: refused"),
        "no_owner": (CLAIMED, None, NO_OWNER_EMAIL),
    }
    assert not Email.objects.filter(kind="law_note").exists()
