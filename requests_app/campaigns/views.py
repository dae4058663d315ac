from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from requests_app.campaigns import exports, services
from requests_app.campaigns.forms import AgencySelectionForm, CampaignForm, RenderForm
from requests_app.campaigns.models import Campaign, PacketExport
from requests_app.campaigns.packaging import campaign_zip
from requests_app.documents.integrity import IntegrityFailure
from requests_app.correspondence.services import fee_summary, fee_totals
from requests_app.letters.models import LetterVersion
from requests_app.records.services import items_for
from requests_app.teams.models import Organization
from requests_app.teams.permissions import editor_required
from requests_app.teams.views import organization_required


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    return get_object_or_404(Campaign, pk=pk, organization=request.organization)


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
    campaigns = list(Campaign.objects.filter(organization=request.organization))
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
        return campaign_detail(request, pk, selection=selection)
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


@organization_required
def campaign_detail(request: HttpRequest, pk: int, selection: AgencySelectionForm | None = None) -> HttpResponse:
    """``selection``: the "Add agencies" form as campaign_add's search step shows it again."""
    if selection is None:
        selection = AgencySelectionForm(prefix="pick", organization=request.organization)
    campaign = _with_item_titles([_campaign(request, pk)], request.organization)[0]
    latest_first = Prefetch("letters", queryset=LetterVersion.objects.order_by("-number").only("request_id", "number"))
    requests = (
        campaign.requests.select_related("agency__jurisdiction__parent")
        .prefetch_related(latest_first, "fees")
        .order_by("agency__jurisdiction__code", "agency__name")
    )
    context = {
        "campaign": campaign,
        "requests": requests,
        "fees": fee_totals([fee_summary(list(r.fees.all())) for r in requests]),
        "warnings": services.residency_warnings(campaign),
        "selection": selection,
        "render_form": RenderForm(),
        "rendering": campaign.render_state in ("queued", "running"),
        "packet_export": campaign.packet_exports.first(),
    }
    return render(request, "campaigns/campaign_detail.html", context)


@editor_required
@require_POST
def campaign_render(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    form = RenderForm(request.POST)
    acknowledged = form.is_valid() and form.cleaned_data["acknowledge_residency"]
    if services.residency_warnings(campaign) and not acknowledged:
        messages.error(request, "Some agencies may only answer residents: read the warnings and tick the confirmation.")
        return redirect("campaign-detail", pk)
    services.campaign_start_rendering(campaign=campaign, acknowledge_residency=acknowledged)
    messages.success(request, "Rendering the letters; the progress bar below follows it.")
    return redirect("campaign-detail", pk)


@organization_required
def campaign_progress(request: HttpRequest, pk: int) -> JsonResponse:
    campaign = _campaign(request, pk)
    return JsonResponse({
        "state": campaign.render_state or "idle",
        "done": campaign.render_done,
        "total": campaign.render_total,
        "percent": campaign.render_percent,
        "errors": campaign.render_error.splitlines(),
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
                         "percent": export.percent, "error": export.error})


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
    result = services.campaign_queue_emails(campaign=campaign, user=request.user)
    messages.success(request, f"{len(result.queued)} letter(s) queued for email.")
    for req, reason in result.skipped:
        messages.warning(request, f"{req.tracking} {req.agency.name}: {reason}")
    return redirect("campaign-detail", pk)
