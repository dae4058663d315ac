"""Running the outbox's delivery as a worker would, for a row emailed through it."""

from __future__ import annotations

from requests_app.outbox.models import Email
from requests_app.outbox.selectors import EmailedRow, latest_email
from requests_app.outbox.services import email_claim
from requests_app.outbox.tasks import deliver_email


def email_of(row: EmailedRow) -> Email:
    email = latest_email(kind=row.email_kind, target_id=row.pk)
    assert email is not None, f"no email was asked for {row!r}"
    return email


def deliver(row: EmailedRow) -> None:
    """The delivery task of the row's latest email."""
    deliver_email(email_of(row).pk)


def claim(row: EmailedRow) -> bool:
    return email_claim(email_of(row).pk)
