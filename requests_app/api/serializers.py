from __future__ import annotations

from rest_framework import serializers
from rest_framework.reverse import reverse

from requests_app.agencies.models import Agency
from requests_app.api.fields import IdField, MoneyField, TypedDateField
from requests_app.correspondence.models import Communication
from requests_app.laws.models import LawFact, PublicRecordsLaw, StatutoryDeadline
from requests_app.letters.models import FollowUpLetter, LetterVersion
from requests_app.records.bulk import TAG_MAX_LENGTH
from requests_app.records.forms import LetterEditForm, SubmissionForm
from requests_app.records.models import RecordsRequest, SendChannel, Status
from requests_app.teams.models import User


class AgencySerializer(serializers.ModelSerializer):
    state = serializers.CharField(source="jurisdiction.code")
    vendors = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = Agency
        fields = ["id", "name", "kind", "state", "records_email", "portal_url", "mailing_address", "phone", "vendors"]


class SourcedSerializer(serializers.ModelSerializer):
    """A fact of a law with its pinpoint section, status, date verified and sources."""

    # Plain text rather than an enum: "status" names other choice sets in the schema.
    status = serializers.CharField(read_only=True, help_text='"verified" or "unverified".')

    FIELDS = ["section", "status", "verified_on", "sources"]


class DeadlineSerializer(SourcedSerializer):
    # "citation" (the section) and "confidence" (derived from the status) are the older
    # names, kept for existing clients.
    class Meta:
        model = StatutoryDeadline
        fields = ["kind", "action", "days", "day_type", "starts_from", "requires", "citation", "written_notice",
                  "confidence", *SourcedSerializer.FIELDS]


class LawFactSerializer(SourcedSerializer):
    class Meta:
        model = LawFact
        fields = ["key", "label", "text", *SourcedSerializer.FIELDS]


class LawSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    jurisdiction_name = serializers.CharField(source="jurisdiction.name")
    deadlines = DeadlineSerializer(many=True, read_only=True)
    facts = LawFactSerializer(many=True, read_only=True)
    status = serializers.CharField(read_only=True, help_text='"verified" when the act, the response deadline, '
                                   'who may request and the letter\'s timing are.')

    class Meta:
        model = PublicRecordsLaw
        fields = ["jurisdiction", "jurisdiction_name", "name", "citation", "summary", "residency_limit",
                  "appeal_route", "confidence", "status", "reviewed_on", "sources", "data_version", "deadlines",
                  "facts"]


class AgencyBriefSerializer(serializers.ModelSerializer):
    state = serializers.CharField(source="jurisdiction.code")

    class Meta:
        model = Agency
        fields = ["id", "name", "state"]


class RequestSerializer(serializers.ModelSerializer):
    agency = AgencyBriefSerializer(read_only=True)
    items = serializers.SerializerMethodField()
    response_due = serializers.SerializerMethodField()
    owner = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True,
                                               help_text="The member's user id, or null.")
    tags = serializers.SerializerMethodField()
    send_state = serializers.CharField(read_only=True,
                                       help_text="Email sending: \"\", queued, sending, sent or failed.")

    class Meta:
        model = RecordsRequest
        fields = ["id", "tracking", "title", "status", "agency", "campaign", "date_from", "date_to", "fee_cap",
                  "items", "response_due", "owner", "tags", "send_state", "sent_at", "created_at"]

    def get_items(self, obj: RecordsRequest) -> list[str]:
        return [item.key for item in obj.items.all()]

    def get_tags(self, obj: RecordsRequest) -> list[str]:
        return [tag.name for tag in obj.tags.all()]

    def get_response_due(self, obj: RecordsRequest) -> str | None:
        clock = getattr(obj, "clock", None)
        return clock.response_due.isoformat() if clock and clock.response_due else None


class RequestBriefSerializer(serializers.ModelSerializer):
    agency = AgencyBriefSerializer(read_only=True)

    class Meta:
        model = RecordsRequest
        fields = ["id", "tracking", "agency", "status"]


class RequestCreateSerializer(serializers.Serializer):
    agency = IdField(help_text="An agency's id (see /api/agencies/).")
    title = serializers.CharField(max_length=200)
    items = serializers.ListField(child=serializers.CharField(max_length=40), min_length=1,
                                  help_text="Item keys, e.g. org-audit, network-audit, sharing.")
    date_from = TypedDateField(required=False, allow_null=True)
    date_to = TypedDateField(required=False, allow_null=True)
    fee_cap = MoneyField(max_digits=8, required=False)

    def validate_agency(self, pk: int) -> Agency:
        agency = Agency.objects.filter(pk=pk).first()
        if agency is None:  # the body names it: a field to correct, not a missing URL (404)
            raise serializers.ValidationError(f"Unknown agency id {pk}. Look the agencies up in /api/agencies/.")
        return agency


class StatusChangeSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Status.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    on = TypedDateField(required=False, help_text="The day it happened (default today).")


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
    occurred_on = TypedDateField()
    sender = serializers.CharField(allow_blank=True, required=False, max_length=300)
    recipient = serializers.CharField(allow_blank=True, required=False, max_length=300)
    subject = serializers.CharField(allow_blank=True, required=False, max_length=500)
    body = serializers.CharField(allow_blank=True, required=False)
    action = serializers.ChoiceField(choices=Communication.Action.choices, required=False, allow_blank=True)
    agency_reference = serializers.CharField(allow_blank=True, required=False, max_length=100)
    extended_to = TypedDateField(required=False, allow_null=True)
    fee_amount = MoneyField(max_digits=10, required=False, allow_null=True)
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


# The letter ---------------------------------------------------------------------------


class LetterVersionSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField(help_text="The version's PDF, with the same token.")

    class Meta:
        model = LetterVersion
        fields = ["number", "sha256", "size", "letter_date", "finalised_at", "download"]

    def get_download(self, obj: LetterVersion) -> str:
        url = reverse("api-request-letter-pdf", args=[obj.request_id], request=self.context.get("request"))
        return f"{url}?version={obj.number}"


class LetterSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="The editable draft text.")
    edited = serializers.BooleanField(help_text="Whether the text was changed by hand.")
    current = serializers.BooleanField(help_text="Whether the latest finalised version has exactly the draft's text.")
    residency_warning = serializers.CharField(allow_null=True, help_text="Set when the law may only answer residents.")
    versions = LetterVersionSerializer(many=True, help_text="Finalised versions, newest first.")


class LetterEditSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=LetterEditForm.base_fields["letter_text"].max_length)


class AcknowledgeSerializer(serializers.Serializer):
    acknowledge_residency = serializers.BooleanField(
        default=False, help_text="Confirm that the signer may ask where the law answers only its residents "
        "(read residency_warning); the letter then carries the statement the law needs.")
    residency_basis = serializers.SlugField(
        max_length=40, default="citizen",
        help_text='The ground the residency statement gives: "citizen", or another the law accepts '
        '(Virginia: "media", "broadcast"; Kentucky: "media", "employed", "property", "business").')


# Sending and follow-ups ------------------------------------------------------------------


class SendSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=SendChannel.choices,
                                      help_text="email: queued to the agency's records email; portal or mail: "
                                                "record a submission made outside the app.")
    sent_on = TypedDateField(required=False, help_text="Portal or mail: the day it was submitted.")
    reference = serializers.CharField(required=False, allow_blank=True, default="",
                                      max_length=SubmissionForm.base_fields["reference"].max_length,
                                      help_text="Portal: the request or confirmation number the portal gave "
                                                "(required). Mail: a certified-mail number, if any.")
    confirm_before_letter = serializers.BooleanField(
        required=False, default=False,
        help_text="Portal or mail: record a submission dated before the letter's date (you have checked the date).")

    def validate(self, data: dict) -> dict:
        if data["channel"] != SendChannel.EMAIL and data.get("sent_on") is None:
            raise serializers.ValidationError({"sent_on": ["Give the day it was submitted, e.g. 2026-11-27."]})
        return data


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUpLetter
        fields = ["id", "kind", "occasion", "reason", "text", "drafted_at", "finalised_at", "sha256", "sent_on"]


# Bulk actions -----------------------------------------------------------------------------

BULK_MAX_IDS = 1000


class BulkSerializer(serializers.Serializer):
    """What to do (``action``) to which requests (``ids``), with the action's own fields."""

    action = serializers.CharField(help_text="What to do; the other fields depend on it.")
    ids = serializers.ListField(child=IdField(), min_length=1, max_length=BULK_MAX_IDS,
                                help_text="Request ids. Ids that are not your organization's requests are skipped.")


class BulkStatusSerializer(BulkSerializer):
    to_status = serializers.ChoiceField(choices=Status.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class BulkOwnerSerializer(BulkSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.none(), allow_null=True,
                                               help_text="A member's user id, or null for nobody.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        organization = self.context.get("organization")
        if organization is not None:
            self.fields["owner"].queryset = User.objects.filter(memberships__organization=organization)


class BulkTagSerializer(BulkSerializer):
    tag = serializers.CharField(max_length=TAG_MAX_LENGTH, help_text="The tag's name (any case).")


class BulkDoneSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tracking = serializers.CharField()


class BulkSkippedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tracking = serializers.CharField(allow_null=True, help_text="Null when the id is not one of your requests.")
    reason = serializers.CharField()


class BulkResultSerializer(serializers.Serializer):
    action = serializers.CharField()
    done = BulkDoneSerializer(many=True)
    skipped = BulkSkippedSerializer(many=True)


class BulkSendSerializer(BulkSerializer):
    acknowledge_residency = serializers.BooleanField(
        required=False, default=False,
        help_text="Render and send also where the agency's law may answer residents only (you have checked).")


class BulkOutcomeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tracking = serializers.CharField()
    text = serializers.CharField(help_text="What was done, or why the request was left alone.")


class BulkJobSerializer(serializers.Serializer):
    """A bulk action a worker runs: follow it at its ``url`` until ``state`` is done."""

    id = serializers.IntegerField()
    action = serializers.CharField()
    state = serializers.CharField()
    handled = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()
    done = serializers.SerializerMethodField()
    skipped = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_done(self, job) -> list[dict]:
        return BulkOutcomeSerializer(_outcomes(job.done), many=True).data

    def get_skipped(self, job) -> list[dict]:
        return BulkOutcomeSerializer(_outcomes(job.skipped), many=True).data

    def get_url(self, job) -> str:
        from django.urls import reverse

        path = reverse("api-bulk-job-detail", args=[job.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


def _outcomes(rows: list) -> list[dict]:
    return [{"id": pk, "tracking": tracking, "text": text} for pk, tracking, text in rows]
