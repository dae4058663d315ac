from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from requests_app.outbox.selectors import with_latest_email

from requests_app.records.models import (
    BulkJob,
    CustomItem,
    RecordsRequest,
    RequestEvent,
    RequestItem,
    StatusChange,
    Tag,
    TrackingCounter,
)


class RequestItemInline(admin.TabularInline):
    model = RequestItem
    extra = 0


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "changed_by", "changed_at", "reason"]
    can_delete = False


@admin.register(RecordsRequest)
class RecordsRequestAdmin(admin.ModelAdmin):
    list_display = ["tracking", "agency", "organization", "status", "owner", "sent_at", "send_state"]
    list_filter = ["status", "sent_via", "reminders_paused"]
    search_fields = ["tracking", "title", "agency__name", "organization__name"]
    list_select_related = ["agency", "organization", "owner"]
    autocomplete_fields = ["agency", "organization", "campaign", "created_by", "owner", "tags"]
    readonly_fields = ["tracking", "status", "email_message_id"]
    inlines = [RequestItemInline, StatusChangeInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RecordsRequest]:
        return with_latest_email(super().get_queryset(request), kind=RecordsRequest.email_kind)


@admin.register(CustomItem)
class CustomItemAdmin(admin.ModelAdmin):
    list_display = ["title", "key", "organization"]
    search_fields = ["title", "key"]


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["request", "from_status", "to_status", "changed_by", "changed_at"]
    list_select_related = ["request", "changed_by"]
    readonly_fields = ["request", "from_status", "to_status", "changed_by", "changed_at", "reason"]


@admin.register(RequestItem)
class RequestItemAdmin(admin.ModelAdmin):
    list_display = ["request", "position", "key", "title"]
    search_fields = ["request__tracking", "key"]


@admin.register(TrackingCounter)
class TrackingCounterAdmin(admin.ModelAdmin):
    list_display = ["year", "last"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "organization"]
    list_select_related = ["organization"]
    search_fields = ["name"]


@admin.register(RequestEvent)
class RequestEventAdmin(admin.ModelAdmin):
    """Read-only: the history records what happened; editing it would falsify it."""

    list_display = ["request", "occurred_at", "kind", "actor", "summary"]
    list_filter = ["kind"]
    list_select_related = ["request__agency", "actor"]
    search_fields = ["request__tracking", "summary"]
    readonly_fields = ["request", "actor", "occurred_at", "kind", "summary"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(BulkJob)
class BulkJobAdmin(admin.ModelAdmin):
    list_display = ["pk", "action", "organization", "created_by", "state", "handled", "created_at"]
    list_filter = ["action", "state"]
    readonly_fields = ["request_ids", "done", "skipped", "created_at", "updated_at"]
