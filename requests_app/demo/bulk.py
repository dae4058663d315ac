"""Many demo requests at once, spread over the lifecycle with deadlines around today,
for demos and benchmarks, written with bulk inserts."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from requests_app.agencies.models import Agency
from requests_app.deadlines import engine
from requests_app.deadlines.models import Reminder, RequestClock
from requests_app.deadlines.scheduling import reminders_for
from requests_app.deadlines.rules import calendar_for, rule_for
from requests_app.letters.composer import compose_letter
from requests_app.letters.services import letter_input_for
from requests_app.records.models import RecordsRequest, RequestItem, Status, StatusChange, TrackingCounter
from requests_app.records.services import items_for
from requests_app.teams.models import Organization, User

DEMO_TITLE = "ALPR records (demo)"
ITEM_KEYS = ["org-audit", "network-audit", "sharing"]
# Share of each status among seeded requests.
SPREAD: list[tuple[Status, int]] = [
    (Status.DRAFT, 10), (Status.SUBMITTED, 25), (Status.ACKNOWLEDGED, 15), (Status.PROCESSING, 15),
    (Status.NEEDS_CLARIFICATION, 5), (Status.FEE_REQUESTED, 5), (Status.PARTIALLY_FULFILLED, 5),
    (Status.FULFILLED, 8), (Status.NO_RECORDS, 3), (Status.DENIED, 5), (Status.APPEALED, 2), (Status.WITHDRAWN, 2),
]
BATCH = 2000


@dataclass(frozen=True)
class _Plan:
    agency: Agency
    status: Status
    received: date


def seed_requests(*, organization: Organization, user: User, count: int, today: date, seed: int = 42) -> int:
    """Adds requests until the organization has ``count`` demo requests; returns how many were added."""
    have = RecordsRequest.objects.filter(organization=organization, title=DEMO_TITLE).count()
    missing = max(count - have, 0)
    agencies = list(Agency.objects.select_related("jurisdiction__parent", "jurisdiction__law")
                    .prefetch_related("jurisdiction__law__deadlines").order_by("pk"))
    if not missing or not agencies:
        return 0
    rng = random.Random(seed + have)
    statuses = [s for s, weight in SPREAD for _ in range(weight)]
    plans = [_Plan(agencies[n % len(agencies)], rng.choice(statuses), today - timedelta(days=rng.randint(0, 45)))
             for n in range(missing)]
    templates = _letter_templates(organization, user, agencies, today)
    for start in range(0, missing, BATCH):
        _insert(organization, user, plans[start:start + BATCH], templates, today)
    return missing


def _letter_templates(organization: Organization, user: User, agencies: list[Agency], today: date) -> dict[int, str]:
    """One composed letter per agency, with a placeholder where the tracking goes."""
    items = items_for(organization=organization, keys=ITEM_KEYS)
    texts = {}
    for agency in agencies:
        probe = RecordsRequest(organization=organization, agency=agency, tracking="@@TRACKING@@", title=DEMO_TITLE,
                               created_by=user, date_from=date(today.year - 1, 1, 1))
        texts[agency.pk] = compose_letter(letter_input_for(probe, items=items))
    return texts


def _trackings(count: int, year: int) -> list[str]:
    with transaction.atomic():
        counter, _ = TrackingCounter.objects.get_or_create(year=year)
        TrackingCounter.objects.filter(pk=counter.pk).update(last=F("last") + count)
        last = TrackingCounter.objects.get(pk=counter.pk).last
    return [f"RR-{year}-{n:04d}" for n in range(last - count + 1, last + 1)]


@transaction.atomic
def _insert(organization: Organization, user: User, plans: list[_Plan], templates: dict[int, str], today: date) -> None:
    trackings = _trackings(len(plans), today.year)
    requests = RecordsRequest.objects.bulk_create([
        RecordsRequest(
            organization=organization, agency=plan.agency, tracking=tracking, title=DEMO_TITLE,
            letter_text=templates[plan.agency.pk].replace("@@TRACKING@@", tracking), status=plan.status,
            created_by=user, sent_at=None if plan.status == Status.DRAFT else _noon(plan.received),
            sent_via="" if plan.status == Status.DRAFT else "email",
        )
        for plan, tracking in zip(plans, trackings)
    ])
    items = items_for(organization=organization, keys=ITEM_KEYS)
    RequestItem.objects.bulk_create([
        RequestItem(request=r, position=n, key=i.key, title=i.title, wording=i.wording)
        for r in requests for n, i in enumerate(items, start=1)
    ])
    sent = [(r, p) for r, p in zip(requests, plans) if p.status != Status.DRAFT]
    StatusChange.objects.bulk_create([
        StatusChange(request=r, from_status=Status.DRAFT, to_status=p.status, changed_by=user, reason="Demo data")
        for r, p in sent
    ])
    clocks = RequestClock.objects.bulk_create([_clock(r, p) for r, p in sent])
    Reminder.objects.bulk_create([reminder for c in clocks for reminder in reminders_for(c, c.request.status)],
                                 batch_size=5000)


def _clock(request: RecordsRequest, plan: _Plan) -> RequestClock:
    jurisdiction = plan.agency.jurisdiction
    law = jurisdiction.governing_law()
    calendar = calendar_for(jurisdiction)
    rule = rule_for(law)
    result = engine.due_date(rule, plan.received, calendar)
    follow_up = engine.follow_up_date(received=plan.received, due=result.due, last_follow_up=None, calendar=calendar)
    paused = plan.status in (Status.NEEDS_CLARIFICATION, Status.FEE_REQUESTED)
    appeal = None
    if plan.status == Status.DENIED:
        appeal_rule = rule_for(law, "appeal")
        appeal = engine.appeal_deadline(appeal_rule, plan.received + timedelta(days=7), calendar).due
    return RequestClock.of(
        request, received_on=plan.received, day_type=rule.day_type, response_due=result.due,
        reminders_scheduled=True,
        paused_on=plan.received + timedelta(days=3) if paused else None, remaining_days=3 if paused else None,
        appeal_due=appeal, follow_up_on=None if paused else follow_up.due, explanation=result.explanation,
    )


def _noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))
