"""What each kind of email needs from the app that owns it, registered by that app.

The outbox sends and records; the owner says how to attach what the email carries, whether
it may still go, and what follows in its own domain once it has gone. Registering from the
owner (its AppConfig.ready) keeps the outbox below every app that sends through it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from requests_app.outbox.models import Email

# (filename, content, MIME type), as EmailMessage.attach takes them.
Attachment = tuple[str, bytes, str]


def _no_attachments(email: Email) -> list[Attachment]:
    return []


def _never_blocked(email: Email) -> str:
    return ""


def _nothing(email: Email) -> str:
    return ""


@dataclass(frozen=True)
class Kind:
    name: str
    # Read when the email is sent, so a queued email carries the file as it is then.
    attachments: Callable[[Email], list[Attachment]] = _no_attachments
    # Why the email may no longer go ("" while it may), asked before it is claimed: a request
    # that left draft while its letter waited is not emailed.
    blocked: Callable[[Email], str] = _never_blocked
    # Runs in the transaction that records the email sent. Returns a note kept as the email's
    # error ("" when all went well): the email has gone, whatever the domain then refuses.
    after_send: Callable[[Email], str] = _nothing
    # Instead of after_send, for a kind whose effect can be had for many emails at once
    # (emails_deliver records a batch sent in one go); it notes no error.
    after_send_all: Callable[[list[Email]], None] | None = None
    # Runs in the transaction that records the email failed when it surely did not go (refused
    # by the mail server, or blocked); not for a killed worker's row, which may have gone.
    after_fail: Callable[[Email], None] | None = None
    # For a body that carries a secret (an invitation's one-use link): once the email is sent
    # or given up, its body is replaced by this text, so the database keeps no working secret.
    forget_body_as: str | None = None
    # None: a refused send, or one a killed worker left, is failed for a person to look at.
    # A window: it is queued again (a killed worker's may then arrive twice) until this long
    # after it was asked for, then failed. For messages whose loss matters more than a repeat.
    retry_for: timedelta | None = None


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    _KINDS[kind.name] = kind


def kind_of(name: str) -> Kind:
    return _KINDS[name]


def forgetting() -> dict[str, str]:
    """The kinds whose body is forgotten once done, with the text that replaces it."""
    return {kind.name: kind.forget_body_as for kind in _KINDS.values() if kind.forget_body_as is not None}


def retry_windows() -> dict[str, timedelta]:
    return {kind.name: kind.retry_for for kind in _KINDS.values() if kind.retry_for}
