from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from requests_app.agencies.forms import DirectoryFilterForm
from requests_app.agencies.models import Agency
from requests_app.agencies.selectors import agency_detail, agency_search
from requests_app.laws.services import residency_warning_for
from requests_app.teams.views import organization_required

PAGE_SIZE = 50


@organization_required
def agency_list(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    page = Paginator(agency_search(form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "agencies/agency_list.html", context)


@organization_required
def agency_page(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        agency = agency_detail(pk=pk)
    except Agency.DoesNotExist:
        raise Http404("No such agency") from None
    law = agency.jurisdiction.governing_law()
    context = {
        "agency": agency,
        "law": law,
        "response": law.response_deadline if law else None,
        "residency_warning": (
            residency_warning_for(law=law, organization=request.organization) if law else None
        ),
    }
    return render(request, "agencies/agency_detail.html", context)
