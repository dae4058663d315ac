from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from requests_app.teams.forms import LetterheadForm, OrganizationCreateForm
from requests_app.teams.middleware import SESSION_KEY
from requests_app.teams.models import Membership, Organization
from requests_app.teams.permissions import owner_required
from requests_app.teams.services import letterhead_update, membership_for_switch, organization_create


@require_POST
def organization_switch(request: HttpRequest) -> HttpResponse:
    try:
        membership = membership_for_switch(
            user=request.user, organization_id=int(request.POST.get("organization", ""))
        )
    except (ValueError, Membership.DoesNotExist):
        raise Http404("You are not a member of that organization.") from None
    request.session[SESSION_KEY] = membership.organization_id
    messages.success(request, f"Now working in {membership.organization.name}.")
    return redirect("home")


def organization_new(request: HttpRequest) -> HttpResponse:
    form = OrganizationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization = organization_create(owner=request.user, **form.cleaned_data)
        request.session[SESSION_KEY] = organization.pk
        messages.success(request, f"Created {organization.name}. Add your letterhead next.")
        return redirect("letterhead")
    return render(request, "teams/organization_new.html", {"form": form})


@owner_required
def letterhead(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    # A copy, so that an invalid form never shows its rejected values in the page header.
    organization = Organization.objects.get(pk=membership.organization_id)
    form = LetterheadForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        letterhead_update(membership=membership, values=form.cleaned_data)
        messages.success(request, "Letterhead saved.")
        return redirect("home")
    return render(request, "teams/letterhead.html", {"form": form, "can_manage": membership.can_manage})
