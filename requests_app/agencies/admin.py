from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from requests_app.agencies.contacts import CONTACT_FIELDS
from requests_app.agencies.models import (
    Agency,
    AgencyAlias,
    AgencyContactChange,
    AgencySet,
    AlprVendor,
    VendorEvidence,
)
from requests_app.agencies.sets import clean_filters
from requests_app.agencies.vendors import agency_vendors_sync


@admin.register(AlprVendor)
class AlprVendorAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class AgencyAliasInline(admin.TabularInline):
    model = AgencyAlias
    extra = 0
    fields = ["name", "source"]


class VendorEvidenceInline(admin.TabularInline):
    model = VendorEvidence
    extra = 0
    fields = ["vendor", "source", "url", "detail", "as_of"]
    autocomplete_fields = ["vendor"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "jurisdiction", "ori", "in_flock_network", "fbi_match", "records_email", "updated_at"]
    list_filter = ["kind", "in_flock_network", "fbi_match", "vendors", "jurisdiction__kind"]
    search_fields = ["name", "ori", "city", "county", "flock_id", "records_email", "jurisdiction__code"]
    autocomplete_fields = ["jurisdiction"]
    list_select_related = ["jurisdiction"]
    readonly_fields = ["vendor_names", "created_at", "updated_at"]
    inlines = [AgencyAliasInline, VendorEvidenceInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "kind", "jurisdiction", "city", "county", "population", "notes"]}),
        ("Records contact", {"fields": [
            "records_email", "portal_url", "mailing_address", "phone", "contact_source_url", "contact_verified_on",
        ]}),
        ("FBI roster", {"fields": ["ori", "fbi_match"]}),
        ("Federal FOIA contacts", {"fields": ["federal_foia_office"]}),
        ("Flock network", {"fields": [
            "in_flock_network", "flock_id", "flock_portal_url", "cameras", "searches_30d", "vehicles_30d",
            "hotlist_hits_30d", "flock_stats_as_of",
        ]}),
        ("Vendors (follow the vendor evidence below)", {"fields": ["vendor_names"]}),
        ("Edits", {"fields": ["edited_fields", "created_at", "updated_at"]}),
    ]

    @admin.display(description="ALPR vendors")
    def vendor_names(self, obj: Agency) -> str:
        return ", ".join(v.name for v in obj.vendors.all()) if obj.pk else ""

    def save_model(self, request, obj: Agency, form, change: bool) -> None:
        # An edit by hand is kept from the directory loader, unless the editor set the list themselves.
        if "edited_fields" not in form.changed_data:
            obj.mark_edited(sorted(f for f in form.changed_data if f != "edited_fields"))
        super().save_model(request, obj, form, change)
        contact = [f for f in CONTACT_FIELDS if f in form.changed_data]
        if change and contact:  # in the agency's contact history, as the contact form's edits are
            AgencyContactChange.objects.create(
                agency=obj, via=AgencyContactChange.Via.ADMIN, changed_by=request.user,
                before={f: form.initial.get(f) or "" for f in contact}, after={f: getattr(obj, f) for f in contact},
                source_url=obj.contact_source_url, verified_on=obj.contact_verified_on or timezone.localdate(),
            )

    def save_related(self, request, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        agency_vendors_sync(agency=form.instance)


@admin.register(AgencyAlias)
class AgencyAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "source"]
    list_filter = ["source"]
    search_fields = ["name", "agency__name"]
    autocomplete_fields = ["agency"]
    list_select_related = ["agency__jurisdiction"]


@admin.register(VendorEvidence)
class VendorEvidenceAdmin(admin.ModelAdmin):
    list_display = ["agency", "vendor", "source", "as_of"]
    list_filter = ["source", "vendor"]
    search_fields = ["agency__name", "detail"]
    autocomplete_fields = ["agency", "vendor"]
    list_select_related = ["agency__jurisdiction", "vendor"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj: VendorEvidence, form, change: bool) -> None:
        previous = VendorEvidence.objects.filter(pk=obj.pk).select_related("agency").first() if change else None
        super().save_model(request, obj, form, change)
        agency_vendors_sync(agency=obj.agency)
        if previous and previous.agency_id != obj.agency_id:
            agency_vendors_sync(agency=previous.agency)

    def delete_model(self, request, obj: VendorEvidence) -> None:
        agency = obj.agency
        super().delete_model(request, obj)
        agency_vendors_sync(agency=agency)

    def delete_queryset(self, request, queryset) -> None:
        agencies = list(Agency.objects.filter(vendor_evidence__in=queryset).distinct())
        super().delete_queryset(request, queryset)
        for agency in agencies:
            agency_vendors_sync(agency=agency)




class AgencySetAdminForm(forms.ModelForm):
    class Meta:
        model = AgencySet
        fields = "__all__"

    def clean_filters(self) -> dict[str, object]:
        try:
            return clean_filters(self.cleaned_data.get("filters"))
        except ValidationError as exc:  # the admin has one "filters" field for them all
            raise ValidationError(exc.messages) from None


@admin.register(AgencySet)
class AgencySetAdmin(admin.ModelAdmin):
    form = AgencySetAdminForm
    list_display = ["name", "organization", "updated_at"]
    list_filter = ["organization"]
    search_fields = ["name", "organization__name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["agencies"]
    readonly_fields = ["created_by", "created_at", "updated_at"]


@admin.register(AgencyContactChange)
class AgencyContactChangeAdmin(admin.ModelAdmin):
    """The contact history is a record: it is written by the contact form and imports only."""

    list_display = ["agency", "changed_at", "changed_by", "organization", "via", "verified_on"]
    list_filter = ["via"]
    search_fields = ["agency__name", "source_url", "changed_by__username", "organization__name"]
    list_select_related = ["agency__jurisdiction", "changed_by", "organization"]
    readonly_fields = ["agency", "changed_by", "organization", "changed_at", "via", "before", "after", "source_url",
                       "source_note", "verified_on"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
