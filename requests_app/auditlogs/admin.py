from django.contrib import admin

from requests_app.auditlogs.models import AuditImport, CustomTerm, HotlistEvent, RosterUser, SearchEvent, SharingRelation


@admin.register(AuditImport)
class AuditImportAdmin(admin.ModelAdmin):
    list_display = ["request", "document", "format", "state", "rows", "duplicates", "rejected", "created_at"]
    list_filter = ["state", "format"]
    list_select_related = ["request", "document"]


@admin.register(SearchEvent)
class SearchEventAdmin(admin.ModelAdmin):
    list_display = ["request", "searched_at", "organization", "reason", "categories"]
    search_fields = ["request__tracking", "organization", "reason"]
    list_select_related = ["request"]
    show_full_result_count = False


@admin.register(CustomTerm)
class CustomTermAdmin(admin.ModelAdmin):
    list_display = ["term", "category", "organization"]


@admin.register(SharingRelation)
class SharingRelationAdmin(admin.ModelAdmin):
    list_display = ["organization", "direction", "state", "kind", "request"]
    list_filter = ["kind", "direction"]
    search_fields = ["organization", "request__tracking"]
    list_select_related = ["request"]


@admin.register(HotlistEvent)
class HotlistEventAdmin(admin.ModelAdmin):
    list_display = ["request", "occurred_at", "event_type", "entity_type", "plate", "categories"]
    list_filter = ["event_type", "entity_type"]
    search_fields = ["request__tracking", "plate", "reason"]
    list_select_related = ["request"]
    show_full_result_count = False


@admin.register(RosterUser)
class RosterUserAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "role", "last_login", "request"]
    list_filter = ["role"]
    search_fields = ["request__tracking", "name", "email"]
    list_select_related = ["request"]
