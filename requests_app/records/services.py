"""Draft requests: the items they ask for, their tracking references, and their text edited
by hand (creating one with its composed letter is letters.drafts)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from requests_app.records.catalogue import BY_KEY
from requests_app.records.models import CustomItem, RecordsRequest, Status, TrackingCounter
from requests_app.records.trail import EventKind, record_event
from requests_app.teams.models import Organization, User


@dataclass(frozen=True)
class ItemSpec:
    key: str
    title: str
    wording: str


class NotADraft(ValueError):
    """Only a draft's text and items can change; a sent letter stays as sent."""


def items_for(*, organization: Organization, keys: Sequence[str]) -> list[ItemSpec]:
    """The catalogue entries for these keys, built-in or the organization's own."""
    keys = list(dict.fromkeys(k.strip() for k in keys if k.strip()))
    if not keys:
        raise ValidationError("Choose at least one item to request.")
    custom = {c.key: c for c in CustomItem.objects.filter(organization=organization, key__in=keys)}
    unknown = [k for k in keys if k not in BY_KEY and k not in custom]
    if unknown:
        raise ValidationError(f"Unknown item key(s): {', '.join(unknown)}.")
    found = [BY_KEY.get(k) or custom[k] for k in keys]
    return [ItemSpec(item.key, item.title, item.wording) for item in found]


def tracking_allocate(*, year: int) -> str:
    """The next tracking reference of the year, e.g. RR-2026-0042; never reused."""
    return tracking_allocate_many(year=year, count=1)[0]


def tracking_allocate_many(*, year: int, count: int) -> list[str]:
    """The next ``count`` tracking references of the year, consecutive, in one UPDATE; never
    reused (the counter's row stays locked until the caller's transaction ends)."""
    if count < 1:
        return []
    for _ in range(3):
        with transaction.atomic():
            updated = TrackingCounter.objects.filter(year=year).update(last=F("last") + count)
            if updated:
                last = TrackingCounter.objects.get(year=year).last
                return [f"RR-{year}-{number:04d}" for number in range(last - count + 1, last + 1)]
        try:
            with transaction.atomic():
                TrackingCounter.objects.create(year=year, last=0)
        except IntegrityError:
            pass  # another process created the counter first; increment it
    raise RuntimeError("could not allocate a tracking reference")


def check_date_range(date_from: date | None, date_to: date | None) -> None:
    if date_from and date_to and date_from > date_to:
        raise ValidationError("The date range ends before it starts.")


def require_draft(request: RecordsRequest) -> None:
    if request.status != Status.DRAFT:
        raise NotADraft(f"{request.tracking} has been sent; its letter can no longer change.")


# ``user`` defaults to None (the system) for the callers that predate the history.


@transaction.atomic
def request_edit_letter(*, request: RecordsRequest, letter_text: str, user: User | None = None) -> RecordsRequest:
    require_draft(request)
    text = letter_text.replace("\r\n", "\n").strip() + "\n"
    if not text.strip():
        raise ValidationError("The letter cannot be empty.")
    request.letter_text = text
    request.letter_edited = True
    request.save(update_fields=["letter_text", "letter_edited", "updated_at"])
    record_event(request=request, actor=user, kind=EventKind.LETTER_EDITED, summary="letter: text edited by hand")
    return request


def custom_item_create(*, organization: Organization, key: str, title: str, wording: str) -> CustomItem:
    if key in BY_KEY:
        raise ValidationError(f"{key!r} is a built-in item; choose another key.")
    if CustomItem.objects.filter(organization=organization, key=key).exists():
        raise ValidationError(f"Your organization already has an item {key!r}.")
    item = CustomItem(organization=organization, key=key, title=title, wording=wording)
    item.full_clean()
    item.save()
    return item
