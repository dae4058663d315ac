"""The request page's letter sections: the letter as it stands, its way to the agency, its
final versions, and the follow-up and appeal letters (templates/letters/_letter.html,
_sending.html, _versions.html and _follow_ups.html)."""

from __future__ import annotations

from requests_app.laws.models import PublicRecordsLaw
from requests_app.laws.services import residency_options
from requests_app.letters.services import latest_letter, letter_is_current, residency_warning_of
from requests_app.records.forms import FinaliseForm, LetterEditForm
from requests_app.records.models import RecordsRequest


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
    return {"follow_up_letters": request.follow_ups.all()}
