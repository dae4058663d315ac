from __future__ import annotations

from collections.abc import Callable

from csp.decorators import csp_replace
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import OuterRef
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from requests_app.deadlines.forms import AgencyClosedDaysForm, ExtensionForm, PersonalReminderForm
from requests_app.deadlines.rules import agency_closed_days_allowed
from requests_app.laws.services import residency_options
from requests_app.deadlines.models import RequestClock, Watch
from requests_app.deadlines.selectors import timeline
from requests_app.letters.services import (
    ResidencyNotAcknowledged,
    latest_letter,
    letter_finalise,
    letter_is_current,
    residency_warning_of,
    shown_letter_html,
)
from requests_app.outbox.selectors import with_latest_email
from requests_app.records import services
from requests_app.records.actions import back_to_request, refusal
from requests_app.records.catalogue import BUILT_IN
from requests_app.records.forms import (
    CustomItemForm,
    FinaliseForm,
    LetterEditForm,
    RequestCreateForm,
    StatusForm,
    SubmissionForm,
)
from requests_app.correspondence.forms import CommunicationForm, FeeForm
from requests_app.correspondence.services import fee_summary
from requests_app.records.lifecycle import allowed_moves, request_transition
from requests_app.records.models import CustomItem, RecordsRequest, RequestItem, SendChannel
from requests_app.records.selectors import request_of
from requests_app.records.sending import (
    CONTACT_FOR,
    SubmissionBeforeLetter,
    missing_contact,
    request_mark_submitted,
    request_queue_email,
)
from requests_app.records.trail import HISTORY_SHOWN, history_of
from requests_app.teams.permissions import editor_required
from requests_app.teams.views import organization_required


@editor_required
def request_new(request: HttpRequest) -> HttpResponse:
    initial = {"agency": request.GET.get("agency")}
    form = RequestCreateForm(request.POST or None, organization=request.organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.request_create(
                organization=request.organization, agency=data["agency"], user=request.user,
                title=data["title"], items=services.items_for(organization=request.organization, keys=data["items"]),
                date_from=data["date_from"], date_to=data["date_to"], fee_cap=data["fee_cap"],
                today=timezone.localdate(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Draft {created.tracking} created. Review the letter below.")
            return redirect("request-detail", created.pk)
    return render(request, "records/request_new.html", {"form": form})


@organization_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return request_page(request, request_of(request.organization, pk))


def request_page(request: HttpRequest, records_request: RecordsRequest, *,
                 communication_form: CommunicationForm | None = None, status: int = 200) -> HttpResponse:
    """The request page; a form sent back with errors is shown as it was filled, with them."""
    latest = latest_letter(records_request)
    fees = list(records_request.fees.all())
    clock = RequestClock.objects.filter(request=records_request).first()
    context = {
        "req": records_request,
        "items": records_request.items.prefetch_related("document_links__document"),
        "letters": records_request.letters.order_by("-number"),
        "latest": latest,
        "is_current": letter_is_current(records_request, latest),
        "residency_warning": residency_warning_of(records_request),
        **_law_context(records_request, clock),
        "edit_form": LetterEditForm(initial={"letter_text": records_request.letter_text}),
        "finalise_form": FinaliseForm(),
        **_send_context(request, records_request),
        **_status_context(records_request),
        "clock": clock,
        "timeline": timeline(records_request),
        "extension_form": ExtensionForm(auto_id="extension_%s"),
        "reminder_form": PersonalReminderForm(auto_id="reminder_%s"),
        "watching": Watch.objects.filter(request=records_request, user=request.user).exists(),
        "follow_up_letters": with_latest_email(records_request.follow_ups.all(), kind=OuterRef("kind")),
        "communications": records_request.communications.select_related("logged_by"),
        "communication_form": communication_form or CommunicationForm(auto_id="communication_%s",
                                                                       channel=records_request.sent_via),
        "outcome_choices": RequestItem.Outcome.choices,
        "fees": fees,
        "fee_summary": fee_summary(fees),
        "fee_form": FeeForm(auto_id="fee_%s"),  # each form its own ids: several share field names
        "document_links": records_request.document_links.select_related("document", "added_by"),
    }
    return render(request, "records/request_detail.html", context, status=status)


def _law_context(records_request: RecordsRequest, clock: RequestClock | None) -> dict:
    """The law the request runs under, for the page's notes on what is unverified and on
    the agency's own closed days."""
    law = records_request.agency.jurisdiction.governing_law()
    if law is None:
        return {"law": None}
    return {
        "law": law,
        "response_rule": law.response_deadline,
        "timing_fact": law.facts.filter(key="letter.timing").first(),
        "residency_options": residency_options(law, signer=records_request.organization.signer_name),
        "closed_days_allowed": agency_closed_days_allowed(law),
        "closed_days_form": AgencyClosedDaysForm(
            auto_id="closed_%s", initial=AgencyClosedDaysForm.initial_from(clock.agency_closed_days if clock else [])),
    }


@editor_required
@require_POST
def letter_edit(request: HttpRequest, pk: int) -> HttpResponse:
    records_request = request_of(request.organization, pk)
    form = LetterEditForm(request.POST)

    def change() -> str:
        if not form.is_valid():
            raise ValidationError("The letter text is missing or too long.")
        services.request_edit_letter(request=records_request, letter_text=form.cleaned_data["letter_text"],
                                     user=request.user)
        return "Letter text saved. Finalise it to make the PDF."

    return back_to_request(request, pk, change)


@editor_required
@require_POST
def letter_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    records_request = request_of(request.organization, pk)

    def change() -> str:
        services.request_regenerate_letter(request=records_request, user=request.user)
        return "The letter was composed afresh from the request's items and law."

    return back_to_request(request, pk, change)


@organization_required
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})  # shown in the request page's frame
def letter_preview(request: HttpRequest, pk: int) -> HttpResponse:
    records_request = request_of(request.organization, pk)
    html = shown_letter_html(records_request, today=timezone.localdate(), stylesheet=static("letters/letter.css"))
    return HttpResponse(html)


@editor_required
@require_POST
def letter_finalise_view(request: HttpRequest, pk: int) -> HttpResponse:
    records_request = request_of(request.organization, pk)
    form = FinaliseForm(request.POST)
    form.is_valid()

    def change() -> str:
        try:
            version = letter_finalise(
                request=records_request, user=request.user, today=timezone.localdate(),
                acknowledge_residency=form.cleaned_data.get("acknowledge_residency", False),
                residency_basis=form.cleaned_data.get("residency_basis") or "citizen",
            )
        except ResidencyNotAcknowledged as exc:
            raise ValueError(f"Not finalised: {exc} Tick the confirmation to finalise anyway.") from None
        return f"Letter version {version.number} is final (sha256 {version.sha256[:12]}…)."

    return back_to_request(request, pk, change)


@organization_required
def letter_download(request: HttpRequest, pk: int, number: int) -> FileResponse:
    records_request = request_of(request.organization, pk)
    version = records_request.letters.filter(number=number).first()
    if version is None:
        raise Http404("No such letter version")
    return FileResponse(version.pdf.open("rb"), as_attachment=True, filename=version.filename,
                        content_type="application/pdf")


@editor_required
@require_POST
def send_email(request: HttpRequest, pk: int) -> HttpResponse:
    records_request = request_of(request.organization, pk)

    def change() -> str:
        request_queue_email(request=records_request, user=request.user)
        return f"{records_request.tracking} is queued to be emailed to {records_request.agency.records_email}."

    return back_to_request(request, pk, change)


# The request page asks again, with the values kept, when a submission predates its letter.
_CONFIRM_SUBMISSION = "confirm-submission-{pk}"


@editor_required
@require_POST
def record_submission(request: HttpRequest, pk: int) -> HttpResponse:
    records_request = request_of(request.organization, pk)
    form = SubmissionForm(request.POST, ask_confirmation=True)

    def change() -> str:
        if not form.is_valid():
            raise ValidationError("Give the channel and a valid submission date.")
        try:
            request_mark_submitted(request=records_request, user=request.user, **form.cleaned_data)
        except SubmissionBeforeLetter:
            pending = {**form.cleaned_data, "sent_on": form.cleaned_data["sent_on"].isoformat()}
            request.session[_CONFIRM_SUBMISSION.format(pk=pk)] = pending
            raise
        return f"{records_request.tracking} recorded as submitted to {records_request.submitted_to}."

    return back_to_request(request, pk, change)


def _send_context(request: HttpRequest, records_request: RecordsRequest) -> dict[str, object]:
    """What templates/records/_send_step.html needs: each channel's missing contact, and the
    submission form for the channels whose contact is known."""
    missing = {channel: missing_contact(records_request.agency, channel) for channel in CONTACT_FOR}
    channels = [channel for channel in (SendChannel.PORTAL, SendChannel.MAIL) if not missing[channel]]
    # A submission waiting for its date to be confirmed comes back with its values.
    pending = request.session.pop(_CONFIRM_SUBMISSION.format(pk=records_request.pk), None)
    form = SubmissionForm(initial=pending, ask_confirmation=pending is not None, channels=channels,
                          auto_id="submission_%s")
    # Composing the letter afresh to compare addresses is for the editors who can act on it.
    outdated = request.membership.can_edit and services.letter_address_outdated(records_request)
    return {"missing": missing, "submission_form": form, "address_outdated": outdated}


@editor_required
@require_POST
def letter_readdress(request: HttpRequest, pk: int) -> HttpResponse:
    records_request = request_of(request.organization, pk)

    def change() -> str:
        services.request_readdress_letter(request=records_request, user=request.user)
        return "The letter now carries the agency's address from the directory; finalise it to make a new version."

    return back_to_request(request, pk, change)


@editor_required
def custom_items(request: HttpRequest) -> HttpResponse:
    form = CustomItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.custom_item_create(organization=request.organization, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error("key", exc)
        else:
            messages.success(request, "Item added to your catalogue.")
            return redirect("custom-items")
    items = CustomItem.objects.filter(organization=request.organization)
    context = {"form": form, "custom": items, "built_in": BUILT_IN}
    return render(request, "records/custom_items.html", context)



def _status_context(records_request: RecordsRequest) -> dict[str, object]:
    """What templates/records/_status_panel.html and _history.html need besides ``req``."""
    return {
        # Ids of their own: the reminder form on the same page also has an "on" field.
        "status_form": StatusForm(moves=allowed_moves(records_request.status), auto_id="status_%s"),
        "history": history_of(records_request),
        "history_shown": HISTORY_SHOWN,
    }


# static/js/inline-status.js sends this header and gets the status fragment back (200), or
# the refusal as plain text (422); without it the view redirects with a flash message.
FRAGMENT_HEADER, FRAGMENT_VALUE = "X-Requested-With", "fetch"


@editor_required
@require_POST
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    records_request = request_of(request.organization, pk)
    form = StatusForm(request.POST)

    def change() -> str:
        if not form.is_valid():
            raise ValidationError("Choose a status and a date that is not in the future.")
        request_transition(request=records_request, to_status=form.cleaned_data["status"], user=request.user,
                           reason=form.cleaned_data["reason"], on=form.cleaned_data["on"])
        return f"{records_request.tracking} is now {records_request.get_status_display().lower()}."

    if request.headers.get(FRAGMENT_HEADER) == FRAGMENT_VALUE:
        response = _status_fragment(request, records_request, change)
    else:
        response = back_to_request(request, pk, change)
    patch_vary_headers(response, [FRAGMENT_HEADER])
    return response


def _status_fragment(request: HttpRequest, records_request: RecordsRequest, change: Callable[[], str]) -> HttpResponse:
    try:
        done = change()
    except (ValueError, ValidationError) as exc:
        return HttpResponse(refusal(exc), status=422, content_type="text/plain; charset=utf-8")
    context = {"req": records_request, **_status_context(records_request), "part": "fragment", "announce": done}
    return render(request, "records/_status_panel.html", context)
