"""An editor's decision on a records contact suggested by a reply (shown on the agency's
page): accepted into the shared directory, or rejected so it is not offered again.

A suggestion belongs to the organization whose message it came from: another
organization's is not found (404), whoever asks.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from requests_app.agencies.contacts import FIELD_LABELS
from requests_app.correspondence import suggestions
from requests_app.correspondence.models import ContactSuggestion
from requests_app.teams.permissions import editor_required


@editor_required
@require_POST
def contact_suggestion_accept(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = _of_organization(request, pk)
    try:
        change = suggestions.suggestion_accept(suggestion_id=suggestion.pk, membership=request.membership,
                                               replaces=request.POST.get("replaces", ""))
    except suggestions.SuggestionRefused as exc:
        messages.error(request, str(exc))
    else:
        label = FIELD_LABELS[suggestion.field].lower()
        messages.success(request, f"{suggestion.value} is now the {label} of {change.agency.name}, "
                                  "for every organization.")
    return _back(suggestion)


@editor_required
@require_POST
def contact_suggestion_reject(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = _of_organization(request, pk)
    try:
        suggestions.suggestion_reject(suggestion_id=suggestion.pk, membership=request.membership)
    except suggestions.SuggestionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Rejected {suggestion.value}; it will not be suggested again.")
    return _back(suggestion)


def _of_organization(request: HttpRequest, pk: int) -> ContactSuggestion:
    return get_object_or_404(ContactSuggestion, pk=pk, organization=request.organization)


def _back(suggestion: ContactSuggestion) -> HttpResponse:
    return redirect(reverse("agency-detail", args=[suggestion.agency_id]) + "#contact-suggestions")
