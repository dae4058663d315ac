from django.contrib import admin

from requests_app.campaigns.models import Campaign, CampaignRendering, PacketExport


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "render_summary", "created_at"]
    list_filter = ["rendering__state"]
    list_select_related = ["organization", "rendering"]
    search_fields = ["title", "slug", "organization__name"]
    autocomplete_fields = ["organization", "created_by"]


@admin.register(PacketExport)
class PacketExportAdmin(admin.ModelAdmin):
    list_display = ["campaign", "state", "handled", "total", "size", "requested_by", "created_at", "updated_at"]
    list_filter = ["state"]
    search_fields = ["campaign__title", "campaign__organization__name"]
    raw_id_fields = ["campaign", "requested_by"]
    readonly_fields = ["file", "size", "sha256", "created_at", "updated_at"]

    def has_add_permission(self, request) -> bool:
        return False  # an export is started from the campaign page, which queues its worker


@admin.register(CampaignRendering)
class CampaignRenderingAdmin(admin.ModelAdmin):
    list_display = ["campaign", "state", "rendered", "handled", "total", "updated_at"]
    list_filter = ["state"]
    search_fields = ["campaign__title", "campaign__organization__name"]
    raw_id_fields = ["campaign"]
    readonly_fields = ["failures", "created_at", "updated_at"]

    def has_add_permission(self, request) -> bool:
        return False  # a rendering is started from the campaign page, which queues its worker
