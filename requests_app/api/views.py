"""The REST API: thin views over the same services and selectors as the pages.

Every query starts from the caller's organization (access.membership_of), so another
organization's request, campaign or report is simply not found (404). Agencies and laws
are a shared directory, readable by every member. Campaigns are in views_campaigns.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from requests_app.agencies.selectors import DirectoryFilters, agency_search
from requests_app.api import serializers as s
from requests_app.api.access import membership_of
from requests_app.api.files import DataAsJson
from requests_app.api.parameters import REQUEST_FILTERS
from requests_app.api.views_bulk import BulkActions
from requests_app.api.views_letters import LetterActions
from requests_app.auditlogs.selectors import report_for
from requests_app.correspondence.services import Action, Message
from requests_app.documents.upload import upload_file
from requests_app.laws.models import PublicRecordsLaw
from requests_app.letters.drafts import request_create
from requests_app.outbox.selectors import with_latest_email
from requests_app.records.lifecycle import TransitionError
from requests_app.records.models import BulkJob, RecordsRequest
from requests_app.records.selectors import requests_of
from requests_app.records.services import items_for
from requests_app.web.request_list import filtered_requests
from requests_app.workflow.replies import communication_log
from requests_app.workflow.status import request_transition


class ApiViewSetMixin:
    """The API authenticates by token (or session) itself: exempt from the site's
    login-required middleware, which would redirect a script to the login page."""

    @classmethod
    def as_view(cls, *args, **kwargs):
        view = super().as_view(*args, **kwargs)
        view.login_required = False
        return view


class AgencyViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The agency directory. Filters: ``state`` (e.g. WA: its agencies and those of its local
    jurisdictions), ``q`` (a name or alias, city, county or ORI, searched and ranked as the
    directory page does)."""

    serializer_class = s.AgencySerializer

    def get_queryset(self) -> QuerySet:
        params = self.request.query_params
        return agency_search(DirectoryFilters(q=params.get("q", "").strip(), state=params.get("state", "").strip()))


class LawViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Public-records laws by jurisdiction code (``US``, ``DC``, ``TX``...), with their deadlines."""

    serializer_class = s.LawSerializer
    lookup_field = "jurisdiction__code"
    lookup_url_kwarg = "code"

    def get_queryset(self) -> QuerySet:
        return (PublicRecordsLaw.objects.select_related("jurisdiction").prefetch_related("deadlines", "facts")
                .order_by("jurisdiction__code"))


class RequestViewSet(DataAsJson, LetterActions, BulkActions, ApiViewSetMixin, mixins.CreateModelMixin,
                     viewsets.ReadOnlyModelViewSet):
    """The organization's requests, filtered and sorted as the request list is: ``status``
    (repeatable), ``state``, ``agency``, ``campaign``, ``tag``, ``owner``, ``due_from``,
    ``due_to``, ``has_documents``, ``agency_set`` (a saved agency set's id), ``sort``. The letter, sending and follow-up actions are
    in views_letters, the bulk actions and the export in views_bulk."""

    serializer_class = s.RequestSerializer

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):  # the schema is built without a caller
            return RecordsRequest.objects.none()
        organization = membership_of(self.request).organization
        if self.action != "list":  # one request is found by its id, whatever the list's filters say
            return with_latest_email(requests_of(organization), kind=RecordsRequest.email_kind).select_related(
                "clock").prefetch_related("items", "tags")
        # The request list's filters and sorts, so a script and the page answer alike.
        requests, errors = filtered_requests(organization=organization, params=self.request.query_params)
        if errors:
            raise ApiValidationError({"detail": errors})
        return with_latest_email(requests, kind=RecordsRequest.email_kind).select_related(
            "clock").prefetch_related("items", "tags")

    @extend_schema(parameters=REQUEST_FILTERS)
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.RequestCreateSerializer, responses={201: s.RequestSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        form = s.RequestCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        membership = membership_of(request)
        created = _create(membership, form.validated_data)
        return Response(s.RequestSerializer(self.get_queryset().get(pk=created.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.StatusChangeSerializer, responses={200: s.RequestSerializer})
    @action(detail=True, methods=["post"])
    def status(self, request: Request, pk: str | None = None) -> Response:
        """Moves the request's status through the same rules as the request page."""
        records_request = self.get_object()
        form = s.StatusChangeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            request_transition(request=records_request, user=request.user, to_status=form.validated_data["to_status"],
                               reason=form.validated_data.get("reason", ""), on=form.validated_data.get("on"))
        except TransitionError as exc:
            raise ApiValidationError({"to_status": [str(exc)]}) from None
        return Response(s.RequestSerializer(self.get_queryset().get(pk=records_request.pk)).data)

    @extend_schema(responses={200: s.ClockSerializer})
    @action(detail=True, methods=["get"])
    def deadlines(self, request: Request, pk: str | None = None) -> Response:
        """The statutory clock: acknowledgment, response, appeal and follow-up dates, explained."""
        clock = getattr(self.get_object(), "clock", None)
        if clock is None:
            return Response({"detail": "The request has not been sent: no clock runs yet."}, status=404)
        return Response(s.ClockSerializer(clock).data)

    @extend_schema(methods=["GET"], responses={200: s.CommunicationSerializer(many=True)})
    @extend_schema(methods=["POST"], request=s.CommunicationCreateSerializer, responses={201: s.CommunicationSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)  # a request's own: one list
    def communications(self, request: Request, pk: str | None = None) -> Response:
        """The request's correspondence; posting one logs it as the request page does, its
        action (acknowledged, extension, denied...) moving the status and the clock."""
        records_request = self.get_object()
        if request.method == "GET":
            return Response(s.CommunicationSerializer(records_request.communications.order_by("occurred_on", "pk"),
                                                      many=True).data)
        form = s.CommunicationCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        logged = _log(records_request, request.user, form.validated_data)
        return Response(s.CommunicationSerializer(logged).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses={200: s.DocumentSerializer(many=True)})
    @extend_schema(methods=["POST"], request={"multipart/form-data": s.UploadSerializer},
                   responses={201: s.DocumentSerializer})
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, JSONParser],
            pagination_class=None)  # a request's own: one list
    def documents(self, request: Request, pk: str | None = None) -> Response:
        """The request's documents; posting a file stores it through the upload service (type
        checked on content, stored once per organization by hash)."""
        records_request = self.get_object()
        links = records_request.document_links.select_related("document").order_by("pk")
        if request.method == "GET":
            return Response(s.DocumentSerializer(links, many=True).data)
        form = s.UploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        result = upload_file(request=records_request, user=request.user, name=upload.name, stream=upload,
                             note=form.validated_data.get("note", ""))
        if result.refused:
            raise ApiValidationError({"file": [result.reason or "the file was refused"]})
        link = links.get(document=result.document)
        return Response(s.DocumentSerializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"], url_path="audit-summary")
    def audit_summary(self, request: Request, pk: str | None = None) -> Response:
        """What the request's imported ALPR audit logs show (the report page's figures)."""
        return Response(_summary(report_for(self.get_object())))


def _create(membership, data: dict) -> RecordsRequest:
    agency = data["agency"]
    try:
        items = items_for(organization=membership.organization, keys=data["items"])
        extra = {k: data[k] for k in ("date_from", "date_to", "fee_cap") if data.get(k) is not None}
        return request_create(organization=membership.organization, agency=agency, user=membership.user,
                              title=data["title"], items=items, today=timezone.localdate(), **extra)
    except ValidationError as exc:
        raise ApiValidationError({"detail": exc.messages}) from None


def _log(records_request: RecordsRequest, user, data: dict):
    message = Message(**{k: data[k] for k in ("direction", "channel", "occurred_on")},
                      **{k: data.get(k, "") for k in ("sender", "recipient", "subject", "body")})
    action = Action(kind=data.get("action", ""), agency_reference=data.get("agency_reference", ""),
                    extended_to=data.get("extended_to"), fee_amount=data.get("fee_amount"),
                    exemptions=data.get("exemptions", ""))
    try:
        return communication_log(request=records_request, user=user, message=message, action=action)
    except (ValidationError, TransitionError) as exc:
        raise ApiValidationError({"detail": getattr(exc, "messages", [str(exc)])}) from None


def _summary(report) -> dict:
    return {
        "searches": report.total,
        "first_search": report.first.isoformat() if report.first else None,
        "last_search": report.last.isoformat() if report.last else None,
        "time_zone": report.time_zone,  # the agency's, the report's; the two times above are UTC
        "categories": {key: n for key, _label, n in report.categories},
        "federal_searches": report.federal,
        "out_of_state_searches": report.out_of_state,
        "agency_state": report.home_state,
        "top_orgs": [[o["organization"], o["n"]] for o in report.organizations],
        "findings": [{"law": f.law, "count": f.count, "text": f.text} for f in report.findings],
    }


class BulkJobViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Bulk actions a worker runs (drafting follow-ups, sending letters), newest first: progress,
    then each request's outcome."""

    serializer_class = s.BulkJobSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return BulkJob.objects.none()
        return BulkJob.objects.filter(organization=membership_of(self.request).organization).order_by("-pk")
