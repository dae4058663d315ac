from django.contrib import admin

from requests_app.laws.models import Jurisdiction, LawFact, PublicRecordsLaw, StatutoryDeadline


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


class StatutoryDeadlineInline(admin.TabularInline):
    model = StatutoryDeadline
    extra = 0
    fields = ["position", "kind", "action", "days", "day_type", "starts_from", "requires", "section", "status"]


class LawFactInline(admin.TabularInline):
    model = LawFact
    extra = 0
    fields = ["position", "key", "text", "section", "status", "verified_on"]


@admin.register(PublicRecordsLaw)
class PublicRecordsLawAdmin(admin.ModelAdmin):
    list_display = ["jurisdiction", "name", "citation", "residency_limit", "status", "reviewed_on"]
    list_filter = ["status", "residency_limit"]
    search_fields = ["name", "citation", "jurisdiction__code", "jurisdiction__name"]
    inlines = [StatutoryDeadlineInline, LawFactInline]


@admin.register(StatutoryDeadline)
class StatutoryDeadlineAdmin(admin.ModelAdmin):
    list_display = ["law", "kind", "days", "day_type", "starts_from", "section", "status"]
    list_filter = ["kind", "day_type", "status"]
    search_fields = ["law__jurisdiction__code", "law__name", "requires"]
    list_select_related = ["law__jurisdiction"]


@admin.register(LawFact)
class LawFactAdmin(admin.ModelAdmin):
    list_display = ["law", "key", "section", "status", "verified_on"]
    list_filter = ["topic", "status"]
    search_fields = ["law__jurisdiction__code", "key", "text", "section"]
    list_select_related = ["law__jurisdiction"]
