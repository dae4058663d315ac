from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from requests_app.outbox.selectors import with_latest_email
from requests_app.teams.models import Invitation, LawCorrectionNote, Membership, Organization, User
from requests_app.workflow.law_notes import LAW_NOTE


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class RecordsUserAdmin(UserAdmin):
    pass


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "home_state", "email"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "organization__name"]
    autocomplete_fields = ["user", "organization"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "role", "invited_by", "created_at", "expires_at", "accepted_at",
                    "revoked_at"]
    list_filter = ["role"]
    search_fields = ["email", "organization__name"]
    # Only the hash of the link is stored; a working link comes from the members page.
    readonly_fields = ["token_hash", "invited_by", "created_at", "accepted_at", "accepted_by"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(LawCorrectionNote)
class LawCorrectionNoteAdmin(admin.ModelAdmin):
    list_display = ["law", "organization", "author", "fact_key", "created_at", "email"]
    list_select_related = ["law__jurisdiction", "organization", "author"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[LawCorrectionNote]:
        return with_latest_email(super().get_queryset(request), kind=LAW_NOTE)

    @admin.display(description="Email")
    def email(self, note: LawCorrectionNote) -> str:
        return note.email_state or "-"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
