"""A request created with its drafted letter, and the draft's letter composed afresh or
readdressed: records' rows, with text from the composer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from requests_app.agencies.models import Agency
from requests_app.laws.selectors import governing_laws
from requests_app.letters.composer import address_block, compose_letter
from requests_app.letters.inputs import addressee_of, draft_text_for, letter_input_under
from requests_app.records.models import RecordsRequest, RequestItem, Status
from requests_app.records.services import ItemSpec, check_date_range, require_draft, tracking_allocate_many
from requests_app.records.trail import EventKind, record_event, record_summaries
from requests_app.teams.models import Organization, User


def request_create(*, agency: Agency, **terms: Any) -> RecordsRequest:
    """A draft request to ``agency``: requests_create for one, with the same terms."""
    return requests_create(agencies=[agency], **terms)[0]


@transaction.atomic
def requests_create(
    *,
    organization: Organization,
    agencies: Sequence[Agency],
    user: User,
    title: str,
    items: Sequence[ItemSpec],
    date_from: date | None = None,
    date_to: date | None = None,
    fee_cap: Decimal = Decimal(50),
    campaign=None,
    today: date,
) -> list[RecordsRequest]:
    """A draft request to each of ``agencies``, in their order, written together in a few
    queries however many there are (a campaign's thousands in seconds): consecutive tracking
    references, the items, each letter composed under its agency's law, and each history's
    first line. The agencies' jurisdictions and laws are read here."""
    check_date_range(date_from, date_to)
    loaded = Agency.objects.select_related("jurisdiction__parent").in_bulk([a.pk for a in agencies])
    laws = governing_laws({agency.jurisdiction for agency in loaded.values()})
    requests = [
        RecordsRequest(organization=organization, agency=loaded[agency.pk], campaign=campaign, tracking=tracking,
                       title=title, date_from=date_from, date_to=date_to, fee_cap=fee_cap, created_by=user)
        for agency, tracking in zip(agencies, tracking_allocate_many(year=today.year, count=len(agencies)))
    ]
    items = list(items)
    for request in requests:
        law = laws.get(request.agency.jurisdiction_id)
        request.letter_text = compose_letter(letter_input_under(law, request, items))
    RecordsRequest.objects.bulk_create(requests)
    RequestItem.objects.bulk_create(
        RequestItem(request=request, position=n, key=i.key, title=i.title, wording=i.wording)
        for request in requests for n, i in enumerate(items, start=1)
    )
    record_summaries(actor=user, kind=EventKind.CREATED,
                     summaries=((r, f"created: {title!r} to {r.agency.name}") for r in requests))
    return requests


@transaction.atomic
def request_regenerate_letter(*, request: RecordsRequest, user: User | None = None) -> RecordsRequest:
    """Replaces the draft text with freshly composed text (discarding hand edits)."""
    require_draft(request)
    request.letter_text = draft_text_for(request)
    request.letter_edited = False
    request.save(update_fields=["letter_text", "letter_edited", "updated_at"])
    record_event(request=request, actor=user, kind=EventKind.LETTER_EDITED,
                 summary="letter: composed afresh, hand edits discarded")
    return request


# The line that ends a letter's address block; what comes before it is the agency's address.
SUBJECT_LINE = "\nRe: "


def address_block_of(text: str) -> str | None:
    """The address block of a letter's text (None if it has no "Re:" line to end it)."""
    head, found, _ = text.partition(SUBJECT_LINE)
    return head if found else None


def letter_address_outdated(request: RecordsRequest) -> bool:
    """Whether the draft's address block is not the one the agency's contact now gives."""
    if request.status != Status.DRAFT:
        return False
    current = address_block_of(request.letter_text)
    return current is not None and current != address_block(addressee_of(request.agency))


@transaction.atomic
def request_readdress_letter(*, request: RecordsRequest, user: User | None = None) -> RecordsRequest:
    """Puts the agency's current address (and how the letter goes) on the draft, keeping the
    rest of the text, hand edits included."""
    require_draft(request)
    _, found, rest = request.letter_text.partition(SUBJECT_LINE)
    if not found:
        raise ValidationError("The letter has no “Re:” line after its address, so the address cannot be "
                              "replaced on its own: edit it by hand or compose the letter afresh.")
    request.letter_text = address_block(addressee_of(request.agency)) + SUBJECT_LINE + rest
    request.save(update_fields=["letter_text", "updated_at"])
    record_event(request=request, actor=user, kind=EventKind.LETTER_EDITED,
                 summary="letter: address updated from the agency's records contact")
    return request
