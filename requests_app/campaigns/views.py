from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_POST

from requests_app.agencies.forms import AgencyContactForm
from requests_app.campaigns import coverage, exports, services
from requests_app.campaigns.forms import AgencySelectionForm, CampaignForm, RenderForm
from requests_app.campaigns.models import Campaign, PacketExport
from requests_app.campaigns.packaging import campaign_zip
from requests_app.correspondence.services import fee_summary, fee_totals
from requests_app.documents.integrity import IntegrityFailure
from requests_app.letters.composer import Route
from requests_app.letters.models import LetterVersion
from requests_app.outbox.selectors import with_latest_email
from requests_app.records.models import RecordsRequest
from requests_app.records.services import items_for
from requests_app.teams.models import Organization
from requests_app.teams.permissions import editor_required, organization_required
from requests_app.workflow.campaigns import campaign_queue_emails


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("rendering"), pk=pk, organization=request.organization)


def _item_titles(*, organization: Organization, keys: Iterable[str]) -> dict[str, str]:
    """Each item key's human name, from the catalogue or the organization's own items.

    A key whose item of the organization's own has been deleted since keeps the key as its name.
    """
    keys = list(dict.fromkeys(keys))
    if not keys:
        return {}
    try:
        return {item.key: item.title for item in items_for(organization=organization, keys=keys)}
    except ValidationError:  # one unknown key refuses the lot: look them up one by one
        titles = {}
        for key in keys:
            try:
                titles[key] = items_for(organization=organization, keys=[key])[0].title
            except ValidationError:
                titles[key] = key
        return titles


def _with_item_titles(campaigns: list[Campaign], organization: Organization) -> list[Campaign]:
    """Sets ``item_titles`` on each campaign, for the page to show instead of the keys."""
    titles = _item_titles(organization=organization, keys=(k for c in campaigns for k in c.item_keys))
    for campaign in campaigns:
        campaign.item_titles = [titles.get(k, k) for k in campaign.item_keys]
    return campaigns


@organization_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = list(Campaign.objects.filter(organization=request.organization).select_related("rendering"))
    return render(request, "campaigns/campaign_list.html",
                  {"campaigns": _with_item_titles(campaigns, request.organization)})


@editor_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    selection = AgencySelectionForm(request.POST or None, request.FILES or None, prefix="pick",
                                    organization=request.organization)
    form = CampaignForm(request.POST or None, organization=request.organization, prefix="terms",
                        search_step=selection.search_step)
    if request.method == "POST" and form.is_valid() and selection.is_valid():
        chosen = services.agencies_for_selection(selection.cleaned_data)
        if not chosen.agencies:
            selection.add_error(None, "No agency matched: " + ("; ".join(chosen.problems) or "change the selection."))
        else:
            campaign = _create(request, form.cleaned_data, chosen)
            return redirect("campaign-detail", campaign.pk)
    return render(request, "campaigns/campaign_new.html", {"form": form, "selection": selection})


@transaction.atomic
def _create(request: HttpRequest, terms: dict, chosen: services.CsvSelection) -> Campaign:
    campaign = services.campaign_create(
        organization=request.organization, user=request.user, title=terms["title"], item_keys=terms["items"],
        date_from=terms["date_from"], date_to=terms["date_to"], fee_cap=terms["fee_cap"],
    )
    result = services.campaign_add_agencies(campaign=campaign, agencies=chosen.agencies, user=request.user,
                                            today=timezone.localdate())
    messages.success(request, f"Campaign created with {len(result.created)} draft request(s).")
    for problem in chosen.problems:
        messages.warning(request, f"Not added: {problem}")
    return campaign


@editor_required
@require_POST
def campaign_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    selection = AgencySelectionForm(request.POST, request.FILES, prefix="pick", organization=request.organization)
    if selection.search_step:  # without JavaScript: the campaign page again, with the agencies found
        return render_detail(request, campaign, selection=selection)
    if not selection.is_valid():
        messages.error(request, "Check the agency selection: " + "; ".join(
            e for errors in selection.errors.values() for e in errors))
        return redirect("campaign-detail", pk)
    chosen = services.agencies_for_selection(selection.cleaned_data)
    result = services.campaign_add_agencies(campaign=campaign, agencies=chosen.agencies, user=request.user,
                                            today=timezone.localdate())
    messages.success(request, f"Added {len(result.created)} agency(ies); {len(result.existing)} already in the campaign.")
    for problem in chosen.problems:
        messages.warning(request, f"Not added: {problem}")
    return redirect("campaign-detail", pk)


# The needs-contact list shows this many agencies a page, each with its inline contact form.
NEEDS_CONTACT_PAGE = 25


@organization_required
def campaign_detail(request: HttpRequest, pk: int, selection: AgencySelectionForm | None = None) -> HttpResponse:
    """``selection``: the "Add agencies" form as campaign_add's search step shows it again."""
    return render_detail(request, _campaign(request, pk), selection=selection)


def render_detail(request: HttpRequest, campaign: Campaign, *, bound: AgencyContactForm | None = None,
                  needs_page: int | None = None, selection: AgencySelectionForm | None = None) -> HttpResponse:
    """The campaign page; ``bound`` is an agency's contact form sent with errors, shown at its
    row on ``needs_page`` of the needs-contact list."""
    if selection is None:
        selection = AgencySelectionForm(prefix="pick", organization=request.organization)
    campaign = _with_item_titles([campaign], request.organization)[0]
    latest_first = Prefetch("letters", queryset=LetterVersion.objects.order_by("-number").only("request_id", "number"))
    requests = (
        with_latest_email(coverage.with_contact_route(campaign.requests.all()), kind=RecordsRequest.email_kind)
        .select_related("agency__jurisdiction__parent")
        .prefetch_related(latest_first, "fees")
        .order_by("agency__jurisdiction__code", "agency__name")
    )
    shown_route = request.GET.get("contact", "")
    shown_route = shown_route if shown_route in {r.value for r in Route} else ""
    shown = list(coverage.of_route(requests, Route(shown_route)) if shown_route else requests)
    page_of = coverage.page_of_agencies(campaign, per_page=NEEDS_CONTACT_PAGE)
    for r in shown:
        r.needs_page = page_of.get(r.agency_id)  # the needs-contact page with its row
    needs = Paginator(coverage.needing_contact(campaign).prefetch_related(latest_first), NEEDS_CONTACT_PAGE)
    needs_page = needs.get_page(needs_page or request.GET.get("needs"))
    left_to_send = services.left_to_send(campaign)
    for unsent in (u for group in left_to_send for u in group.letters):
        unsent.request.needs_page = page_of.get(unsent.request.agency_id)
    context = {
        "campaign": campaign,
        "requests": shown,
        "shown_route": shown_route,
        "fees": fee_totals([fee_summary(list(r.fees.all())) for r in requests]),
        **_residency_context(campaign),
        "selection": selection,
        "render_form": RenderForm(),
        "rendering": campaign.rendering_or_idle.active,
        "packet_export": campaign.packet_exports.first(),
        "coverage": coverage.campaign_coverage(campaign),
        "needs_page": needs_page,
        "needs_rows": _needs_rows(request, needs_page, bound),
        "left_to_send": left_to_send,
        "left_count": sum(len(group.letters) for group in left_to_send),
    }
    return render(request, "campaigns/campaign_detail.html", context)


def contact_form_prefix(agency_id: int) -> str:
    return f"contact-{agency_id}"  # so each row's fields have their own ids on the page


def _needs_rows(request: HttpRequest, page, bound: AgencyContactForm | None) -> list[tuple]:
    """(request, its agency's contact form) per row; viewers get no forms."""
    if not request.membership.can_edit:
        return [(r, None) for r in page]
    today = timezone.localdate()
    rows = []
    for r in page:
        if bound is not None and bound.prefix == contact_form_prefix(r.agency_id):
            rows.append((r, bound))
        else:
            rows.append((r, AgencyContactForm(initial=AgencyContactForm.initial_for(r.agency, today=today), today=today,
                                              prefix=contact_form_prefix(r.agency_id))))
    return rows


def _residency_context(campaign) -> dict:
    warnings = services.residency_warnings(campaign)
    return {"warnings": warnings, "residency_grounds": services.residency_grounds(warnings)}


@editor_required
@require_POST
def campaign_render(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    form = RenderForm(request.POST)
    acknowledged = form.is_valid() and form.cleaned_data["acknowledge_residency"]
    if services.residency_warnings(campaign) and not acknowledged:
        messages.error(request, "Some agencies may only answer residents: read the warnings and tick the confirmation.")
        return redirect("campaign-detail", pk)
    basis = (form.cleaned_data.get("residency_basis") if form.is_valid() else "") or "citizen"
    services.campaign_start_rendering(campaign=campaign, acknowledge_residency=acknowledged, residency_basis=basis)
    messages.success(request, "Rendering the letters; the progress bar below follows it.")
    return redirect("campaign-detail", pk)


@organization_required
def campaign_progress(request: HttpRequest, pk: int) -> JsonResponse:
    campaign = _campaign(request, pk)
    return JsonResponse({
        "state": campaign.render_state or "idle",
        "done": campaign.render_done,
        "failed": campaign.render_failed,
        "total": campaign.render_total,
        "percent": campaign.render_percent,
        "summary": campaign.render_summary,
        "errors": campaign.render_failure_lines,
    })


@organization_required
def campaign_download(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    try:
        packed = campaign_zip(campaign)
    except IntegrityFailure as exc:
        messages.error(request, f"Download stopped: {exc}. The stored file may have been altered.")
        return redirect("campaign-detail", pk)
    filename = f"{campaign.slug}-letters.zip"
    return FileResponse(packed.file, as_attachment=True, filename=filename, content_type="application/zip")


# Evidence packets: exporting is reading, so any member may start one (a POST: it starts work).


def _export(request: HttpRequest, pk: int, export_id: int) -> PacketExport:
    return get_object_or_404(PacketExport.objects.select_related("campaign", "requested_by"), pk=export_id,
                             campaign__pk=pk, campaign__organization=request.organization)


@organization_required
@require_POST
def campaign_packets(request: HttpRequest, pk: int) -> HttpResponse:
    export, started = exports.packet_export_start(campaign=_campaign(request, pk), user=request.user)
    if started:
        messages.success(request, "Packing the evidence packets; this page follows it and offers the ZIP when done.")
    else:
        messages.info(request, "These packets are already being packed: this page follows that export.")
    return redirect("campaign-packet-export", pk, export.pk)


@organization_required
def packet_export_page(request: HttpRequest, pk: int, export_id: int) -> HttpResponse:
    export = _export(request, pk, export_id)
    return render(request, "campaigns/packet_export.html", {"export": export, "campaign": export.campaign})


@organization_required
def packet_export_progress(request: HttpRequest, pk: int, export_id: int) -> JsonResponse:
    export = _export(request, pk, export_id)
    return JsonResponse({"state": export.state, "done": export.done, "total": export.total,
                         "percent": export.percent, "summary": export.summary, "error": export.error})


@organization_required
def packet_export_download(request: HttpRequest, pk: int, export_id: int) -> HttpResponse:
    export = _export(request, pk, export_id)
    if export.state != PacketExport.State.DONE or not export.file:
        raise Http404("These packets are not ready yet.")
    filename = f"{export.campaign.slug}-packets-{timezone.localtime(export.created_at):%Y-%m-%d}.zip"
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=filename,
                        content_type="application/zip")


@editor_required
@require_POST
def campaign_send(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    result = campaign_queue_emails(campaign=campaign, user=request.user)
    messages.success(request, f"Queued {len(result.queued)} letter{pluralize(len(result.queued))} for email.")
    left = {unsent.request.pk for group in services.left_to_send(campaign) for unsent in group.letters}
    if left:
        messages.info(request, f"{len(left)} finalised letter{pluralize(len(left))} cannot be emailed: no records "
                               "email is known. “Left to send” below lists each with its PDF and how it can go.")
    if unfinalised := len(result.unfinalised):
        messages.warning(request, f"{unfinalised} letter{pluralize(unfinalised)} not finalised yet: generate the PDFs, "
                                  "then email them.")
    told = left | {r.pk for r in result.unfinalised}
    for req, reason in result.skipped:
        if req.pk not in told:  # being sent already, say
            messages.warning(request, f"{req.tracking} {req.agency.name}: {reason}")
    return redirect("campaign-detail", pk)
