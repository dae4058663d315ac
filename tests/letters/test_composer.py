"""The composer is pure: these tests build its input by hand, with no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from requests_app.letters.composer import (
    Addressee,
    LawTerms,
    Letterhead,
    LetterInput,
    Route,
    address_block,
    compose_letter,
    period_phrase,
    submission_route,
)
from requests_app.records.catalogue import BY_KEY

TEXAS = LawTerms("Texas Public Information Act", "Tex. Gov't Code ch. 552", 10, "business", "")


def letter(**changes) -> str:
    values = dict(
        letterhead=Letterhead("Watchdog", "1 Main St", "Ana Diaz", "Attorney", "ana@watchdog.org", "555-0100"),
        addressee=Addressee("Austin Police Department", "715 E. 8th Street\nAustin, TX 78701", "prr@austin.example.gov"),
        law=TEXAS,
        items=[BY_KEY["org-audit"], BY_KEY["sharing"]],
        tracking="RR-2026-0042",
        date_from=date(2024, 1, 1),
        date_to=None,
        fee_cap=Decimal(50),
    )
    values.update(changes)
    return compose_letter(LetterInput(**values))


def test_it_cites_the_law_and_its_deadline_in_its_own_terms():
    text = letter()
    assert "Under the Texas Public Information Act, Tex. Gov't Code ch. 552," in text
    assert "requires a response within 10 business days." in text


def test_a_calendar_day_law_says_calendar_days():
    text = letter(law=LawTerms("California Public Records Act", "Gov. Code § 7920.000", 10, "calendar", ""))
    assert "requires a response within 10 calendar days." in text


def test_a_law_without_a_deadline_says_promptly():
    text = letter(law=LawTerms("Arizona Public Records Law", "A.R.S. § 39-121", None, "none", "promptly"))
    assert "requires a response promptly." in text
    assert "within" not in text.split("Timing.")[1].split(".")[0]


def test_it_addresses_the_custodian_and_quotes_the_tracking_reference():
    text = letter()
    assert text.startswith("Austin Police Department\nAttn: Public Records Officer\n715 E. 8th Street")
    assert "By email: prr@austin.example.gov" in text
    assert "Re: Public records request RR-2026-0042" in text
    assert "Please refer to RR-2026-0042 in your reply." in text


def test_items_are_numbered_with_the_date_range():
    text = letter()
    assert "\n1. The audit log of every search" in text
    assert "\n2. Records showing every organization" in text
    assert "from 1 January 2024 to the date of your search" in text


def test_it_asks_for_native_formats_a_fee_waiver_segregation_and_preservation():
    text = letter()
    assert "native, machine-readable format" in text
    assert "requests a waiver of all fees" in text and "not for any commercial purpose" in text
    assert "before incurring fees above $50" in text
    assert "reasonably segregable" in text and "cite the specific exemption" in text
    assert "Please preserve every record responsive to this request, including audit logs" in text


def test_a_zero_fee_cap_asks_before_any_fee():
    assert "before incurring any fees" in letter(fee_cap=Decimal(0))


def test_it_signs_with_the_letterhead():
    assert letter().rstrip().endswith("Ana Diaz\nAttorney\nWatchdog\nana@watchdog.org\n555-0100")


def test_period_phrases():
    assert period_phrase(date(2024, 1, 1), date(2024, 12, 31)) == "from 1 January 2024 to 31 December 2024"
    assert period_phrase(None, date(2024, 12, 31)) == "up to 31 December 2024"
    assert period_phrase(None, None) == "for the whole period for which they are kept"


def test_without_an_email_it_points_to_the_portal():
    text = letter(addressee=Addressee("Eugene Police Department", "", "", "https://records.example.gov"))
    assert "Submitted through: https://records.example.gov" in text


def test_with_an_email_and_a_portal_the_email_wins():
    addressee = Addressee("Eugene Police Department", "", "prr@eugene.example.gov", "https://records.example.gov")
    assert submission_route(addressee) == Route.EMAIL
    assert "Submitted through" not in letter(addressee=addressee)


def test_with_only_a_portal_it_is_submitted_through_the_portal_whatever_the_address():
    addressee = Addressee("Eugene Police Department", "300 Country Club Road", "", "https://records.example.gov")
    assert submission_route(addressee) == Route.PORTAL
    text = letter(addressee=addressee)
    assert text.startswith("Eugene Police Department\nAttn: Public Records Officer\n300 Country Club Road\n"
                           "Submitted through: https://records.example.gov\n\nRe: ")


def test_with_only_an_address_it_goes_by_mail():
    addressee = Addressee("Eugene Police Department", "300 Country Club Road\nEugene, OR 97401")
    assert submission_route(addressee) == Route.MAIL
    assert letter(addressee=addressee).startswith(
        "Eugene Police Department\nAttn: Public Records Officer\n300 Country Club Road\nEugene, OR 97401\n"
        "By mail\n\nRe: "
    )


def test_with_no_contact_it_is_addressed_to_the_records_custodian_at_the_agencys_place():
    addressee = Addressee("Eugene Police Department", place="Eugene, Oregon")
    assert submission_route(addressee) == Route.UNKNOWN
    text = letter(addressee=addressee)
    assert text.startswith("Public Records Custodian\nEugene Police Department\nEugene, Oregon\n\nRe: ")
    assert "By email" not in text and "By mail" not in text and "[" not in text.split("Re: ")[0]


def test_a_place_is_not_needed_to_compose_the_letter():
    assert letter(addressee=Addressee("Federal Bureau of Investigation")).startswith(
        "Public Records Custodian\nFederal Bureau of Investigation\n\nRe: ")

def test_the_address_block_alone_is_the_letters_own_down_to_the_blank_line():
    """A draft's address is checked and replaced by composing the block alone: it must be what
    the whole letter carries before "Re:", whichever way the letter goes."""
    addressees = [
        Addressee("Austin Police Department", "715 E. 8th Street\nAustin, TX 78701", "prr@austin.example.gov"),
        Addressee("Eugene Police Department", "300 Country Club Road", "", "https://records.example.gov"),
        Addressee("Eugene Police Department", "300 Country Club Road\nEugene, OR 97401"),
        Addressee("Eugene Police Department", place="Eugene, Oregon"),
        Addressee("Federal Bureau of Investigation"),
        Addressee("Smith & Jones <County> Sheriff's Office", "1 \"Main\" St", "", "", "Smith & Jones, Texas"),
    ]
    for addressee in addressees:
        head, found, _ = letter(addressee=addressee).partition("\nRe: ")
        assert found and address_block(addressee) == head, addressee
    assert address_block(addressees[-1]).startswith("Smith & Jones <County> Sheriff's Office\n")  # plain text
