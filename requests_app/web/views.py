from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from requests_app.agencies.selectors import directory_counts
from requests_app.records.selectors import request_of
from requests_app.teams.permissions import organization_required
from requests_app.web.dashboard import STATUS_GROUPS, dashboard
from requests_app.web.request_page import request_page


@organization_required
def home(request: HttpRequest) -> HttpResponse:
    organization = request.organization
    today = timezone.localdate()
    context = {
        "today": today,
        "dashboard": dashboard(organization=organization, today=today),
        "status_groups": STATUS_GROUPS,
        "members": organization.memberships.select_related("user").order_by("user__username"),
        "directory": directory_counts(),
    }
    return render(request, "web/home.html", context)


@organization_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return request_page(request, request_of(request.organization, pk))
