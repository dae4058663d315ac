"""The request page's records sections: the send step of a draft and the status card with
the history (templates/records/_send_step.html, _status_panel.html and _history.html)."""

from __future__ import annotations

from django.http import HttpRequest

from requests_app.records import services
from requests_app.records.forms import StatusForm, SubmissionForm
from requests_app.records.lifecycle import allowed_moves
from requests_app.records.models import RecordsRequest, SendChannel
from requests_app.records.sending import CONTACT_FOR, missing_contact
from requests_app.records.trail import HISTORY_SHOWN, history_of

# The request page asks again, with the values kept, when a submission predates its letter.
CONFIRM_SUBMISSION = "confirm-submission-{pk}"


def send_section(request: HttpRequest, records_request: RecordsRequest) -> dict[str, object]:
    """Each channel's missing contact, and the submission form for the channels whose contact
    is known (records.sending.missing_contact is the rule the send step shows)."""
    missing = {channel: missing_contact(records_request.agency, channel) for channel in CONTACT_FOR}
    channels = [channel for channel in (SendChannel.PORTAL, SendChannel.MAIL) if not missing[channel]]
    # A submission waiting for its date to be confirmed comes back with its values.
    pending = request.session.pop(CONFIRM_SUBMISSION.format(pk=records_request.pk), None)
    form = SubmissionForm(initial=pending, ask_confirmation=pending is not None, channels=channels,
                          auto_id="submission_%s")
    # Composing the letter afresh to compare addresses is for the editors who can act on it.
    outdated = request.membership.can_edit and services.letter_address_outdated(records_request)
    return {"missing": missing, "submission_form": form, "address_outdated": outdated}


def status_section(records_request: RecordsRequest) -> dict[str, object]:
    """What the status card and the history need besides ``req``."""
    return {
        # Ids of their own: the reminder form on the same page also has an "on" field.
        "status_form": StatusForm(moves=allowed_moves(records_request.status), auto_id="status_%s"),
        "history": history_of(records_request),
        "history_shown": HISTORY_SHOWN,
    }
