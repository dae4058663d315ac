from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from requests_app.correspondence import services
from requests_app.correspondence.forms import CommunicationForm, FeeForm, OutcomeForm
from requests_app.records.actions import back_to_request, form_errors
from requests_app.records.models import RequestItem
from requests_app.records.selectors import request_of
from requests_app.teams.permissions import editor_required
from requests_app.web.request_page import request_page
from requests_app.workflow import replies


@editor_required
@require_POST
def communication_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Logs it and goes back to the request page; if anything is refused, the page is shown
    again here with the form as it was filled and each error beside its field."""
    records_request = request_of(request.organization, pk)
    form = CommunicationForm(request.POST, auto_id="communication_%s", channel=records_request.sent_via)
    if form.is_valid():
        try:
            replies.communication_log(request=records_request, user=request.user, **_message_and_action(form))
        except ValidationError as exc:  # keyed by field where the service can say which
            form.add_error(None, exc)
        except ValueError as exc:  # a move the lifecycle refuses
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Communication logged.")
            return redirect("request-detail", pk)
    records_request.refresh_from_db()  # as stored: a refused change left nothing behind
    messages.error(request, "Not logged: correct what is marked in the form below.")
    return request_page(request, records_request, communication_form=form, status=400)


def _message_and_action(form: CommunicationForm) -> dict:
    data = form.cleaned_data
    message = services.Message(direction=data["direction"], channel=data["channel"], occurred_on=data["occurred_on"],
                               sender=data["sender"], recipient=data["recipient"], subject=data["subject"],
                               body=data["body"])
    action = services.Action(kind=data["action"], agency_reference=data["agency_reference"],
                             extended_to=data["extended_to"], fee_amount=data["fee_amount"],
                             exemptions=data["exemptions"])
    return {"message": message, "action": action}


@editor_required
@require_POST
def item_outcome(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    records_request = request_of(request.organization, pk)
    item = get_object_or_404(RequestItem, pk=item_id, request=records_request)
    form = OutcomeForm(request.POST)

    def change() -> str:
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        document_ids = [int(d) for d in request.POST.getlist("documents") if d.isdigit()]
        services.item_outcome_set(item=item, on=timezone.localdate(), document_ids=document_ids, **form.cleaned_data)
        return f"{item.title}: {item.get_outcome_display().lower()}."

    return back_to_request(request, pk, change, prefix=f"{item.title}: ")


@editor_required
@require_POST
def fee_add(request: HttpRequest, pk: int) -> HttpResponse:
    records_request = request_of(request.organization, pk)
    form = FeeForm(request.POST)

    def change() -> str:
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        services.fee_record(request=records_request, user=request.user, kind=form.cleaned_data["kind"],
                            on=form.cleaned_data["occurred_on"], amount=form.cleaned_data["amount"],
                            note=form.cleaned_data["note"])
        return "Fee recorded."

    return back_to_request(request, pk, change, prefix="Fee not recorded: ")
