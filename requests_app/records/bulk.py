"""Actions on many requests at once, chosen on the request list.

Each action takes request ids, acts only on the organization's own requests among them
(another organization's ids are ignored), and reports which it changed and which it
skipped and why. Each request it changes gets one line in its history, naming ``user``
(None: the system).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from requests_app.records.listing import requests_by_ids
from requests_app.records.models import RecordsRequest, Tag
from requests_app.records.trail import EventKind, change, record_events
from requests_app.teams.models import Membership, Organization, User

TAG_MAX_LENGTH = Tag._meta.get_field("name").max_length
Wanted = Callable[[RecordsRequest], bool]
Describe = Callable[[RecordsRequest], str]


@dataclass(frozen=True)
class Event:
    """The history line each changed request gets: written before the change is applied,
    so ``summary`` still sees the old values."""

    actor: User | None
    kind: str
    summary: Describe


@dataclass
class BulkResult:
    done: list[RecordsRequest] = field(default_factory=list)
    skipped: list[tuple[RecordsRequest, str]] = field(default_factory=list)


# ``user`` defaults to None (the system) only until every caller passes the member acting.


def bulk_assign_owner(
    *, organization: Organization, request_ids: Iterable[int], owner: User | None, user: User | None = None
) -> BulkResult:
    """Gives the requests to a member of the organization, or to nobody (``owner=None``)."""
    if owner is not None and not Membership.objects.filter(organization=organization, user=owner).exists():
        raise ValidationError(f"{owner} is not a member of {organization}.")
    owner_id = owner.pk if owner else None
    event = Event(user, EventKind.OWNER_CHANGED, lambda r: change("owner", r.owner, owner))
    return _update(organization, request_ids, lambda r: r.owner_id != owner_id,
                   "already has that owner", event, owner=owner)


def bulk_pause_reminders(
    *, organization: Organization, request_ids: Iterable[int], user: User | None = None
) -> BulkResult:
    event = Event(user, EventKind.REMINDERS_PAUSED, lambda r: "reminders: paused")
    return _update(organization, request_ids, lambda r: not r.reminders_paused,
                   "already has its reminders paused", event, reminders_paused=True)


def bulk_resume_reminders(
    *, organization: Organization, request_ids: Iterable[int], user: User | None = None
) -> BulkResult:
    event = Event(user, EventKind.REMINDERS_RESUMED, lambda r: "reminders: resumed")
    return _update(organization, request_ids, lambda r: r.reminders_paused,
                   "already sends its reminders", event, reminders_paused=False)


@transaction.atomic
def bulk_add_tag(
    *, organization: Organization, request_ids: Iterable[int], name: str, user: User | None = None
) -> BulkResult:
    """Tags the requests, creating the organization's tag of that name (any case) if needed."""
    tag = tag_for(organization=organization, name=name)
    requests = list(requests_by_ids(organization=organization, request_ids=request_ids))
    tagged = set(tag.requests.filter(pk__in=[r.pk for r in requests]).values_list("pk", flat=True))
    result = _split(requests, lambda r: r.pk not in tagged, f"is already tagged {tag.name!r}")
    Through = RecordsRequest.tags.through
    Through.objects.bulk_create([Through(recordsrequest_id=r.pk, tag_id=tag.pk) for r in result.done],
                                ignore_conflicts=True)
    record_events(requests=result.done, actor=user, kind=EventKind.TAGS_CHANGED,
                  summary=lambda r: f"tags: +{tag.name}")
    return result


@transaction.atomic
def bulk_remove_tag(
    *, organization: Organization, request_ids: Iterable[int], name: str, user: User | None = None
) -> BulkResult:
    requests = list(requests_by_ids(organization=organization, request_ids=request_ids))
    tag = Tag.objects.filter(organization=organization, name__iexact=name.strip()).first()
    tagged = set(tag.requests.filter(pk__in=[r.pk for r in requests]).values_list("pk", flat=True)) if tag else set()
    result = _split(requests, lambda r: r.pk in tagged, f"is not tagged {name.strip()!r}")
    if tag and result.done:
        tag.requests.remove(*result.done)
        record_events(requests=result.done, actor=user, kind=EventKind.TAGS_CHANGED,
                      summary=lambda r: f"tags: -{tag.name}")
    return result


def tag_for(*, organization: Organization, name: str) -> Tag:
    name = " ".join(name.split())
    if not name or len(name) > TAG_MAX_LENGTH:
        raise ValidationError(f"A tag needs a name of 1 to {TAG_MAX_LENGTH} characters.")
    existing = Tag.objects.filter(organization=organization, name__iexact=name).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Tag.objects.create(organization=organization, name=name)
    except IntegrityError:  # created by a concurrent action a moment ago
        return Tag.objects.get(organization=organization, name__iexact=name)


def _split(requests: list[RecordsRequest], wanted: Wanted, why_not: str) -> BulkResult:
    result = BulkResult()
    for request in requests:
        if wanted(request):
            result.done.append(request)
        else:
            result.skipped.append((request, f"{request.tracking} {why_not}."))
    return result


@transaction.atomic
def _update(
    organization: Organization, request_ids: Iterable[int], wanted: Wanted, why_not: str, event: Event,
    **values: object,
) -> BulkResult:
    """One UPDATE for the requests that need the change; the others are reported as skipped."""
    chosen = requests_by_ids(organization=organization, request_ids=request_ids).select_related("owner")
    requests = list(chosen.select_for_update(of=("self",)))
    result = _split(requests, wanted, why_not)
    record_events(requests=result.done, actor=event.actor, kind=event.kind, summary=event.summary)
    RecordsRequest.objects.filter(pk__in=[r.pk for r in result.done]).update(**values, updated_at=timezone.now())
    for request in result.done:
        for name, value in values.items():
            setattr(request, name, value)
    return result
