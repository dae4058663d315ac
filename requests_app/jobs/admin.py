from django.contrib import admin

from requests_app.jobs.models import JobPart


@admin.register(JobPart)
class JobPartAdmin(admin.ModelAdmin):
    """Read-only: the parts of the jobs under way, for seeing where a run stands; a part is
    claimed and recorded only by the runner, and deleted once its job ends."""

    list_display = ["kind", "job_id", "index", "state", "claimed_at", "updated_at"]
    list_filter = ["kind", "state"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
