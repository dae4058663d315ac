from django.contrib import admin

from requests_app.campaigns.models import Campaign


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "render_state", "render_done", "render_total", "created_at"]
    list_filter = ["render_state"]
    search_fields = ["title", "slug", "organization__name"]
    autocomplete_fields = ["organization", "created_by"]
