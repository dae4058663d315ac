"""Campaigns in the API: one request definition sent to many agencies."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from rest_framework import serializers

from requests_app.agencies.models import Agency
from requests_app.api.fields import IdField, MoneyField, TypedDateField
from requests_app.api.serializers import RequestBriefSerializer
from requests_app.campaigns.models import Campaign
from requests_app.records.services import check_date_range, items_for


class RenderProgressSerializer(serializers.Serializer):
    """Where the rendering of the campaign's letters is (as the campaign page's progress bar)."""

    state = serializers.SerializerMethodField(
        help_text="idle, queued, running, done (every letter tried, some may have failed) or failed (none made).")
    done = serializers.IntegerField(source="render_done", help_text="Letters rendered in this run.")
    failed = serializers.IntegerField(source="render_failed", help_text="Letters that could not be finalised.")
    total = serializers.IntegerField(source="render_total")
    percent = serializers.IntegerField(source="render_percent", help_text="Letters tried, of the total.")
    summary = serializers.CharField(source="render_summary", help_text='e.g. "Done: 28 rendered, 1 failed".')
    errors = serializers.ListField(source="render_failure_lines", child=serializers.CharField(),
                                   help_text="One line per letter that could not be finalised, naming the "
                                   "agency, the request and why.")

    def get_state(self, obj: Campaign) -> str:
        return obj.render_state or "idle"


class CampaignSerializer(serializers.ModelSerializer):
    requests = serializers.IntegerField(source="request_count", read_only=True, help_text="How many requests.")
    render = RenderProgressSerializer(source="*", read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "title", "slug", "item_keys", "date_from", "date_to", "fee_cap", "created_at", "requests",
                  "render"]


class CampaignDetailSerializer(CampaignSerializer):
    request_list = RequestBriefSerializer(source="listed_requests", many=True, read_only=True,
                                          help_text="The campaign's requests, by state and agency.")

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "request_list"]


class AgencyIdsSerializer(serializers.Serializer):
    agencies = serializers.ListField(child=IdField(), min_length=1,
                                     help_text="Agency ids (see /api/agencies/); one draft request each.")

    def validate_agencies(self, ids: list[int]) -> list[Agency]:
        ids = list(dict.fromkeys(ids))
        found = Agency.objects.in_bulk(ids)
        unknown = [str(pk) for pk in ids if pk not in found]
        if unknown:
            raise serializers.ValidationError(
                f"Unknown agency id(s): {', '.join(unknown)}. Look the agencies up in /api/agencies/.")
        return [found[pk] for pk in ids]


class CampaignCreateSerializer(AgencyIdsSerializer):
    """Checked with the services' own rules, so each message lands on its field."""

    title = serializers.CharField(max_length=Campaign._meta.get_field("title").max_length)
    item_keys = serializers.ListField(child=serializers.CharField(max_length=40), min_length=1,
                                      help_text="Item keys, e.g. org-audit, network-audit, sharing.")
    date_from = TypedDateField(required=False, allow_null=True)
    date_to = TypedDateField(required=False, allow_null=True)
    fee_cap = MoneyField(max_digits=8, required=False,
                         help_text="Above this amount (USD) the agency is asked to check first; default 50.")

    def validate_item_keys(self, keys: list[str]) -> list[str]:
        try:
            items_for(organization=self.context["organization"], keys=keys)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        return keys

    def validate(self, data: dict) -> dict:
        try:
            check_date_range(data.get("date_from"), data.get("date_to"))
        except ValidationError as exc:
            raise serializers.ValidationError({"date_to": exc.messages}) from None
        return data


class AddedSerializer(serializers.Serializer):
    created = RequestBriefSerializer(many=True, help_text="A new draft request per agency.")
    existing = RequestBriefSerializer(many=True, help_text="Agencies already in the campaign: not asked twice.")


class SkippedRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tracking = serializers.CharField()
    reason = serializers.CharField()


class CampaignSendSerializer(serializers.Serializer):
    queued = RequestBriefSerializer(many=True, help_text="Queued to be emailed to the agency.")
    skipped = SkippedRequestSerializer(many=True, help_text="Drafts not sent, with the reason.")
