from django.contrib import admin

from requests_app.outbox.models import Email


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    """Read-only: what was sent is a record; a new send is asked for from the page that owns it."""

    list_display = ["created_at", "kind", "target_id", "subject", "state", "attempts", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["subject", "message_id", "to"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
