"""Follow-up and appeal letters on a request's page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from requests_app.deadlines.models import RequestClock
from requests_app.letters import follow_ups
from requests_app.letters import services as letters
from requests_app.letters.models import FollowUpLetter
from requests_app.records.actions import back_to_request
from requests_app.records.selectors import request_of
from requests_app.teams.permissions import editor_required, organization_required
from requests_app.workflow.follow_up_sending import follow_up_queue_email
from requests_app.workflow.letters import follow_up_mark_sent


class SentForm(forms.Form):
    sent_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate)


def _letter(request: HttpRequest, pk: int, letter_id: int) -> FollowUpLetter:
    records_request = request_of(request.organization, pk)
    return get_object_or_404(FollowUpLetter.objects.select_related("request__agency__jurisdiction"),
                             pk=letter_id, request=records_request)


@editor_required
@require_POST
def follow_up_draft(request: HttpRequest, pk: int) -> HttpResponse:
    records_request = request_of(request.organization, pk)
    if not RequestClock.objects.filter(request=records_request).exists():
        messages.error(request, "A follow-up can be drafted once the request has been sent.")
    elif follow_ups.draft_follow_up(request=records_request, on=timezone.localdate(), reason="Drafted by hand",
                                     user=request.user) is None:
        messages.error(request, "A follow-up was already drafted today.")
    else:
        messages.success(request, "Follow-up letter drafted: review it below.")
    return redirect("request-detail", pk)


@editor_required
@require_POST
def follow_up_edit(request: HttpRequest, pk: int, letter_id: int) -> HttpResponse:
    letter = _letter(request, pk, letter_id)
    text = request.POST.get("text", "")

    def change() -> str:
        if not text.strip() or len(text) > 100_000:
            raise ValueError("The letter cannot be empty or longer than 100,000 characters.")
        follow_ups.follow_up_edit(letter=letter, text=text)
        return f"{letter.get_kind_display()} letter saved."

    return back_to_request(request, pk, change)


@editor_required
@require_POST
def follow_up_finalise(request: HttpRequest, pk: int, letter_id: int) -> HttpResponse:
    letter = letters.follow_up_finalise(letter=_letter(request, pk, letter_id), user=request.user,
                                        today=timezone.localdate())
    messages.success(request, f"{letter.get_kind_display()} letter is final (sha256 {letter.sha256[:12]}…).")
    return redirect("request-detail", pk)


@organization_required
def follow_up_download(request: HttpRequest, pk: int, letter_id: int) -> FileResponse:
    letter = _letter(request, pk, letter_id)
    if not letter.pdf:
        raise Http404("This letter has not been finalised")
    return FileResponse(letter.pdf.open("rb"), as_attachment=True, filename=letter.filename,
                        content_type="application/pdf")


@editor_required
@require_POST
def follow_up_sent(request: HttpRequest, pk: int, letter_id: int) -> HttpResponse:
    letter = _letter(request, pk, letter_id)
    form = SentForm(request.POST)

    def change() -> str:
        if not form.is_valid() or form.cleaned_data["sent_on"] > timezone.localdate():
            raise ValueError("Give the date it was sent (not in the future).")
        follow_up_mark_sent(letter=letter, user=request.user, on=form.cleaned_data["sent_on"])
        return f"{letter.get_kind_display()} letter recorded as sent."

    return back_to_request(request, pk, change)


@editor_required
@require_POST
def follow_up_email(request: HttpRequest, pk: int, letter_id: int) -> HttpResponse:
    letter = _letter(request, pk, letter_id)

    def change() -> str:
        follow_up_queue_email(letter=letter, user=request.user)
        return f"{letter.get_kind_display()} letter is queued to be emailed to {letter.request.agency.records_email}."

    return back_to_request(request, pk, change)
