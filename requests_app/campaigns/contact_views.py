"""The campaign page's "Needs a contact" list: a contact filled in inline, and the list as a
CSV to research. The rules are those of the agency contact form (agencies.contacts)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from requests_app.agencies import contacts
from requests_app.agencies.forms import AgencyContactForm
from requests_app.agencies.models import Agency
from requests_app.campaigns import coverage
from requests_app.campaigns.models import Campaign
from requests_app.campaigns.views import NEEDS_CONTACT_PAGE, contact_form_prefix, render_detail
from requests_app.teams.permissions import editor_required, organization_required


@editor_required
@require_POST
def campaign_contact_fill(request: HttpRequest, pk: int, agency_id: int) -> HttpResponse:
    """Saves one agency's records contact from its row; with errors, the campaign page again
    with the form at that row (no JavaScript needed either way)."""
    campaign = get_object_or_404(Campaign, pk=pk, organization=request.organization)
    agency = Agency.objects.filter(pk=agency_id, pk__in=campaign.requests.values("agency")).first()
    if agency is None:
        raise Http404("This agency is not in the campaign.")
    page = coverage.page_of_agencies(campaign, per_page=NEEDS_CONTACT_PAGE).get(agency.pk)
    today = timezone.localdate()
    form = AgencyContactForm(request.POST, today=today, prefix=contact_form_prefix(agency.pk))
    if not form.is_valid() and page is None:  # someone gave it an email or portal meanwhile: no row to show
        problems = "; ".join(f"{form.fields[f].label if f in form.fields else 'Contact'}: {' '.join(e)}"
                             for f, e in form.errors.items())
        messages.error(request, f"The records contact of {agency.name} was not saved ({problems}). It has left "
                                "the list since: change it on the agency's page.")
        return redirect("campaign-detail", campaign.pk)
    if not form.is_valid():
        return render_detail(request, campaign, bound=form, needs_page=page)
    fill = coverage.campaign_contact_fill(campaign=campaign, agency=agency, edit=form.edit(),
                                          membership=request.membership)
    messages.success(request, _saved(agency, fill))
    return redirect(f"{reverse('campaign-detail', args=[campaign.pk])}?needs={page or 1}#needs-contact")


def _saved(agency: Agency, fill: coverage.ContactFill) -> str:
    changed = fill.change.changed_fields
    what = ", ".join(contacts.FIELD_LABELS[f].lower() for f in changed) if changed else "no detail changed"
    said = [f"Saved the records contact of {agency.name} ({what}); every organization's directory shows it."]
    if fill.readdressed:
        said.append(f"The draft letter of {_trackings(fill.readdressed)} now carries its address.")
    if fill.finalised:
        said.append(f"The letter of {_trackings(fill.finalised)} is final, addressed to the records custodian: it can "
                    "be sent as it is, or carry the new address once the PDFs are generated again (a new version; "
                    "the first is kept).")
    if fill.edited:
        said.append(f"The letter of {_trackings(fill.edited)} was edited by hand, so it was left as it is: update "
                    "its address on its request page (“Update the letter's address”).")
    return " ".join(said)


def _trackings(requests: list) -> str:
    return ", ".join(r.tracking for r in requests)


@organization_required
def campaign_needs_contact_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The needs-contact list to research: filled in, it comes back through the contacts import."""
    campaign = get_object_or_404(Campaign, pk=pk, organization=request.organization)
    response = HttpResponse(coverage.needs_contact_csv(campaign), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-needs-contact.csv"'
    return response

