from django.contrib import admin

from requests_app.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "organization", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["user", "organization"]
    readonly_fields = ["prefix", "digest"]
