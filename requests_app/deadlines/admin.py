from django.contrib import admin

from requests_app.deadlines.models import CalendarFeed, DeadlineChange, Notification, ReminderPreference, Reminder, RequestClock, Watch


@admin.register(RequestClock)
class RequestClockAdmin(admin.ModelAdmin):
    list_display = ["request", "received_on", "response_due", "paused_on", "appeal_due", "follow_up_on"]
    list_select_related = ["request"]
    search_fields = ["request__tracking"]
    readonly_fields = ["request"]


@admin.register(DeadlineChange)
class DeadlineChangeAdmin(admin.ModelAdmin):
    list_display = ["request", "event", "effective_on", "response_due", "changed_by", "changed_at"]
    list_filter = ["event"]
    list_select_related = ["request", "changed_by"]
    search_fields = ["request__tracking"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["request", "kind", "target_date", "recipient", "sent_at", "skipped"]
    list_filter = ["kind", "skipped"]
    list_select_related = ["request", "recipient"]
    search_fields = ["request__tracking"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "message", "created_at", "read_at", "emailed_at"]
    list_select_related = ["user"]


@admin.register(Watch)
class WatchAdmin(admin.ModelAdmin):
    list_display = ["request", "user"]
    list_select_related = ["request", "user"]


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "delivery"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    exclude = ["token"]
