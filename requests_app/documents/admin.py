from django.contrib import admin

from requests_app.documents.models import Document, InboundEmail, RequestDocument


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """Read-only: documents are evidence; they come in only through the upload service."""

    list_display = ["original_name", "kind", "size", "organization", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["original_name", "sha256"]
    list_select_related = ["organization"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RequestDocument)
class RequestDocumentAdmin(admin.ModelAdmin):
    list_display = ["request", "document", "added_by", "added_at"]
    list_select_related = ["request", "document", "added_by"]


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    """Emails no organization could be told for wait here, for staff to route."""

    list_display = ["subject", "sender", "organization", "state", "received_at"]
    list_filter = ["state"]
    search_fields = ["subject", "sender", "sha256"]
    readonly_fields = ["raw", "sha256", "sender", "recipient", "subject", "matched_by"]
