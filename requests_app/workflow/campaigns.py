"""A campaign sent: every draft whose letter is final and whose agency has a records email
is queued to the outbox (each then emailed, recorded sent and its clock started, as any
request letter is: workflow.sending); the others are listed with the reason."""

from __future__ import annotations

from dataclasses import dataclass, field

from requests_app.campaigns.models import Campaign
from requests_app.campaigns.services import campaign_drafts
from requests_app.records.channels import CannotSend
from requests_app.records.models import RecordsRequest
from requests_app.teams.models import User
from requests_app.workflow.sending import LetterNotFinal, request_queue_email


@dataclass
class SendResult:
    queued: list[RecordsRequest] = field(default_factory=list)
    skipped: list[tuple[RecordsRequest, str]] = field(default_factory=list)  # every draft not queued, and why
    unfinalised: list[RecordsRequest] = field(default_factory=list)  # of the skipped: PDFs still to make


def campaign_queue_emails(*, campaign: Campaign, user: User) -> SendResult:
    """Queues every sendable draft; the others are listed with the reason."""
    result = SendResult()
    for request in campaign_drafts(campaign).select_related("agency"):
        try:
            request_queue_email(request=request, user=user)
        except CannotSend as exc:
            result.skipped.append((request, str(exc)))
            if isinstance(exc, LetterNotFinal):
                result.unfinalised.append(request)
        else:
            result.queued.append(request)
    return result
