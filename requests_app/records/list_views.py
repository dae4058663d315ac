"""The request list: filters, bulk actions on a selection, and exports of either."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from requests_app.records import bulk
from requests_app.records.listing import requests_by_ids
from requests_app.records.models import RecordsRequest, Status
from requests_app.teams.models import User
from requests_app.teams.permissions import editor_required, organization_required
from requests_app.web.exports import requests_csv, requests_xlsx
from requests_app.web.request_list import SORTS, filtered_requests, list_choices, list_page
from requests_app.workflow.bulk import bulk_change_status
from requests_app.workflow.bulk_jobs import bulk_job_start

ACTIONS = [
    ("status", "Change status"), ("owner", "Assign owner"), ("add_tag", "Add tag"), ("remove_tag", "Remove tag"),
    ("draft_follow_ups", "Draft follow-ups"), ("send_letters", "Send drafted letters"),
    ("pause", "Pause reminders"), ("resume", "Resume reminders"), ("export", "Export selected (CSV)"),
]
# Actions a worker runs (they render letters); the member follows them on the job's page.
BACKGROUND = {"draft_follow_ups", "send_letters"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SKIPPED_SHOWN = 10  # reasons listed in the message; the rest are counted


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(choices=ACTIONS)
    to_status = forms.ChoiceField(choices=[("", "—"), *Status.choices], required=False)
    reason = forms.CharField(max_length=500, required=False)
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    tag = forms.CharField(max_length=bulk.TAG_MAX_LENGTH, required=False)
    acknowledge_residency = forms.BooleanField(required=False)

    def __init__(self, *args, organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(memberships__organization=organization)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("action") == "status" and not data.get("to_status"):
            raise ValidationError("Choose the status to move the selected requests to.")
        if data.get("action") in ("add_tag", "remove_tag") and not data.get("tag", "").strip():
            raise ValidationError("Name the tag to add or remove.")
        return data


@organization_required
def request_list(request: HttpRequest) -> HttpResponse:
    requests, errors = filtered_requests(organization=request.organization, params=request.GET)
    page = list_page(organization=request.organization, requests=requests, number=request.GET.get("page"))
    context = {
        "page": page,
        "errors": errors,
        "choices": list_choices(organization=request.organization),
        "current": request.GET,
        "current_statuses": request.GET.getlist("status"),
        "filter_query": _without_page(request.GET),
        "statuses": Status.choices,
        "sorts": SORTS,
        "actions": ACTIONS,
    }
    return render(request, "records/request_list.html", context)


@organization_required
def request_export_csv(request: HttpRequest) -> StreamingHttpResponse:
    requests, _ = filtered_requests(organization=request.organization, params=request.GET)
    return _csv_response(requests)


@organization_required
def request_export_xlsx(request: HttpRequest) -> HttpResponse:
    requests, _ = filtered_requests(organization=request.organization, params=request.GET)
    today = timezone.localdate()
    response = HttpResponse(requests_xlsx(requests, today=today), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="requests-{today.isoformat()}.xlsx"'
    return response


@editor_required
@require_POST
def request_bulk(request: HttpRequest) -> HttpResponse:
    back = redirect(f"{reverse('request-list')}?{_without_page(QueryDict(request.POST.get('query', '')))}")
    form = BulkActionForm(request.POST, organization=request.organization)
    ids = _selected_ids(request.POST)
    if not ids:
        messages.error(request, "Select at least one request first.")
        return back
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return back
    data = form.cleaned_data
    if data["action"] == "export":
        return _csv_response(requests_by_ids(organization=request.organization, request_ids=ids))
    if data["action"] in BACKGROUND:
        try:
            job = bulk_job_start(organization=request.organization, user=request.user, action=data["action"],
                                 request_ids=ids, acknowledge_residency=data["acknowledge_residency"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return back
        messages.success(request, f"{job.get_action_display()}: {job.total} request{'s' if job.total != 1 else ''}; "
                                  "the progress bar below follows it.")
        return redirect("bulk-job", job.pk)
    try:
        result, done_text = _run(request, data, ids)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return back
    _flash(request, result, done_text)
    return back


def _run(request: HttpRequest, data: dict, ids: list[int]) -> tuple[bulk.BulkResult, str]:
    """Calls the action's service; returns its result and what was done, for the message."""
    org, action = request.organization, data["action"]
    if action == "status":
        target = Status(data["to_status"])
        result = bulk_change_status(organization=org, user=request.user, request_ids=ids, to_status=target,
                                         reason=data["reason"])
        return result, f"moved to {target.label.lower()}"
    if action == "owner":
        owner = data["owner"]
        result = bulk.bulk_assign_owner(organization=org, request_ids=ids, owner=owner, user=request.user)
        return result, f"given to {owner}" if owner else "left without an owner"
    if action in ("add_tag", "remove_tag"):
        service = bulk.bulk_add_tag if action == "add_tag" else bulk.bulk_remove_tag
        result = service(organization=org, request_ids=ids, name=data["tag"], user=request.user)
        return result, f"{'tagged' if action == 'add_tag' else 'untagged'} {data['tag'].strip()!r}"
    service = bulk.bulk_pause_reminders if action == "pause" else bulk.bulk_resume_reminders
    verb = "paused" if action == "pause" else "resumed"
    return service(organization=org, request_ids=ids, user=request.user), f"{verb} reminders"


def _flash(request: HttpRequest, result: bulk.BulkResult, done_text: str) -> None:
    if result.done:
        n = len(result.done)
        messages.success(request, f"{n} request{'s' if n != 1 else ''} {done_text}: "
                                  f"{', '.join(r.tracking for r in result.done[:SKIPPED_SHOWN])}"
                                  f"{' and more' if n > SKIPPED_SHOWN else ''}.")
    if result.skipped:
        reasons = " ".join(reason for _, reason in result.skipped[:SKIPPED_SHOWN])
        more = len(result.skipped) - SKIPPED_SHOWN
        messages.warning(request, f"Skipped {len(result.skipped)}: {reasons}{f' And {more} more.' if more > 0 else ''}")
    if not result.done and not result.skipped:
        messages.error(request, "None of the selected requests was found.")


def _selected_ids(post: QueryDict) -> list[int]:
    # Without JavaScript, "select all on this page" cannot tick the boxes, so the page's ids
    # come along in hidden fields and this box picks them.
    values = post.getlist("page_ids") if post.get("select_page") else post.getlist("ids")
    return [int(v) for v in values if v.isdigit()]


def _without_page(params: QueryDict) -> str:
    query = params.copy()
    query.pop("page", None)
    return query.urlencode()


def _csv_response(requests: QuerySet[RecordsRequest]) -> StreamingHttpResponse:
    today = timezone.localdate()
    response = StreamingHttpResponse(requests_csv(requests, today=today), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="requests-{today.isoformat()}.csv"'
    return response
