from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from requests_app.agencies import contacts
from requests_app.agencies.forms import DirectoryFilterForm
from requests_app.agencies.models import Agency, AlprVendor, VendorEvidence
from requests_app.agencies.pickers import PickerItem
from requests_app.agencies.selectors import agency_detail, agency_matches, agency_search
from requests_app.laws.services import residency_warning_for
from requests_app.teams.permissions import organization_required

PAGE_SIZE = 50
PICKER_LIMIT, PICKER_MAX_LIMIT = 20, 50


@organization_required
def agency_list(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    page = Paginator(agency_search(form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "filter_query": query.urlencode()}
    return render(request, "agencies/agency_list.html", context)


@organization_required
def agency_search_json(request: HttpRequest) -> JsonResponse:
    """The directory search for the agency pickers: ``?q=`` and ``limit`` (1 to 50, default 20).

    The best matches first, and ``more`` when others match too; a blank query finds none.
    """
    limit = request.GET.get("limit", "").strip() or str(PICKER_LIMIT)
    if not limit.isdigit() or not 1 <= int(limit) <= PICKER_MAX_LIMIT:
        return JsonResponse({"error": f"limit must be a whole number from 1 to {PICKER_MAX_LIMIT}."}, status=400)
    matches = agency_matches(query=request.GET.get("q", ""), limit=int(limit))
    results = [PickerItem.of(agency).as_json() for agency in matches.agencies]
    return JsonResponse({"query": matches.query, "results": results, "more": matches.more})


@organization_required
def agency_page(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        agency = agency_detail(pk=pk)
    except Agency.DoesNotExist:
        raise Http404("No such agency") from None
    law = agency.jurisdiction.governing_law()
    changes = contacts.provenance_changes(agency)
    facts = contacts.contact_facts(agency, changes)
    context = {
        "agency": agency,
        "contact_facts": facts,
        "contact_to_verify": any(f.to_verify for f in facts),
        "contact_changes": changes[:contacts.RECENT_CHANGES],
        "vendors": _vendors_with_evidence(agency),
        "law": law,
        "response": law.response_deadline if law else None,
        "residency_warning": (
            residency_warning_for(law=law, organization=request.organization) if law else None
        ),
    }
    return render(request, "agencies/agency_detail.html", context)


def _vendors_with_evidence(agency: Agency) -> list[tuple[AlprVendor, list[VendorEvidence]]]:
    """Each of the agency's vendors with the evidence that it uses them, in one query."""
    evidence = VendorEvidence.objects.filter(agency=agency).select_related("vendor").order_by("vendor__name", "source")
    by_vendor: dict[int, tuple[AlprVendor, list[VendorEvidence]]] = {}
    for row in evidence:
        by_vendor.setdefault(row.vendor_id, (row.vendor, []))[1].append(row)
    for vendor in agency.vendors.all():  # a vendor set in the admin may have no evidence yet
        by_vendor.setdefault(vendor.pk, (vendor, []))
    return sorted(by_vendor.values(), key=lambda pair: pair[0].name)
