"""Moving the send state that domain rows kept before the outbox (``send_state``,
``send_error``, ``send_requested_by``, ``send_updated_at``, ``email_message_id``) into Email
rows and back, for the migrations of the apps that kept it. Works on historical models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from email.utils import make_msgid
from typing import Any

from django.db.models import Model, Q

from requests_app.outbox.services import message_domain


def sends_of(Row: type[Model], *related: str) -> Iterable[Any]:
    """Every row that was ever emailed or asked to be: a state, or a Message-ID from before
    states were kept (which is a sent email)."""
    return (Row.objects.filter(~Q(send_state="") | ~Q(email_message_id=""))
            .select_related(*related).order_by("pk").iterator())


def send_fields(row: Any, *, tracking: str, changed: Any, sent_at: Any) -> dict[str, object]:
    """The Email fields of a row's send. ``changed`` is when its state last changed: also when
    it was asked for, and when it was claimed if it was left sending."""
    state = row.send_state or "sent"
    return {
        "state": state, "error": row.send_error, "requested_by_id": row.send_requested_by_id,
        "message_id": row.email_message_id or make_msgid(idstring=tracking, domain=message_domain()),
        "created_at": changed, "state_changed_at": changed, "claimed_at": changed if state == "sending" else None,
        "attempts": 0 if state == "queued" else 1, "sent_at": sent_at if state == "sent" else None,
    }


def move_in(Email: type[Model], rows: Iterable[Any], email_of: Callable[[Any], Model]) -> None:
    Email.objects.bulk_create((email_of(row) for row in rows), batch_size=500)


def move_back(Email: type[Model], Row: type[Model], kinds: Iterable[str]) -> None:
    """Puts each row's latest email in its fields again and removes the emails."""
    emails = Email.objects.filter(kind__in=list(kinds))
    for email in emails.order_by("target_id", "pk").iterator():  # the latest wins
        Row.objects.filter(pk=email.target_id).update(
            send_state=email.state, send_error=email.error, send_requested_by_id=email.requested_by_id,
            send_updated_at=email.state_changed_at)
    emails.delete()
