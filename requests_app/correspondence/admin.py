from django.contrib import admin

from requests_app.correspondence.models import Communication, Fee


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
