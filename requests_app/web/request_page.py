"""The request page: the request, the law it runs under and its clock, and a section from each
app that has something of the request to show, each with the context its partial needs
(templates/web/request_page.html lays the partials out)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from requests_app.correspondence.forms import CommunicationForm
from requests_app.correspondence.sections import communications_section, fees_section
from requests_app.deadlines.sections import deadlines_section
from requests_app.deadlines.selectors import clock_of
from requests_app.documents.sections import documents_section
from requests_app.letters.sections import follow_ups_section, letter_section, send_section
from requests_app.records.models import RecordsRequest
from requests_app.records.sections import status_section


def request_page(request: HttpRequest, records_request: RecordsRequest, *,
                 communication_form: CommunicationForm | None = None, status: int = 200) -> HttpResponse:
    """``communication_form``: one sent back with errors, shown as it was filled, with them."""
    law = records_request.agency.jurisdiction.governing_law()
    clock = clock_of(records_request)
    context = _merged(
        {"req": records_request, "law": law, "clock": clock},
        letter_section(request=records_request, law=law),
        send_section(request, records_request),
        documents_section(request=records_request),
        communications_section(request=records_request, form=communication_form),
        follow_ups_section(request=records_request),
        status_section(records_request),
        fees_section(request=records_request),
        deadlines_section(request=records_request, clock=clock, law=law, user=request.user),
    )
    return render(request, "web/request_page.html", context, status=status)


def _merged(*sections: dict[str, object]) -> dict[str, object]:
    """One context from the sections'; a name two sections gave would leave one partial showing
    the other's value, so it is refused."""
    context: dict[str, object] = {}
    for section in sections:
        if twice := context.keys() & section.keys():
            raise ValueError(f"Two sections of the request page name {', '.join(sorted(twice))}.")
        context.update(section)
    return context
