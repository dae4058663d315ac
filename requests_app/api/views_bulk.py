"""Actions on many requests at once, and the CSV export, as actions of the request endpoint.

Each bulk action is one entry of BULK_ACTIONS: the serializer of its fields, the service
it calls, and how its outcome is answered (by default at once, each request done or
skipped; an action a worker runs would answer with its job instead). The services act on
the caller's organization's requests only; an id that is not one of them is reported as
skipped, never acted on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain, islice
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from requests_app.api import serializers as s
from requests_app.api.access import membership_of
from requests_app.api.files import CsvRenderer
from requests_app.api.parameters import REQUEST_FILTERS
from requests_app.records import bulk
from requests_app.records.models import BulkJob
from requests_app.teams.models import Organization, User
from requests_app.web.exports import requests_csv
from requests_app.web.request_list import filtered_requests
from requests_app.workflow.bulk import bulk_change_status
from requests_app.workflow.bulk_jobs import bulk_job_start

NOT_FOUND = "Not one of your organization's requests: ignored."


class Run(Protocol):
    def __call__(self, *, organization: Organization, user: User, ids: list[int], data: dict) -> Any:
        ...


Answer = Callable[[str, list[int], Any], Response]  # action name, ids asked for, what ``run`` returned


def answer_now(name: str, ids: list[int], result: bulk.BulkResult) -> Response:
    done = [{"id": r.pk, "tracking": r.tracking} for r in result.done]
    skipped = [{"id": r.pk, "tracking": r.tracking, "reason": reason} for r, reason in result.skipped]
    found = {r["id"] for r in done + skipped}
    skipped += [{"id": pk, "tracking": None, "reason": NOT_FOUND} for pk in ids if pk not in found]
    return Response(s.BulkResultSerializer({"action": name, "done": done, "skipped": skipped}).data)


@dataclass(frozen=True)
class BulkAction:
    fields: type[s.BulkSerializer]  # ``action``, ``ids`` and the action's own fields
    run: Run
    answer: Answer = answer_now


def _status(*, organization: Organization, user: User, ids: list[int], data: dict) -> bulk.BulkResult:
    return bulk_change_status(organization=organization, user=user, request_ids=ids,
                                   to_status=data["to_status"], reason=data["reason"])


def _owner(*, organization: Organization, user: User, ids: list[int], data: dict) -> bulk.BulkResult:
    return bulk.bulk_assign_owner(organization=organization, request_ids=ids, owner=data["owner"], user=user)


def _add_tag(*, organization: Organization, user: User, ids: list[int], data: dict) -> bulk.BulkResult:
    return bulk.bulk_add_tag(organization=organization, request_ids=ids, name=data["tag"], user=user)


def _remove_tag(*, organization: Organization, user: User, ids: list[int], data: dict) -> bulk.BulkResult:
    return bulk.bulk_remove_tag(organization=organization, request_ids=ids, name=data["tag"], user=user)


def _pause(*, organization: Organization, user: User, ids: list[int], data: dict) -> bulk.BulkResult:
    return bulk.bulk_pause_reminders(organization=organization, request_ids=ids, user=user)


def _resume(*, organization: Organization, user: User, ids: list[int], data: dict) -> bulk.BulkResult:
    return bulk.bulk_resume_reminders(organization=organization, request_ids=ids, user=user)


def _draft_follow_ups(*, organization: Organization, user: User, ids: list[int], data: dict) -> BulkJob:
    return bulk_job_start(organization=organization, user=user, action=BulkJob.Action.DRAFT_FOLLOW_UPS,
                          request_ids=ids)


def _send_letters(*, organization: Organization, user: User, ids: list[int], data: dict) -> BulkJob:
    return bulk_job_start(organization=organization, user=user, action=BulkJob.Action.SEND_LETTERS,
                          request_ids=ids, acknowledge_residency=data["acknowledge_residency"])


def answer_job(name: str, ids: list[int], job: BulkJob) -> Response:
    """202: a worker runs it; the job's ``url`` follows it to each request's outcome."""
    return Response(s.BulkJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


BULK_ACTIONS: dict[str, BulkAction] = {
    "status": BulkAction(s.BulkStatusSerializer, _status),
    "owner": BulkAction(s.BulkOwnerSerializer, _owner),
    "add_tag": BulkAction(s.BulkTagSerializer, _add_tag),
    "remove_tag": BulkAction(s.BulkTagSerializer, _remove_tag),
    "pause": BulkAction(s.BulkSerializer, _pause),
    "resume": BulkAction(s.BulkSerializer, _resume),
    "draft_follow_ups": BulkAction(s.BulkSerializer, _draft_follow_ups, answer_job),
    "send_letters": BulkAction(s.BulkSendSerializer, _send_letters, answer_job),
}

_BULK_REQUEST = PolymorphicProxySerializer(
    component_name="BulkAction", resource_type_field_name="action",
    serializers={name: entry.fields for name, entry in BULK_ACTIONS.items()},
)


class BulkActions:
    """Mixed into the request viewset."""

    @extend_schema(request=_BULK_REQUEST, responses={200: s.BulkResultSerializer, 202: s.BulkJobSerializer})
    @action(detail=False, methods=["post"])
    def bulk(self, request: Request) -> Response:
        """Runs one action on many requests: ``status`` (to_status, reason), ``owner`` (owner),
        ``add_tag`` and ``remove_tag`` (tag), ``pause`` and ``resume`` (reminders): each
        request is done or skipped with the reason. ``draft_follow_ups`` and ``send_letters``
        (acknowledge_residency) render letters, so a worker runs them: the answer is 202 with
        the job, to follow at /api/bulk-jobs/{id}/."""
        membership = membership_of(request)
        name = str(request.data.get("action", "")) if hasattr(request.data, "get") else ""
        entry = BULK_ACTIONS.get(name)
        if entry is None:
            raise ApiValidationError({"action": [f"Choose an action: {', '.join(BULK_ACTIONS)}."]})
        form = entry.fields(data=request.data, context={"organization": membership.organization})
        form.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(form.validated_data["ids"]))
        try:
            result = entry.run(organization=membership.organization, user=request.user, ids=ids,
                               data=form.validated_data)
        except ValidationError as exc:
            raise ApiValidationError({"detail": exc.messages}) from None
        return entry.answer(name, ids, result)

    @extend_schema(parameters=REQUEST_FILTERS, responses={
        (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The request list's CSV export."),
    })
    @action(detail=False, methods=["get"], renderer_classes=[JSONRenderer, CsvRenderer])
    def export(self, request: Request, **kwargs) -> StreamingHttpResponse:
        """The request list's CSV export (also at export.csv), with the list's filters."""
        requests, errors = filtered_requests(organization=membership_of(request).organization,
                                             params=request.query_params)
        if errors:
            raise ApiValidationError({"detail": errors})
        today = timezone.localdate()
        lines = requests_csv(requests, today=today)
        # The header and the first row before the 200 goes out: the query runs here, so a
        # failure is answered (a JSON 500) rather than cutting a started download short.
        started = list(islice(lines, 2))
        response = StreamingHttpResponse(chain(started, lines), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="requests-{today.isoformat()}.csv"'
        return response


