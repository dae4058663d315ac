from __future__ import annotations

from rest_framework import serializers

from requests_app.agencies.models import Agency
from requests_app.campaigns.models import Campaign
from requests_app.correspondence.models import Communication
from requests_app.laws.models import PublicRecordsLaw, StatutoryDeadline
from requests_app.records.models import RecordsRequest, Status


class AgencySerializer(serializers.ModelSerializer):
    state = serializers.CharField(source="jurisdiction.code")
    vendors = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = Agency
        fields = ["id", "name", "kind", "state", "records_email", "portal_url", "mailing_address", "phone", "vendors"]


class DeadlineSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatutoryDeadline
        fields = ["kind", "days", "day_type", "starts_from", "requires", "citation", "written_notice", "confidence"]


class LawSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    jurisdiction_name = serializers.CharField(source="jurisdiction.name")
    deadlines = DeadlineSerializer(many=True, read_only=True)

    class Meta:
        model = PublicRecordsLaw
        fields = ["jurisdiction", "jurisdiction_name", "name", "citation", "summary", "residency_limit",
                  "appeal_route", "confidence", "sources", "data_version", "deadlines"]


class AgencyBriefSerializer(serializers.ModelSerializer):
    state = serializers.CharField(source="jurisdiction.code")

    class Meta:
        model = Agency
        fields = ["id", "name", "state"]


class RequestSerializer(serializers.ModelSerializer):
    agency = AgencyBriefSerializer(read_only=True)
    items = serializers.SerializerMethodField()
    response_due = serializers.SerializerMethodField()

    class Meta:
        model = RecordsRequest
        fields = ["id", "tracking", "title", "status", "agency", "campaign", "date_from", "date_to", "fee_cap",
                  "items", "response_due", "created_at"]

    def get_items(self, obj: RecordsRequest) -> list[str]:
        return [item.key for item in obj.items.all()]

    def get_response_due(self, obj: RecordsRequest) -> str | None:
        clock = getattr(obj, "clock", None)
        return clock.response_due.isoformat() if clock and clock.response_due else None


class RequestCreateSerializer(serializers.Serializer):
    agency = serializers.IntegerField(help_text="An agency's id (see /api/agencies/).")
    title = serializers.CharField(max_length=200)
    items = serializers.ListField(child=serializers.CharField(max_length=40), min_length=1,
                                  help_text="Item keys, e.g. org-audit, network-audit, sharing.")
    date_from = serializers.DateField(required=False, allow_null=True)
    date_to = serializers.DateField(required=False, allow_null=True)
    fee_cap = serializers.DecimalField(max_digits=8, decimal_places=2, required=False)


class StatusChangeSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Status.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    on = serializers.DateField(required=False, help_text="The day it happened (default today).")


class CampaignSerializer(serializers.ModelSerializer):
    requests = serializers.IntegerField(source="request_count", read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "title", "slug", "item_keys", "date_from", "date_to", "fee_cap", "created_at", "requests"]


class ClockSerializer(serializers.Serializer):
    received_on = serializers.DateField()
    day_type = serializers.CharField()
    acknowledgment_due = serializers.DateField(allow_null=True)
    response_due = serializers.DateField(allow_null=True)
    paused_on = serializers.DateField(allow_null=True)
    appeal_due = serializers.DateField(allow_null=True)
    follow_up_on = serializers.DateField(allow_null=True)
    explanation = serializers.CharField()


class CommunicationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    direction = serializers.CharField()
    channel = serializers.CharField()
    occurred_on = serializers.DateField()
    sender = serializers.CharField(allow_blank=True, required=False)
    recipient = serializers.CharField(allow_blank=True, required=False)
    subject = serializers.CharField(allow_blank=True, required=False)
    body = serializers.CharField(allow_blank=True, required=False)
    action = serializers.CharField(read_only=True)


class CommunicationCreateSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=Communication.Direction.choices)
    channel = serializers.ChoiceField(choices=Communication.Channel.choices)
    occurred_on = serializers.DateField()
    sender = serializers.CharField(allow_blank=True, required=False, max_length=300)
    recipient = serializers.CharField(allow_blank=True, required=False, max_length=300)
    subject = serializers.CharField(allow_blank=True, required=False, max_length=500)
    body = serializers.CharField(allow_blank=True, required=False)
    action = serializers.ChoiceField(choices=Communication.Action.choices, required=False, allow_blank=True)
    agency_reference = serializers.CharField(allow_blank=True, required=False, max_length=100)
    extended_to = serializers.DateField(required=False, allow_null=True)
    fee_amount = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True)
    exemptions = serializers.CharField(allow_blank=True, required=False)


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="document.id")
    name = serializers.CharField(source="document.original_name")
    kind = serializers.CharField(source="document.kind")
    size = serializers.IntegerField(source="document.size")
    sha256 = serializers.CharField(source="document.sha256")
    note = serializers.CharField()
    added_at = serializers.DateTimeField()


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    note = serializers.CharField(allow_blank=True, required=False, max_length=500)
