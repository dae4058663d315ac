"""An email file uploaded to a request (or fetched from the records mailbox) becomes a
communication, with its attachments; a reply may teach the agency's records contact."""

from __future__ import annotations

import email
import io
from datetime import date
from email import policy
from email.utils import parseaddr, parsedate_to_datetime

from django.utils import timezone

from requests_app.correspondence.models import Communication
from requests_app.correspondence.services import Message, message_log
from requests_app.correspondence.suggestions import suggestions_from_reply
from requests_app.documents.extract import read_eml
from requests_app.documents.models import Document, RequestDocument
from requests_app.records.models import RecordsRequest
from requests_app.teams.models import User


def _sent_on(header: str) -> date:
    try:
        moment = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return timezone.localdate()
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return min(timezone.localtime(moment).date(), timezone.localdate())


def communication_from_eml(*, request: RecordsRequest, user: User | None, document: Document, data: bytes) -> list:
    """Logs the email on the request and files its attachments; returns their UploadResults."""
    from requests_app.documents.upload import upload_file

    _, preview = read_eml(data)
    headers = preview["headers"]
    sender = parseaddr(headers["From"])[1].lower()
    ours = request.organization.email and sender == request.organization.email.lower()
    communication = message_log(request=request, user=user, message=Message(
        direction=Communication.Direction.TO_AGENCY if ours else Communication.Direction.FROM_AGENCY,
        channel=Communication.Channel.EMAIL, occurred_on=_sent_on(headers["Date"]), sender=headers["From"][:300],
        recipient=headers["To"][:300], subject=headers["Subject"][:500], body=preview["body"]))
    RequestDocument.objects.filter(request=request, document=document).update(communication=communication)
    message = email.message_from_bytes(data, policy=policy.default)
    if not ours:
        suggestions_from_reply(communication=communication, message=message)
    results = []
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True) or b""
        result = upload_file(request=request, user=user, name=part.get_filename() or "attachment",
                             stream=io.BytesIO(payload), note=f"attached to {headers['Subject'][:200]}", parent=document)
        if result.document is not None:
            RequestDocument.objects.filter(request=request, document=result.document).update(communication=communication)
        results.append(result)
    return results
