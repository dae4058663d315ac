"""Creating campaigns, choosing their agencies and rendering their letters."""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from requests_app.agencies.models import Agency, name_key
from requests_app.agencies.selectors import DirectoryFilters, agency_search
from requests_app.agencies.sets import agencies_in_set
from requests_app.campaigns.coverage import with_contact_route
from requests_app.campaigns.models import Campaign, CampaignRendering, RenderState
from requests_app.jobs.models import ACTIVE
from requests_app.jobs.registry import Kind, Parts, chunked, register
from requests_app.jobs.services import job_enqueue
from requests_app.laws.services import residency_bases
from requests_app.letters.composer import Route
from requests_app.letters.drafts import letter_address_outdated, request_readdress_letter, requests_create
from requests_app.letters.inputs import residency_warning_of
from requests_app.letters.models import LetterVersion
from requests_app.letters.services import (
    CannotFinalise, ResidencyNotAcknowledged, letter_finalise, letter_is_current,
)
from requests_app.records.channels import without_email
from requests_app.records.models import RecordsRequest, Status
from requests_app.records.services import check_date_range, items_for
from requests_app.teams.models import Organization, User

RENDER_CHUNK = 25
logger = logging.getLogger(__name__)


@dataclass
class AddResult:
    created: list[RecordsRequest] = field(default_factory=list)
    existing: list[RecordsRequest] = field(default_factory=list)


@dataclass
class CsvSelection:
    agencies: list[Agency] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def campaign_create(
    *,
    organization: Organization,
    user: User,
    title: str,
    item_keys: list[str],
    date_from: date | None = None,
    date_to: date | None = None,
    fee_cap: Decimal = Decimal(50),
    slug: str | None = None,
) -> Campaign:
    items_for(organization=organization, keys=item_keys)  # validates the keys
    check_date_range(date_from, date_to)
    return Campaign.objects.create(
        organization=organization,
        title=title,
        slug=slug or _unique_slug(organization, title),
        item_keys=list(item_keys),
        date_from=date_from,
        date_to=date_to,
        fee_cap=fee_cap,
        created_by=user,
    )


def _unique_slug(organization: Organization, title: str) -> str:
    base = slugify(title)[:70] or "campaign"
    slug, n = base, 2
    while Campaign.objects.filter(organization=organization, slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def campaign_add_agencies(*, campaign: Campaign, agencies: list[Agency], user: User, today: date) -> AddResult:
    """One draft request per agency, all written together; agencies already in the campaign
    (or named twice) are not asked twice."""
    items = items_for(organization=campaign.organization, keys=campaign.item_keys)
    existing = {r.agency_id: r for r in campaign.requests.all()}
    fresh = list({agency.pk: agency for agency in agencies if agency.pk not in existing}.values())
    created = requests_create(
        organization=campaign.organization, agencies=fresh, user=user, title=campaign.title, items=items,
        date_from=campaign.date_from, date_to=campaign.date_to, fee_cap=campaign.fee_cap, campaign=campaign,
        today=today,
    )
    result = AddResult(created=created)
    known = {**existing, **{r.agency_id: r for r in created}}
    seen: set[int] = set()
    for agency in agencies:
        if agency.pk in existing or agency.pk in seen:
            result.existing.append(known[agency.pk])
        seen.add(agency.pk)
    return result


def agencies_from_csv(data: bytes) -> CsvSelection:
    """Agencies named in a CSV with a `name` column and an optional `state` column."""
    selection = CsvSelection()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        selection.problems.append(f"the file is not UTF-8 (byte {exc.start}); save it as UTF-8")
        return selection
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = {(c or "").strip().casefold(): c for c in reader.fieldnames or []}
    if "name" not in columns:
        selection.problems.append(f"no 'name' column (found: {', '.join(columns) or 'nothing'})")
        return selection
    for row in reader:
        _match_row(selection, reader.line_num, (row.get(columns["name"]) or "").strip(),
                   (row.get(columns.get("state", ""), "") or "").strip().upper())
    return selection


def _match_row(selection: CsvSelection, line: int, name: str, state: str) -> None:
    if not name:
        return
    matches = Agency.objects.filter(name_key=name_key(name)).select_related("jurisdiction")
    if state:
        matches = matches.filter(jurisdiction__code=state)
    found = list(matches[:2])
    if len(found) == 1:
        selection.agencies.append(found[0])
    elif not found:
        selection.problems.append(f"line {line}: no agency named {name!r}" + (f" in {state}" if state else ""))
    else:
        selection.problems.append(f"line {line}: {name!r} matches agencies in several states; add a state column")


# Rendering --------------------------------------------------------------------------


def campaign_drafts(campaign: Campaign) -> QuerySet[RecordsRequest]:
    return campaign.requests.filter(status=Status.DRAFT).order_by("pk")


WITH_LAW = ("agency__jurisdiction__law", "agency__jurisdiction__parent__law", "organization__home_state")


def residency_warnings(campaign: Campaign) -> list[tuple[RecordsRequest, str]]:
    drafts = campaign_drafts(campaign).select_related(*WITH_LAW)
    return [(r, w) for r in drafts if (w := residency_warning_of(r))]


def residency_grounds(warnings: list[tuple[RecordsRequest, str]]) -> list[tuple[str, list[str]]]:
    """(ground, the states whose law accepts it) over the residents-only letters of a
    campaign, "citizen" first: what the page offers the letters to state."""
    grounds: dict[str, set[str]] = {}
    for request, _ in warnings:
        law = request.agency.jurisdiction.governing_law()
        for basis in residency_bases(law) if law else []:
            grounds.setdefault(basis, set()).add(law.jurisdiction.name)
    return [(basis, sorted(states)) for basis, states in grounds.items()]


def campaign_start_rendering(*, campaign: Campaign, acknowledge_residency: bool,
                             residency_basis: str = "citizen") -> Campaign:
    """Queues the finalising of every draft's letter. ``residency_basis`` is the ground the
    letters to residents-only jurisdictions state; a letter whose law does not accept it is
    listed as a failure, never stated on another ground."""
    if campaign.render_state in ACTIVE:
        return campaign
    rendering, _ = CampaignRendering.objects.update_or_create(campaign=campaign, defaults={
        "state": RenderState.QUEUED, "total": campaign_drafts(campaign).count(), "handled": 0, "rendered": 0,
        "failures": [], "error": "", "claimed_at": None, "started_at": None, "finished_at": None,
        "acknowledged_residency": acknowledge_residency, "residency_basis": residency_basis,
    })
    job_enqueue(rendering)
    campaign.refresh_from_db()
    return campaign


def render_split(rendering: CampaignRendering) -> list[list[int]]:
    """The campaign's drafts, in parts of RENDER_CHUNK that workers render side by side."""
    ids = list(campaign_drafts(rendering.campaign).values_list("pk", flat=True))
    return chunked(ids, RENDER_CHUNK)


@dataclass(frozen=True)
class Rendered:
    """What a part's worker did: how many letters it finalised, and the ones it could not."""

    rendered: int
    failures: list[dict]


def render_part(rendering: CampaignRendering, ids: list[int]) -> Rendered:
    """Finalises the letters of the drafts ``ids`` still among the campaign's drafts, as of
    the local day the worker runs it. Safe to run twice: an unchanged letter is reused."""
    batch = campaign_drafts(rendering.campaign).filter(pk__in=ids).select_related(*WITH_LAW)
    today = timezone.localdate()
    failures = [f for r in batch if (f := _finalise_one(r, rendering, today))]
    return Rendered(rendered=len(batch) - len(failures), failures=failures)


def _record_part(rendering: CampaignRendering, ids: list[int], outcome: Rendered) -> None:
    rendering.rendered += outcome.rendered
    rendering.handled += len(ids)
    rendering.failures = [*rendering.failures, *outcome.failures]
    rendering.state = RenderState.RUNNING


def _finish(rendering: CampaignRendering) -> None:
    rendering.failures = sorted(rendering.failures, key=lambda failure: failure["request"])  # the campaign's order
    rendering.state = _end_state(rendering)


RESIDENTS_ONLY = ("the agency's law may answer residents only — tick the confirmation under the residency "
                  "warnings and generate the PDFs again")


def _finalise_one(request: RecordsRequest, rendering: CampaignRendering, today: date) -> dict | None:
    """None once the letter is final; else the failure, one readable line for the campaign page.

    A letter nobody edited first gets the agency's current address from the directory, so
    contacts found since (inline or by a CSV import) reach the PDF; a letter finalised
    before then gets a new version, the old one kept. An edited letter is never changed."""
    campaign = rendering.campaign
    try:
        if not request.letter_edited and letter_address_outdated(request):
            request_readdress_letter(request=request, user=campaign.created_by)
        letter_finalise(
            request=request, user=campaign.created_by, today=today,
            acknowledge_residency=rendering.acknowledged_residency,
            residency_basis=rendering.residency_basis,
        )
    except ResidencyNotAcknowledged:
        reason = RESIDENTS_ONLY
    except CannotFinalise as exc:
        reason = str(exc).removeprefix(f"{request.tracking}: ")
    except Exception as exc:  # one broken letter must not stop the others; the log keeps the traceback
        logger.exception("Campaign %s: the letter of %s could not be rendered", campaign.pk, request.tracking)
        reason = (f"the PDF could not be made ({type(exc).__name__}); open the request to finalise its letter "
                  "there, or generate the PDFs again")
    else:
        return None
    return {"request": request.pk, "tracking": request.tracking, "agency": request.agency.name, "reason": reason}


def _end_state(rendering: CampaignRendering) -> str:
    """Done once every letter was tried, whatever failed; failed only when none could be made."""
    return RenderState.FAILED if rendering.failures and not rendering.rendered else RenderState.DONE


register(Kind(name="campaign_rendering", model=CampaignRendering, related=("campaign__created_by",),
              parts=Parts(split=render_split, run=render_part, record=_record_part, finish=_finish)))


# Sending ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Unsent:
    """A finalised letter the site cannot email: its PDF, and how it can go instead."""

    request: RecordsRequest
    letter: LetterVersion
    how: str


@dataclass(frozen=True)
class UnsentGroup:
    route: Route
    letters: list[Unsent]


def left_to_send(campaign: Campaign) -> list[UnsentGroup]:
    """The campaign's finalised drafts to agencies with no records email, grouped by how they
    can go: through the agency's portal, by mail, or not until a contact is known."""
    newest_first = Prefetch("letters", queryset=LetterVersion.objects.order_by("-number"))
    drafts = (
        with_contact_route(campaign_drafts(campaign).filter(agency__records_email=""))
        .select_related("agency__jurisdiction").prefetch_related(newest_first)
        .order_by("agency__jurisdiction__code", "agency__name", "pk")
    )
    groups = {route: UnsentGroup(route, []) for route in (Route.PORTAL, Route.MAIL, Route.UNKNOWN)}
    for request in drafts:
        latest = next(iter(request.letters.all()), None)
        if letter_is_current(request, latest):
            groups[Route(request.contact_route)].letters.append(Unsent(request, latest, without_email(request.agency)))
    return list(groups.values())


def agencies_for_selection(cleaned: dict) -> CsvSelection:
    """The agencies a validated AgencySelectionForm names, with any CSV problems."""
    mode = cleaned["mode"]
    if mode == "hand":
        return CsvSelection(agencies=list(cleaned["agencies"]))
    if mode == "csv":
        return agencies_from_csv(cleaned["csv_file"].read())
    if mode == "set":  # worked out now, so the campaign gets the directory's current matches
        return CsvSelection(agencies=list(agencies_in_set(cleaned["agency_set"])))
    filters = DirectoryFilters(**{k: cleaned.get(k) or "" for k in ("q", "state", "kind", "vendor")})
    return CsvSelection(agencies=list(agency_search(filters)))
