"""Pages for gathering records contacts: the contact form, the needs-contact list and the
CSV import. The rules are in requests_app.agencies.contacts and contact_import.

The directory is shared, so any organization's editors may change an agency's contact;
each change records who made it, for which organization, and the source it cites.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from requests_app.agencies import contacts
from requests_app.agencies.contact_import import COLUMNS, ImportFileError, import_contacts
from requests_app.agencies.forms import AgencyContactForm, ContactImportForm, NeedsContactFilterForm
from requests_app.agencies.models import Agency
from requests_app.teams.permissions import editor_required, organization_required
from requests_app.web.needs_contact import needing_contact, needs_contact_counts

PAGE_SIZE = 50


@editor_required
def agency_contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_object_or_404(Agency.objects.select_related("jurisdiction__parent"), pk=pk)
    today = timezone.localdate()
    posted = request.POST if request.method == "POST" else None
    form = AgencyContactForm(posted, initial=AgencyContactForm.initial_for(agency, today=today), today=today)
    if posted is not None and form.is_valid():
        change = contacts.contact_update(agency=agency, edit=form.edit(), membership=request.membership)
        changed = change.changed_fields
        what = ", ".join(contacts.FIELD_LABELS[f].lower() for f in changed) if changed else "no detail changed"
        messages.success(request, f"Saved the records contact of {agency.name} ({what}).")
        return redirect(_next_page(request) or reverse("agency-detail", args=[agency.pk]))
    context = {"agency": agency, "form": form, "changes": contacts.recent_changes(agency), "next": _next_page(request)}
    return render(request, "agencies/contact_form.html", context)


def _next_page(request: HttpRequest) -> str:
    """The page of this site to go back to once the contact is saved (a request's send step, say)."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure())
    return wanted if safe and wanted.startswith("/") else ""


@organization_required
def needs_contact(request: HttpRequest) -> HttpResponse:
    form = NeedsContactFilterForm(request.GET or None)
    filters = form.filters()
    agencies = needing_contact(filters=filters, organization=request.organization)
    page = Paginator(agencies, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(),
               "counts": needs_contact_counts(filters=filters, organization=request.organization)}
    return render(request, "agencies/needs_contact.html", context)


@editor_required
def contacts_import(request: HttpRequest) -> HttpResponse:
    form = ContactImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = import_contacts(data=form.cleaned_data["file"].read(), membership=request.membership,
                                     today=timezone.localdate())
        except ImportFileError as exc:
            form.add_error("file", f"{exc}; nothing was imported.")
    return render(request, "agencies/contact_import.html", {"form": form, "report": report, "columns": COLUMNS})
