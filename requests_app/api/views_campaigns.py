"""Campaigns in the API: create one for many agencies, render its letters, email them.

The same services as the campaign pages; a campaign is looked up in the caller's
organization only, so another organization's campaign is not found (404).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from requests_app.api import serializers_campaigns as s
from requests_app.api.access import membership_of
from requests_app.api.serializers import AcknowledgeSerializer
from requests_app.api.views import ApiViewSetMixin
from requests_app.campaigns import services
from requests_app.campaigns.models import Campaign
from requests_app.records.models import RecordsRequest
from requests_app.teams.models import Membership
from requests_app.workflow.campaigns import campaign_queue_emails


class CampaignViewSet(ApiViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The organization's campaigns, with their render progress; one campaign lists its requests."""

    def get_serializer_class(self):
        return s.CampaignSerializer if self.action == "list" else s.CampaignDetailSerializer

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):  # the schema is built without a caller
            return Campaign.objects.none()
        membership = membership_of(self.request)
        campaigns = (Campaign.objects.filter(organization=membership.organization).select_related("rendering")
                     .annotate(request_count=Count("requests")).order_by("-pk"))
        if self.action != "list":
            campaigns = campaigns.prefetch_related(Prefetch("requests", queryset=_listed(), to_attr="listed_requests"))
        return campaigns

    @extend_schema(request=s.CampaignCreateSerializer, responses={201: s.CampaignDetailSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        """A campaign and one draft request per agency, both or neither."""
        membership = membership_of(request)
        form = s.CampaignCreateSerializer(data=request.data, context={"organization": membership.organization})
        form.is_valid(raise_exception=True)
        campaign = _create(membership, form.validated_data)
        return Response(self._detail(campaign), status=status.HTTP_201_CREATED)

    @extend_schema(request=s.AgencyIdsSerializer, responses={200: s.AddedSerializer})
    @action(detail=True, methods=["post"])
    def agencies(self, request: Request, pk: str | None = None) -> Response:
        """Adds agencies; one already in the campaign is not asked twice."""
        campaign = self.get_object()
        form = s.AgencyIdsSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            result = services.campaign_add_agencies(campaign=campaign, agencies=form.validated_data["agencies"],
                                                    user=request.user, today=timezone.localdate())
        except ValidationError as exc:
            raise ApiValidationError({"detail": exc.messages}) from None
        ids = [r.pk for r in result.created + result.existing]
        listed = _listed().in_bulk(ids)  # their agencies, in one query
        return Response(s.AddedSerializer({"created": [listed[r.pk] for r in result.created],
                                           "existing": [listed[r.pk] for r in result.existing]}).data)

    @extend_schema(request=AcknowledgeSerializer, responses={202: s.CampaignDetailSerializer})
    @action(detail=True, methods=["post"], url_path="render", url_name="render")
    def start_rendering(self, request: Request, pk: str | None = None) -> Response:
        """Finalises every draft's letter in the background; ``render`` in the campaign
        follows the progress. As on the campaign page, agencies whose law may only answer
        residents need ``acknowledge_residency``."""
        campaign = self.get_object()
        form = AcknowledgeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        acknowledged = form.validated_data["acknowledge_residency"]
        warnings = services.residency_warnings(campaign)
        if warnings and not acknowledged:
            raise ApiValidationError({
                "acknowledge_residency": ["Some agencies may only answer residents: read residency_warnings, then "
                                          "pass acknowledge_residency: true to render anyway."],
                "residency_warnings": [f"{r.tracking} ({r.agency.name}): {w}" for r, w in warnings],
            })
        services.campaign_start_rendering(campaign=campaign, acknowledge_residency=acknowledged,
                                          residency_basis=form.validated_data["residency_basis"])
        return Response(self._detail(campaign), status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={200: s.CampaignSendSerializer})
    @action(detail=True, methods=["post"], url_path="send", url_name="send")
    def send_emails(self, request: Request, pk: str | None = None) -> Response:
        """Queues every draft whose letter is final to the agency's records email; the others
        are listed with the reason (no email address, letter not finalised...)."""
        result = campaign_queue_emails(campaign=self.get_object(), user=request.user)
        skipped = [{"id": r.pk, "tracking": r.tracking, "reason": reason} for r, reason in result.skipped]
        return Response(s.CampaignSendSerializer({"queued": result.queued, "skipped": skipped}).data)

    def _detail(self, campaign: Campaign) -> dict:
        return s.CampaignDetailSerializer(self.get_queryset().get(pk=campaign.pk)).data


def _listed() -> QuerySet[RecordsRequest]:
    # The letter is most of a row's size and is not shown here.
    return (RecordsRequest.objects.select_related("agency__jurisdiction").defer("letter_text")
            .order_by("agency__jurisdiction__code", "agency__name", "pk"))


def _create(membership: Membership, data: dict) -> Campaign:
    terms = {k: data[k] for k in ("date_from", "date_to", "fee_cap") if data.get(k) is not None}
    try:
        with transaction.atomic():
            campaign = services.campaign_create(organization=membership.organization, user=membership.user,
                                                title=data["title"], item_keys=data["item_keys"], **terms)
            services.campaign_add_agencies(campaign=campaign, agencies=data["agencies"], user=membership.user,
                                           today=timezone.localdate())
    except ValidationError as exc:
        raise ApiValidationError({"detail": exc.messages}) from None
    return campaign
