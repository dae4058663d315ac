"""Emails from the records mailbox: matched to a request by the tracking reference in the
subject or body, or by the agency's address; the rest wait in an organization's
unmatched inbox for a person to assign."""

from __future__ import annotations

import email
import hashlib
import io
import re
import uuid
from dataclasses import dataclass
from email import policy
from email.utils import getaddresses, parseaddr

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from requests_app.documents.extract import read_eml
from requests_app.documents.models import InboundEmail
from requests_app.documents.upload import upload_file
from requests_app.records.models import CLOSED, RecordsRequest, Status
from requests_app.teams.models import Organization, User

TRACKING = re.compile(r"\bRR-\d{4}-\d{4,}\b", re.IGNORECASE)
NOT_OPEN = [Status.DRAFT, *CLOSED]


@dataclass(frozen=True)
class Match:
    request: RecordsRequest | None
    organization: Organization | None
    how: str


def match(data: bytes) -> Match:
    _, preview = read_eml(data)
    headers = preview["headers"]
    for text in (headers["Subject"], preview["body"]):
        for tracking in dict.fromkeys(t.upper() for t in TRACKING.findall(text or "")):
            request = RecordsRequest.objects.select_related("organization").filter(tracking=tracking).first()
            if request:
                return Match(request, request.organization, f"tracking reference {tracking}")
    sender = parseaddr(headers["From"])[1].lower()
    candidates = list(RecordsRequest.objects.filter(agency__records_email__iexact=sender).exclude(status__in=NOT_OPEN)
                      .select_related("organization")[:20]) if sender else []
    if len(candidates) == 1:
        return Match(candidates[0], candidates[0].organization, f"the agency's address {sender}")
    organizations = {r.organization for r in candidates} or _addressed_organizations(headers)
    organization = organizations.pop() if len(organizations) == 1 else None
    why = f"{len(candidates)} open requests to {sender}" if candidates else "no tracking reference or known address"
    return Match(None, organization, why)


def _addressed_organizations(headers: dict[str, str]) -> set[Organization]:
    """Organizations named by plus-addressing, e.g. records+watchdog@example.org."""
    slugs = {address.split("@")[0].split("+", 1)[1].lower() for _, address in getaddresses([headers["To"], headers["Cc"]])
             if "+" in address.split("@")[0]}
    return set(Organization.objects.filter(slug__in=slugs))


def ingest(data: bytes, *, user: User | None = None) -> InboundEmail:
    """Keeps the email as received (once, whatever how often it arrives) and files it."""
    sha256 = hashlib.sha256(data).hexdigest()
    existing = InboundEmail.objects.filter(sha256=sha256).first()
    if existing:
        return existing
    found = match(data)
    message = email.message_from_bytes(data, policy=policy.default)
    name = default_storage.save(f"inbound/{uuid.uuid4().hex}.eml", ContentFile(data))
    with transaction.atomic():
        inbound = InboundEmail.objects.create(
            organization=found.organization, raw=name, sha256=sha256, sender=str(message.get("From", ""))[:300],
            recipient=str(message.get("To", ""))[:500], subject=str(message.get("Subject", ""))[:500],
            state=InboundEmail.State.UNMATCHED, matched_by=found.how[:200])
        if found.request is not None:
            file_on(inbound, found.request, user=user, how=found.how)
    return inbound


def file_on(inbound: InboundEmail, request: RecordsRequest, *, user: User | None, how: str) -> InboundEmail:
    """Files the email on the request as a communication with its attachments."""
    with inbound.raw.open("rb") as handle:
        data = handle.read()
    upload_file(request=request, user=user, name=f"email-{inbound.sha256[:8]}.eml", stream=io.BytesIO(data))
    inbound.state, inbound.request, inbound.organization = InboundEmail.State.MATCHED, request, request.organization
    inbound.matched_by = how[:200]
    inbound.save(update_fields=["state", "request", "organization", "matched_by"])
    return inbound


def poll_imap(*, connect=None) -> int:
    """Fetches unseen messages from the configured mailbox and ingests them; a message is
    marked seen only once it is stored, so a failure leaves it for the next poll."""
    import imaplib
    import logging

    from django.conf import settings

    if not settings.IMAP_HOST:
        return 0
    connect = connect or (imaplib.IMAP4_SSL if settings.IMAP_SSL else imaplib.IMAP4)
    logger, count = logging.getLogger(__name__), 0
    with connect(settings.IMAP_HOST, settings.IMAP_PORT) as mailbox:
        mailbox.login(settings.IMAP_USER, settings.IMAP_PASSWORD)
        mailbox.select(settings.IMAP_FOLDER)
        _, found = mailbox.search(None, "UNSEEN")
        for number in found[0].split():
            try:
                _, fetched = mailbox.fetch(number, "(BODY.PEEK[])")
                ingest(fetched[0][1])
            except Exception:  # one bad message must not block the rest; it stays unseen
                logger.exception("could not ingest message %s", number)
                continue
            mailbox.store(number, "+FLAGS", "\\Seen")
            count += 1
    return count
