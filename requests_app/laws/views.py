from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from requests_app.laws.models import Jurisdiction
from requests_app.laws.selectors import jurisdiction_with_law, laws_list
from requests_app.laws.services import residency_warning_for
from requests_app.teams.views import organization_required


@organization_required
def law_list(request: HttpRequest) -> HttpResponse:
    return render(request, "laws/law_list.html", {"laws": laws_list()})


@organization_required
def law_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        jurisdiction = jurisdiction_with_law(code=code)
    except Jurisdiction.DoesNotExist:
        raise Http404("No such jurisdiction") from None
    law = jurisdiction.governing_law()
    if law is None:
        raise Http404("No law recorded for this jurisdiction")
    context = {
        "jurisdiction": jurisdiction,
        "law": law,
        "deadlines": law.deadlines.all(),
        "residency_warning": residency_warning_for(law=law, organization=request.organization),
    }
    return render(request, "laws/law_detail.html", context)

