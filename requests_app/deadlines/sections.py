"""The request page's deadlines sections: the clock with how it was worked out and the forms
that change it, and the timeline (templates/deadlines/_deadlines.html and _timeline.html)."""

from __future__ import annotations

from requests_app.deadlines.forms import AgencyClosedDaysForm, ExtensionForm, PersonalReminderForm
from requests_app.deadlines.models import RequestClock, Watch
from requests_app.deadlines.rules import agency_closed_days_allowed
from requests_app.deadlines.selectors import timeline
from requests_app.laws.models import PublicRecordsLaw
from requests_app.records.models import RecordsRequest
from requests_app.teams.models import User


def deadlines_section(*, request: RecordsRequest, clock: RequestClock | None, law: PublicRecordsLaw | None,
                      user: User) -> dict[str, object]:
    context: dict[str, object] = {
        "timeline": timeline(request),
        "extension_form": ExtensionForm(auto_id="extension_%s"),
        "reminder_form": PersonalReminderForm(auto_id="reminder_%s"),
        "watching": Watch.objects.filter(request=request, user=user).exists(),
    }
    if law is not None:  # the rule the due date comes from, and the agency's own closed days where the law allows them
        context["response_rule"] = law.response_deadline
        context["closed_days_allowed"] = agency_closed_days_allowed(law)
        context["closed_days_form"] = AgencyClosedDaysForm(
            auto_id="closed_%s", initial=AgencyClosedDaysForm.initial_from(clock.agency_closed_days if clock else []))
    return context
