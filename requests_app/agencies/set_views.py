"""Pages for saved agency sets; the rules are in requests_app.agencies.sets."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from requests_app.agencies import sets
from requests_app.agencies.forms import AddToSetForm, AgencySetForm
from requests_app.agencies.models import Agency, AgencySet
from requests_app.teams.permissions import editor_required, organization_required

PAGE_SIZE = 50


def _set(request: HttpRequest, pk: int) -> AgencySet:
    """The current organization's set; another organization's is 404, as if it did not exist."""
    return get_object_or_404(AgencySet, pk=pk, organization=request.organization)


def _posted(request: HttpRequest):
    """The form data of a POST, even an empty one (``request.POST or None`` would leave the form unbound)."""
    return request.POST if request.method == "POST" else None


@organization_required
def agency_set_list(request: HttpRequest) -> HttpResponse:
    agency_sets = list(sets.sets_of(request.organization))
    sizes = sets.set_sizes(agency_sets)
    for agency_set in agency_sets:
        agency_set.size = sizes[agency_set.pk]
        agency_set.described = sets.describe_filters(agency_set.filters)
    return render(request, "agencies/set_list.html", {"agency_sets": agency_sets})


@editor_required
def agency_set_new(request: HttpRequest) -> HttpResponse:
    # The directory page's "Save these filters as a set" arrives with its filters in the query.
    initial = {key: value for key, value in request.GET.items() if key in AgencySet.FILTER_KEYS}
    form = AgencySetForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            agency_set = sets.set_from_filters(membership=request.membership, name=form.cleaned_data["name"],
                                               description=form.cleaned_data["description"], filters=form.filters())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Saved the set “{agency_set.name}”.")
            return redirect("agency-set-detail", agency_set.pk)
    return render(request, "agencies/set_form.html", {"form": form, "agency_set": None})


@organization_required
def agency_set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency_set = _set(request, pk)
    agencies = sets.agencies_in_set(agency_set).prefetch_related("vendors")
    page = Paginator(agencies, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "agency_set": agency_set,
        "page": page,
        "filters": sets.describe_filters(agency_set.filters),
        "hand_picked": sets.hand_picked_ids(agency_set, page.object_list),
    }
    return render(request, "agencies/set_detail.html", context)


@editor_required
def agency_set_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agency_set = _set(request, pk)
    form = AgencySetForm(_posted(request), initial=AgencySetForm.initial_for(agency_set))
    if request.method == "POST" and form.is_valid():
        try:
            sets.agency_set_update(
                membership=request.membership, agency_set=agency_set, name=form.cleaned_data["name"],
                description=form.cleaned_data["description"], filters=sets.filters_to_store(form.filters()),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            agency_set.refresh_from_db()  # the page's title shows the name as saved
        else:
            messages.success(request, f"Saved the set “{agency_set.name}”.")
            return redirect("agency-set-detail", agency_set.pk)
    return render(request, "agencies/set_form.html", {"form": form, "agency_set": agency_set})


@editor_required
def agency_set_delete(request: HttpRequest, pk: int) -> HttpResponse:
    agency_set = _set(request, pk)
    if request.method == "POST":
        sets.agency_set_delete(membership=request.membership, agency_set=agency_set)
        messages.success(request, f"Deleted the set “{agency_set.name}”. Campaigns made from it keep their requests.")
        return redirect("agency-set-list")
    return render(request, "agencies/set_delete.html", {"agency_set": agency_set})


@editor_required
@require_POST
def agency_set_remove_agency(request: HttpRequest, pk: int, agency_id: int) -> HttpResponse:
    agency_set = _set(request, pk)
    agency = get_object_or_404(agency_set.agencies.all(), pk=agency_id)
    sets.agency_set_remove_agencies(membership=request.membership, agency_set=agency_set, agencies=[agency])
    message = f"{agency.name} is no longer picked by hand in “{agency_set.name}”."
    if sets.agencies_in_set(agency_set).filter(pk=agency.pk).exists():
        message += " It still matches the set's filters, so it stays in the set: change the filters to leave it out."
    messages.success(request, message)
    return redirect("agency-set-detail", agency_set.pk)


@editor_required
def agency_add_to_set(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_object_or_404(Agency.objects.select_related("jurisdiction__parent"), pk=pk)
    form = AddToSetForm(_posted(request), organization=request.organization)
    if request.method == "POST" and form.is_valid():
        agency_set = _add(request, form, agency)
        if agency_set is not None:
            return redirect("agency-set-detail", agency_set.pk)
    context = {
        "agency": agency,
        "form": form,
        "picked_in": sets.sets_of(request.organization).filter(agencies=agency),
    }
    return render(request, "agencies/add_to_set.html", context)


def _add(request: HttpRequest, form: AddToSetForm, agency: Agency) -> AgencySet | None:
    """Adds the agency to the chosen or a new set; None (with the form's error) if it could not."""
    agency_set = form.cleaned_data["agency_set"]
    if agency_set is None:
        try:
            agency_set = sets.agency_set_create(membership=request.membership, name=form.cleaned_data["new_name"],
                                                agencies=[agency])
        except ValidationError as exc:
            form.add_error("new_name", exc.messages)
            return None
        messages.success(request, f"Started the set “{agency_set.name}” with {agency.name}.")
        return agency_set
    if sets.agency_set_add_agencies(membership=request.membership, agency_set=agency_set, agencies=[agency]):
        messages.success(request, f"Added {agency.name} to “{agency_set.name}”.")
    else:
        messages.info(request, f"{agency.name} was already picked by hand in “{agency_set.name}”.")
    return agency_set
