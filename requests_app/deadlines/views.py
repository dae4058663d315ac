from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from requests_app.deadlines.clock import clock_extend, clock_set_agency_closed_days
from requests_app.deadlines.forms import AgencyClosedDaysForm, ExtensionForm, PersonalReminderForm
from requests_app.deadlines.ical import calendar_text, events_for, feed_reset, feed_revoke
from requests_app.deadlines.models import CalendarFeed, Notification, ReminderPreference, Watch
from requests_app.deadlines.reminders import personal_reminder_create
from requests_app.deadlines.rules import agency_closed_days_allowed
from requests_app.deadlines.selectors import due_board
from requests_app.records.actions import back_to_request
from requests_app.records.selectors import request_of
from requests_app.teams.permissions import editor_required, organization_required


@organization_required
def deadlines_board(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(request, "deadlines/board.html", {"board": due_board(request.organization, today), "today": today})


@editor_required
@require_POST
def log_extension(request: HttpRequest, pk: int) -> HttpResponse:
    records_request = request_of(request.organization, pk)
    form = ExtensionForm(request.POST)

    def change() -> str:
        if not form.is_valid():
            raise ValueError("Give a valid date, or none for the law's own extension.")
        clock = clock_extend(request=records_request, on=timezone.localdate(),
                             agency_date=form.cleaned_data["agency_date"], user=request.user)
        return f"Extension logged: {clock.explanation}"

    return back_to_request(request, pk, change)


@editor_required
@require_POST
def set_agency_closed_days(request: HttpRequest, pk: int) -> HttpResponse:
    records_request = request_of(request.organization, pk)

    def change() -> str:
        law = records_request.agency.jurisdiction.governing_law()
        allowed = agency_closed_days_allowed(law) if law else None
        if allowed is None:
            raise ValueError(f"The law of {records_request.agency.jurisdiction.state_name} gives an agency no "
                             "closed days of its own; the state's calendar applies.")
        form = AgencyClosedDaysForm(request.POST, designated_limit=allowed["limit"])
        if not form.is_valid():
            raise ValueError(" ".join(m for errors in form.errors.values() for m in errors))
        clock = clock_set_agency_closed_days(request=records_request, days=form.closed_days(), user=request.user)
        return f"The agency's closed days were saved. {clock.explanation}"

    return back_to_request(request, pk, change)


@organization_required
@require_POST
def remind_me(request: HttpRequest, pk: int) -> HttpResponse:
    records_request = request_of(request.organization, pk)
    form = PersonalReminderForm(request.POST)
    if form.is_valid() and form.cleaned_data["on"] >= timezone.localdate():
        personal_reminder_create(request=records_request, user=request.user, on=form.cleaned_data["on"],
                                 note=form.cleaned_data["note"])
        messages.success(request, f"You will be reminded on {form.cleaned_data['on']:%-d %B %Y}.")
    else:
        messages.error(request, "Choose a date from today on.")
    return redirect("request-detail", pk)


@organization_required
@require_POST
def toggle_watch(request: HttpRequest, pk: int) -> HttpResponse:
    records_request = request_of(request.organization, pk)
    watch, created = Watch.objects.get_or_create(request=records_request, user=request.user)
    if not created:
        watch.delete()
    messages.success(request, "You will get this request's reminders." if created else "You stopped watching it.")
    return redirect("request-detail", pk)


@organization_required
def notifications(request: HttpRequest) -> HttpResponse:
    preference, _ = ReminderPreference.objects.get_or_create(user=request.user)
    if request.method == "POST":
        if request.POST.get("delivery") in ReminderPreference.Delivery.values:
            preference.delivery = request.POST["delivery"]
            preference.save(update_fields=["delivery"])
            messages.success(request, f"Reminders: {preference.get_delivery_display().lower()}.")
        else:
            Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
        return redirect("notifications")
    items = Notification.objects.filter(user=request.user, request__organization=request.organization
                                        ).select_related("request")[:100]
    context = {"items": items, "preference": preference, "deliveries": ReminderPreference.Delivery.choices}
    return render(request, "deadlines/notifications.html", context)


@organization_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            feed_revoke(user=request.user)
            messages.success(request, "Calendar link revoked: calendars using it stop updating.")
        else:
            feed_reset(user=request.user)
            messages.success(request, "New calendar link made; any older link no longer works.")
        return redirect("calendar-settings")
    feed = CalendarFeed.objects.filter(user=request.user).first()
    url = request.build_absolute_uri(reverse("calendar-feed", args=[feed.token])) if feed else None
    return render(request, "deadlines/calendar.html", {"feed_url": url})


@login_not_required
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()
    if feed is None:
        raise Http404("No such calendar")
    text = calendar_text(events_for(feed.user), now=timezone.now())
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="recordsreq-deadlines.ics"'
    return response
