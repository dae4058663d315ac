from django.contrib import admin

from requests_app.correspondence.models import Communication, ContactSuggestion, Fee


@admin.register(Communication)
class CommunicationAdmin(admin.ModelAdmin):
    list_display = ["request", "direction", "channel", "occurred_on", "action", "logged_by"]
    list_filter = ["direction", "channel", "action"]
    search_fields = ["request__tracking", "subject", "body"]
    list_select_related = ["request", "logged_by"]


@admin.register(Fee)
class FeeAdmin(admin.ModelAdmin):
    list_display = ["request", "kind", "amount", "occurred_on"]
    list_filter = ["kind"]
    search_fields = ["request__tracking"]
    list_select_related = ["request"]


@admin.register(ContactSuggestion)
class ContactSuggestionAdmin(admin.ModelAdmin):
    """Suggestions are decided on the agency's page, where the contact machinery records them."""

    list_display = ["agency", "organization", "field", "value", "state", "received_on"]
    list_filter = ["state", "field"]
    search_fields = ["agency__name", "value", "organization__name"]
    list_select_related = ["agency__jurisdiction", "organization"]
    readonly_fields = ["agency", "organization", "field", "value", "evidence", "vendor", "communication",
                       "source_sender", "source_subject", "received_on", "state", "decided_by", "decided_at",
                       "created_at"]

    def has_add_permission(self, request) -> bool:
        return False
