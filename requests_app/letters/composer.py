"""Composes the text of a request letter from the organization, agency, law and items.

Pure: everything it needs is passed in, including "today"; it reads no database and no
clock, so each rule of the letter can be tested on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from django.template.loader import render_to_string

from requests_app.laws.models import DayType


class ItemLike(Protocol):
    title: str
    wording: str


@dataclass(frozen=True)
class Letterhead:
    name: str
    address: str = ""
    signer_name: str = ""
    signer_title: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Addressee:
    name: str
    mailing_address: str = ""
    records_email: str = ""
    portal_url: str = ""
    # Where the directory places the agency ("Eugene, Oregon"): the letter's address while
    # no mailing address is known, so a letter never waits for a contact.
    place: str = ""


class Route(StrEnum):
    """How a request reaches an agency."""

    EMAIL = "email"
    PORTAL = "portal"
    MAIL = "mail"
    UNKNOWN = "unknown"  # no contact yet: the letter can be finalised, but not sent until one is found


def submission_route(addressee: Addressee) -> Route:
    """Its records email if known (the app sends it), else its records portal, else the post."""
    if addressee.records_email:
        return Route.EMAIL
    if addressee.portal_url:
        return Route.PORTAL
    if addressee.mailing_address:
        return Route.MAIL
    return Route.UNKNOWN


# Letters composed before a letter could go without a contact carried this bracketed note to
# whoever prepared them; letters.services.letter_finalise never lets it into a PDF.
LEGACY_NO_CONTACT_NOTE = "[No records contact is known for this agency yet"


def delivery_line(addressee: Addressee) -> str:
    """The line under the address saying how the letter goes; none while no contact is known
    (the send step, not the letter, asks for one)."""
    route = submission_route(addressee)
    if route == Route.EMAIL:
        return f"By email: {addressee.records_email}"
    if route == Route.PORTAL:
        return f"Submitted through: {addressee.portal_url}"
    if route == Route.MAIL:
        return "By mail"
    return ""


@dataclass(frozen=True)
class AlsoCited:
    """Another act a letter cites beside the public-records law (Colorado police: the
    Criminal Justice Records Act), and the sentence it carries."""

    name: str
    citation: str
    text: str = ""


@dataclass(frozen=True)
class LawTerms:
    name: str
    citation: str
    days: int | None
    day_type: str
    standard: str
    # The timing paragraph in the law's own terms with its sections (the law data's
    # letter.timing); without one, the letter states the response deadline.
    timing: str = ""
    also_cited: tuple[AlsoCited, ...] = ()
    # The sentence a residents-only law needs from the signer ("... is a citizen of Virginia").
    residency_statement: str = ""

    @property
    def deadline_phrase(self) -> str:
        """The response deadline in the law's own terms, e.g. "within 5 business days"."""
        if self.day_type == DayType.NONE or not self.days:
            return self.standard
        unit = "business" if self.day_type == DayType.BUSINESS else "calendar"
        return f"within {self.days} {unit} day{'s' if self.days != 1 else ''}"

    @property
    def timing_paragraph(self) -> str:
        return self.timing or f"The {self.name} requires a response {self.deadline_phrase}."


@dataclass(frozen=True)
class LetterInput:
    letterhead: Letterhead
    addressee: Addressee
    law: LawTerms | None
    items: Sequence[ItemLike]
    tracking: str
    date_from: date | None
    date_to: date | None
    fee_cap: Decimal


def format_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def period_phrase(date_from: date | None, date_to: date | None) -> str:
    if date_from and date_to:
        return f"from {format_date(date_from)} to {format_date(date_to)}"
    if date_from:
        return f"from {format_date(date_from)} to the date of your search"
    if date_to:
        return f"up to {format_date(date_to)}"
    return "for the whole period for which they are kept"


def item_text(item: ItemLike, period: str) -> str:
    return item.wording.replace("{period}", period)


def compose_letter(letter: LetterInput) -> str:
    period = period_phrase(letter.date_from, letter.date_to)
    context = {
        "letter": letter,
        "org": letter.letterhead,
        "agency": letter.addressee,
        "delivery": delivery_line(letter.addressee),
        "law": letter.law,
        "items": [item_text(item, period) for item in letter.items],
        "fee_cap": _money(letter.fee_cap),
    }
    text = render_to_string("letters/request_letter.txt", context)
    return tidy_text(text)


def address_block(addressee: Addressee) -> str:
    """The lines compose_letter addresses the letter with, before its "Re:" line (the
    request_letter template includes the same block)."""
    context = {"agency": addressee, "delivery": delivery_line(addressee)}
    return tidy_text(render_to_string("letters/_address_block.txt", context))


def _money(amount: Decimal | int) -> str:
    amount = Decimal(amount)
    return f"${amount:,.0f}" if amount == amount.to_integral_value() else f"${amount:,.2f}"


RESIDENCY_LEAD = "Residency. "


def with_residency_statement(text: str, statement: str) -> str:
    """``text`` carrying ``statement`` as its residency paragraph: the existing one replaced
    (another basis, another signer), or a new one added before the closing."""
    paragraph = RESIDENCY_LEAD + statement
    lines = text.rstrip("\n").split("\n")
    for i, line in enumerate(lines):
        if line.startswith(RESIDENCY_LEAD):
            lines[i] = paragraph
            return "\n".join(lines) + "\n"
    closing = next((i for i, line in enumerate(lines) if line.strip() == "Sincerely,"), len(lines))
    lines[closing:closing] = [paragraph, ""]
    return "\n".join(lines) + "\n"


def tidy_text(text: str) -> str:
    """Collapses the blank lines that template tags leave behind."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy) + "\n"
