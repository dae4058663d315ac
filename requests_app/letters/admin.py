from django.contrib import admin
from django.db.models import OuterRef, QuerySet
from django.http import HttpRequest

from requests_app.outbox.selectors import with_latest_email

from requests_app.letters.models import FollowUpLetter, LetterVersion


@admin.register(LetterVersion)
class LetterVersionAdmin(admin.ModelAdmin):
    """Read-only: a finalised letter never changes."""

    list_display = ["request", "number", "letter_date", "sha256", "finalised_by", "finalised_at"]
    search_fields = ["request__tracking", "sha256"]
    list_select_related = ["request", "finalised_by"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FollowUpLetter)
class FollowUpLetterAdmin(admin.ModelAdmin):
    list_display = ["request", "kind", "occasion", "finalised_at", "sent_on", "send_state"]
    list_filter = ["kind"]
    search_fields = ["request__tracking", "email_message_id"]
    list_select_related = ["request"]
    readonly_fields = ["sha256", "pdf", "finalised_at", "finalised_by", "email_message_id"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[FollowUpLetter]:
        return with_latest_email(super().get_queryset(request), kind=OuterRef("kind"))
