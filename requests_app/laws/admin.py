from django.contrib import admin

from requests_app.laws.models import Jurisdiction, PublicRecordsLaw, StatutoryDeadline


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


class StatutoryDeadlineInline(admin.TabularInline):
    model = StatutoryDeadline
    extra = 0
    fields = ["position", "kind", "days", "day_type", "starts_from", "requires", "confidence"]


@admin.register(PublicRecordsLaw)
class PublicRecordsLawAdmin(admin.ModelAdmin):
    list_display = ["jurisdiction", "name", "citation", "residency_limit", "confidence"]
    list_filter = ["confidence", "residency_limit"]
    search_fields = ["name", "citation", "jurisdiction__code", "jurisdiction__name"]
    inlines = [StatutoryDeadlineInline]


@admin.register(StatutoryDeadline)
class StatutoryDeadlineAdmin(admin.ModelAdmin):
    list_display = ["law", "kind", "days", "day_type", "starts_from", "confidence"]
    list_filter = ["kind", "day_type", "confidence"]
    search_fields = ["law__jurisdiction__code", "law__name", "requires"]
    list_select_related = ["law__jurisdiction"]
