from django.contrib import admin

from requests_app.letters.models import LetterVersion


@admin.register(LetterVersion)
class LetterVersionAdmin(admin.ModelAdmin):
    """Read-only: a finalised letter never changes."""

    list_display = ["request", "number", "letter_date", "sha256", "finalised_by", "finalised_at"]
    search_fields = ["request__tracking", "sha256"]
    list_select_related = ["request", "finalised_by"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False
