"""The request page's letter sections: the letter as it stands, the send step of a draft,
its way to the agency, its final versions, and the follow-up and appeal letters (templates/letters/_letter.html,
_sending.html, _versions.html and _follow_ups.html)."""

from __future__ import annotations

from django.db.models import OuterRef
from django.http import HttpRequest

from requests_app.laws.models import PublicRecordsLaw
from requests_app.laws.services import residency_options
from requests_app.letters.drafts import letter_address_outdated
from requests_app.letters.inputs import residency_warning_of
from requests_app.letters.services import latest_letter, letter_is_current
from requests_app.outbox.selectors import with_latest_email
from requests_app.records.channels import CONTACT_FOR, missing_contact
from requests_app.records.forms import FinaliseForm, LetterEditForm, SubmissionForm
from requests_app.records.models import RecordsRequest, SendChannel

# The request page asks again, with the values kept, when a submission predates its letter.
CONFIRM_SUBMISSION = "confirm-submission-{pk}"


def letter_section(*, request: RecordsRequest, law: PublicRecordsLaw | None) -> dict[str, object]:
    latest = latest_letter(request)
    context: dict[str, object] = {
        "latest": latest,
        "is_current": letter_is_current(request, latest),
        "residency_warning": residency_warning_of(request),
        "letters": request.letters.order_by("-number"),
        "edit_form": LetterEditForm(initial={"letter_text": request.letter_text}),
        "finalise_form": FinaliseForm(),
    }
    if law is not None:  # whether the letter's timing paragraph is verified, and how it states residency
        context["timing_fact"] = law.facts.filter(key="letter.timing").first()
        context["residency_options"] = residency_options(law, signer=request.organization.signer_name)
    return context


def follow_ups_section(*, request: RecordsRequest) -> dict[str, object]:
    return {"follow_up_letters": with_latest_email(request.follow_ups.all(), kind=OuterRef("kind"))}


def send_section(request: HttpRequest, records_request: RecordsRequest) -> dict[str, object]:
    """Each channel's missing contact, and the submission form for the channels whose contact
    is known (records.channels.missing_contact is the rule the send step shows)."""
    missing = {channel: missing_contact(records_request.agency, channel) for channel in CONTACT_FOR}
    channels = [channel for channel in (SendChannel.PORTAL, SendChannel.MAIL) if not missing[channel]]
    # A submission waiting for its date to be confirmed comes back with its values.
    pending = request.session.pop(CONFIRM_SUBMISSION.format(pk=records_request.pk), None)
    form = SubmissionForm(initial=pending, ask_confirmation=pending is not None, channels=channels,
                          auto_id="submission_%s")
    # Composing the letter afresh to compare addresses is for the editors who can act on it.
    outdated = request.membership.can_edit and letter_address_outdated(records_request)
    return {"missing": missing, "submission_form": form, "address_outdated": outdated}
