"""Many demo requests at once, spread over the lifecycle with deadlines around today,
for demos and benchmarks, written with bulk inserts.

Around the requests come the other rows a busy team has, in the proportions a real one
would: a few campaigns, owners and tags, and for each sent request what its status says
happened since it went out (activity.py tells it, history.py writes it: replies, fees,
released documents, status history, the clock they leave). Only the campaigns, tags and
released documents, a few of each whatever the count, are made one at a time.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import F

from requests_app.agencies.models import Agency
from requests_app.campaigns.models import Campaign
from requests_app.campaigns.services import campaign_create
from requests_app.demo import activity, files, history
from requests_app.letters.composer import compose_letter
from requests_app.letters.inputs import letter_input_for
from requests_app.records.bulk import tag_for
from requests_app.records.models import RecordsRequest, RequestItem, SendChannel, Status, Tag, TrackingCounter
from requests_app.records.services import items_for
from requests_app.teams.models import Organization, Role, User

DEMO_TITLE = "ALPR records (demo)"
ITEM_KEYS = ["org-audit", "network-audit", "sharing"]
# Share of each status among seeded requests.
SPREAD: list[tuple[Status, int]] = [
    (Status.DRAFT, 10), (Status.SUBMITTED, 25), (Status.ACKNOWLEDGED, 15), (Status.PROCESSING, 15),
    (Status.NEEDS_CLARIFICATION, 5), (Status.FEE_REQUESTED, 5), (Status.PARTIALLY_FULFILLED, 5),
    (Status.FULFILLED, 8), (Status.NO_RECORDS, 3), (Status.DENIED, 5), (Status.APPEALED, 2), (Status.WITHDRAWN, 2),
]
BATCH = 2000
OLDEST = 45  # days since the oldest request was sent
# Campaigns: one per so many requests, up to a handful; each asks up to so many agencies
# (a campaign asks each agency once, so never more than there are).
REQUESTS_PER_CAMPAIGN = 75
CAMPAIGN_AGENCIES = 40
CAMPAIGN_SLUG = "demo-round-{}"
CAMPAIGN_TITLES = (
    "Flock audit logs, first round", "Sharing with other agencies", "Searches for federal agencies",
    "Audit logs after the council vote", "Flock audit logs, second round", "Out-of-state searches",
    "Agencies new to the network", "Transparency portal check", "Sheriffs' offices", "Searches with no reason given",
    "Year-end audit logs", "Flock audit logs, third round",
)
DRAFT_CAMPAIGN = 4  # the fourth campaign is still being prepared: its letters are drafts
OWNED_SHARE = 0.6
TAGGED_SHARE = 0.2
DEMO_TAGS = ("priority", "call the clerk", "press interest", "appeal candidate")


@dataclass(frozen=True)
class _Slot:
    campaign: Campaign
    sent_on: date | None  # None: its letters are still drafts


@dataclass(frozen=True)
class _Plan:
    agency: Agency
    status: Status
    story: activity.Story | None  # None: a draft
    campaign: Campaign | None
    owner: User | None
    tag: Tag | None


@dataclass(frozen=True)
class _Team:
    members: list[User]
    tags: list[Tag]
    laws: dict[int, activity.AgencyLaw]


def seed_requests(*, organization: Organization, user: User, count: int, today: date, seed: int = 42,
                  agency_count: int | None = None) -> int:
    """Adds requests until the organization has ``count`` demo requests, spread over
    ``agency_count`` agencies of the directory (default: all); returns how many were added."""
    have = RecordsRequest.objects.filter(organization=organization, title=DEMO_TITLE).count()
    missing = max(count - have, 0)
    agencies = _agencies(agency_count) if missing else []
    if not agencies:
        return 0
    rng = random.Random(seed + have)
    statuses = [s for s, weight in SPREAD for _ in range(weight)]
    slots = _campaign_slots(organization, user, count=count, missing=missing, agencies=len(agencies), today=today,
                            rng=rng)
    team = _Team(
        members=list(User.objects.filter(memberships__organization=organization,
                                         memberships__role__in=[Role.OWNER, Role.EDITOR]).order_by("pk")) or [user],
        tags=[tag_for(organization=organization, name=name) for name in DEMO_TAGS],
        laws={agency.pk: activity.AgencyLaw(agency) for agency in agencies},
    )
    plans = [_plan(agencies[n % len(agencies)], rng.choice(statuses), slots.get(n), team, today, rng)
             for n in range(missing)]
    released = _released(organization, user, plans, today)
    templates = _letter_templates(organization, user, agencies, today)
    for start in range(0, missing, BATCH):
        _insert(organization, user, plans[start:start + BATCH], templates, released, today)
    return missing


def _agencies(count: int | None) -> list[Agency]:
    """``count`` agencies evenly spaced through the directory (in the order it was loaded, so
    from every state), or all of them."""
    agencies = (Agency.objects.select_related("jurisdiction__parent", "jurisdiction__law")
                .prefetch_related("jurisdiction__law__deadlines", "jurisdiction__parent__law__deadlines")
                .order_by("pk"))
    if count is None:
        return list(agencies)
    if count < 1:
        raise ValueError(f"Requests need at least one agency, not {count}.")
    ids = list(Agency.objects.order_by("pk").values_list("pk", flat=True))
    step = max(len(ids) / count, 1)
    return list(agencies.filter(pk__in=[ids[int(k * step)] for k in range(min(count, len(ids)))]))


def _campaign_slots(organization: Organization, user: User, *, count: int, missing: int, agencies: int, today: date,
                    rng: random.Random) -> dict[int, _Slot]:
    """The campaigns the organization still lacks for ``count`` requests, each given a run of
    the new requests (consecutive plans go to different agencies): plan number -> slot."""
    have = Campaign.objects.filter(organization=organization, slug__startswith=CAMPAIGN_SLUG.format("")).count()
    wanted = min(min(len(CAMPAIGN_TITLES), math.ceil(count / REQUESTS_PER_CAMPAIGN)) - have, missing)
    slots: dict[int, _Slot] = {}
    for k in range(max(wanted, 0)):
        number = have + k + 1
        sent_on = None if number == DRAFT_CAMPAIGN else today - timedelta(days=rng.randint(14, OLDEST))
        campaign = campaign_create(organization=organization, user=user, title=CAMPAIGN_TITLES[number - 1],
                                   item_keys=ITEM_KEYS, date_from=_period_start(today),
                                   slug=CAMPAIGN_SLUG.format(number))
        Campaign.objects.filter(pk=campaign.pk).update(created_at=history.noon((sent_on or today) - timedelta(days=5)))
        start = k * (missing // wanted)
        size = min(agencies, CAMPAIGN_AGENCIES, missing // wanted)
        slots.update({n: _Slot(campaign, sent_on) for n in range(start, start + size)})
    return slots


def _plan(agency: Agency, status: Status, slot: _Slot | None, team: _Team, today: date,
          rng: random.Random) -> _Plan:
    if slot:  # a campaign's letters go out together, or not yet
        status = Status.DRAFT if slot.sent_on is None else (Status.SUBMITTED if status == Status.DRAFT else status)
    kinds = activity.script(status, rng)
    gaps = activity.gaps(kinds, rng)
    story = None
    if status != Status.DRAFT:
        if slot:
            received = min(slot.sent_on + timedelta(days=rng.randint(0, 2)), today)
        else:  # sent long enough ago for its replies to have come by today
            received = today - timedelta(days=rng.randint(min(sum(gaps), OLDEST), OLDEST))
        story = activity.story_for(kinds=kinds, gaps=gaps, status=status, received=received, today=today,
                                   law=team.laws[agency.pk], rng=rng)
    owner = rng.choice(team.members) if rng.random() < OWNED_SHARE else None
    tag = rng.choice(team.tags) if rng.random() < TAGGED_SHARE else None
    return _Plan(agency, status, story, slot.campaign if slot else None, owner, tag)


def _released(organization: Organization, user: User, plans: list[_Plan], today: date) -> dict[int, history.Released]:
    """The documents each agency releases, stored once and linked to all its releases."""
    agencies = {p.agency.pk: p.agency for p in plans if p.story and p.story.last(*activity.RELEASES)}
    released = {}
    for pk, agency in agencies.items():
        log = files.stored_document(organization=organization, user=user,
                                    file=files.audit_log(agency, year=today.year - 1))
        letter = files.stored_document(organization=organization, user=user,
                                       file=files.cover_letter(agency, year=today.year - 1))
        released[pk] = history.Released(full=[letter, log], partial=[log])
    return released


def _period_start(today: date) -> date:
    return date(today.year - 1, 1, 1)


def _letter_templates(organization: Organization, user: User, agencies: list[Agency], today: date) -> dict[int, str]:
    """One composed letter per agency, with a placeholder where the tracking goes."""
    items = items_for(organization=organization, keys=ITEM_KEYS)
    texts = {}
    for agency in agencies:
        probe = RecordsRequest(organization=organization, agency=agency, tracking="@@TRACKING@@", title=DEMO_TITLE,
                               created_by=user, date_from=_period_start(today))
        texts[agency.pk] = compose_letter(letter_input_for(probe, items=items))
    return texts


def _trackings(count: int, year: int) -> list[str]:
    with transaction.atomic():
        counter, _ = TrackingCounter.objects.get_or_create(year=year)
        TrackingCounter.objects.filter(pk=counter.pk).update(last=F("last") + count)
        last = TrackingCounter.objects.get(pk=counter.pk).last
    return [f"RR-{year}-{n:04d}" for n in range(last - count + 1, last + 1)]


def _sent_via(agency: Agency) -> str:
    if agency.records_email:
        return SendChannel.EMAIL
    return SendChannel.PORTAL if agency.portal_url else SendChannel.MAIL


@transaction.atomic
def _insert(organization: Organization, user: User, plans: list[_Plan], templates: dict[int, str],
            released: dict[int, history.Released], today: date) -> None:
    trackings = _trackings(len(plans), today.year)
    requests = RecordsRequest.objects.bulk_create([
        RecordsRequest(
            # Related rows by id where nothing reads them back: cheaper per row.
            organization_id=organization.pk, agency=plan.agency, campaign_id=plan.campaign and plan.campaign.pk,
            tracking=tracking, title=DEMO_TITLE, date_from=_period_start(today),
            letter_text=templates[plan.agency.pk].replace("@@TRACKING@@", tracking), status=plan.status,
            created_by_id=user.pk, owner_id=plan.owner and plan.owner.pk,
            sent_at=history.noon(plan.story.received) if plan.story else None,
            sent_via=_sent_via(plan.agency) if plan.story else "",
            agency_reference=plan.story.reference if plan.story else "",
        )
        for plan, tracking in zip(plans, trackings)
    ])
    items = items_for(organization=organization, keys=ITEM_KEYS)
    RequestItem.objects.bulk_create([
        activity.item_outcome(RequestItem(request_id=r.pk, position=n, key=i.key, title=i.title, wording=i.wording),
                              p.story)
        for r, p in zip(requests, plans) for n, i in enumerate(items, start=1)
    ])
    Tagged = RecordsRequest.tags.through
    Tagged.objects.bulk_create([Tagged(recordsrequest_id=r.pk, tag_id=p.tag.pk)
                                for r, p in zip(requests, plans) if p.tag])
    history.write_history(organization=organization, user=user, released=released,
                          stories=[(r, p.story) for r, p in zip(requests, plans) if p.story])
