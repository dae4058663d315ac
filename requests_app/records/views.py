from __future__ import annotations

from collections.abc import Callable

from csp.decorators import csp_replace
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from requests_app.letters import drafts
from requests_app.letters.sections import CONFIRM_SUBMISSION
from requests_app.letters.services import (
    ResidencyNotAcknowledged,
    letter_finalise,
    shown_letter_html,
)
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
from requests_app.records.models import CustomItem, RecordsRequest
from requests_app.records.sections import status_section
from requests_app.records.selectors import request_of
from requests_app.teams.permissions import editor_required, organization_required
from requests_app.workflow.sending import SubmissionBeforeLetter, request_mark_submitted, request_queue_email
from requests_app.workflow.status import request_transition


@editor_required
def request_new(request: HttpRequest) -> HttpResponse:
    initial = {"agency": request.GET.get("agency")}
    form = RequestCreateForm(request.POST or None, organization=request.organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = drafts.request_create(
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
        drafts.request_regenerate_letter(request=records_request, user=request.user)
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
            request.session[CONFIRM_SUBMISSION.format(pk=pk)] = pending
            raise
        return f"{records_request.tracking} recorded as submitted to {records_request.submitted_to}."

    return back_to_request(request, pk, change)


@editor_required
@require_POST
def letter_readdress(request: HttpRequest, pk: int) -> HttpResponse:
    records_request = request_of(request.organization, pk)

    def change() -> str:
        drafts.request_readdress_letter(request=records_request, user=request.user)
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
    context = {"req": records_request, **status_section(records_request), "part": "fragment", "announce": done}
    return render(request, "records/_status_panel.html", context)
