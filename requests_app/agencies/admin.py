from django.contrib import admin
from django.db import models

from requests_app.agencies.models import Agency, AlprVendor


@admin.register(AlprVendor)
class AlprVendorAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "jurisdiction", "records_email", "updated_at"]
    list_filter = ["kind", "vendors", "jurisdiction__kind"]
    search_fields = ["name", "records_email", "jurisdiction__code"]
    autocomplete_fields = ["jurisdiction", "vendors"]
    list_select_related = ["jurisdiction"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
