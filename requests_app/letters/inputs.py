"""What a request's letter says, gathered from the request, its agency's law and the
organization, for the composer (pure): no rendering here, so drafting a letter never loads
the PDF engine."""

from __future__ import annotations

from requests_app.laws.models import PublicRecordsLaw
from requests_app.laws.services import CITIZEN, residency_statement, residency_warning_for
from requests_app.letters.composer import (
    Addressee, AlsoCited, LawTerms, Letterhead, LetterInput, compose_letter,
)
from requests_app.records.models import RecordsRequest
from requests_app.teams.models import Organization


def letterhead_of(organization: Organization) -> Letterhead:
    return Letterhead(
        name=organization.name,
        address=organization.address,
        signer_name=organization.signer_name,
        signer_title=organization.signer_title,
        email=organization.email,
        phone=organization.phone,
    )


def law_terms(law: PublicRecordsLaw, *, criminal_justice: bool, signer: str, basis: str = CITIZEN) -> LawTerms:
    """What a letter under ``law`` says of it: citation, timing paragraph, the other acts it
    cites for this agency, and the residency statement for ``signer``."""
    response = law.response_deadline
    return LawTerms(
        name=law.name,
        citation=law.citation,
        days=response.days if response else None,
        day_type=response.day_type if response else "none",
        standard=law.no_deadline_wording,
        timing=law.timing_text,
        also_cited=tuple(AlsoCited(c["name"], c["citation"], c.get("text") or "")
                         for c in law.also_cited_for(criminal_justice=criminal_justice)),
        residency_statement=residency_statement(law, signer=signer, basis=basis),
    )


def letter_input_for(request: RecordsRequest, items: list | None = None) -> LetterInput:
    """What the composer needs; ``items`` stands in for the request's own (for unsaved requests)."""
    return letter_input_under(request.agency.jurisdiction.governing_law(), request, items)


def letter_input_under(law: PublicRecordsLaw | None, request: RecordsRequest, items: list | None = None
                       ) -> LetterInput:
    """letter_input_for under the law the caller found governs the request's agency (laws.
    selectors.governing_laws, loaded once for many requests)."""
    agency = request.agency
    letterhead = letterhead_of(request.organization)
    terms = law_terms(law, criminal_justice=agency.is_criminal_justice, signer=letterhead.signer_name) if law else None
    return LetterInput(
        letterhead=letterhead,
        addressee=addressee_of(agency),
        law=terms,
        items=list(request.items.all()) if items is None else items,
        tracking=request.tracking,
        date_from=request.date_from,
        date_to=request.date_to,
        fee_cap=request.fee_cap,
    )


def addressee_of(agency) -> Addressee:
    return Addressee(agency.name, agency.mailing_address, agency.records_email, agency.portal_url, agency.place)


def draft_text_for(request: RecordsRequest) -> str:
    return compose_letter(letter_input_for(request))


def residency_warning_of(request: RecordsRequest) -> str | None:
    law = request.agency.jurisdiction.governing_law()
    return residency_warning_for(law=law, organization=request.organization) if law else None
