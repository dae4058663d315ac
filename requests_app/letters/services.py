"""Composing, finalising and rendering a request's letter."""

from __future__ import annotations

import hashlib
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction

from requests_app.laws.models import PublicRecordsLaw
from requests_app.laws.services import (
    CITIZEN, ResidencyBasisError, residency_statement, residency_warning_for,
)
from requests_app.letters.composer import (
    LEGACY_NO_CONTACT_NOTE, Addressee, AlsoCited, LawTerms, Letterhead, LetterInput, compose_letter,
    with_residency_statement,
)
from requests_app.letters.models import LetterVersion
from requests_app.letters.rendering import letter_html, render_pdf
from requests_app.records.models import RecordsRequest, RequestEvent, Status
from requests_app.records.trail import record_event
from requests_app.teams.models import Organization, User


class ResidencyNotAcknowledged(ValueError):
    """The law may not answer this requester; a person must confirm before finalising."""


class CannotFinalise(ValueError):
    pass


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
    agency = request.agency
    law = agency.jurisdiction.governing_law()
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


def latest_letter(request: RecordsRequest) -> LetterVersion | None:
    return request.letters.order_by("-number").first()


_UNKNOWN = object()


def letter_is_current(request: RecordsRequest, latest: LetterVersion | None | object = _UNKNOWN) -> bool:
    """Whether the latest finalised letter has exactly the draft's text."""
    if latest is _UNKNOWN:
        latest = latest_letter(request)
    return latest is not None and latest.text == request.letter_text


def preview_html(request: RecordsRequest, *, today: date, stylesheet: str) -> str:
    return letter_html(
        letterhead=letterhead_of(request.organization),
        text=request.letter_text,
        letter_date=today,
        tracking=request.tracking,
        stylesheet=stylesheet,
    )


def shown_letter_html(request: RecordsRequest, *, today: date, stylesheet: str) -> str:
    """The letter as the request page previews it: the finalised version, with the date it
    bears, while the draft is that version's text; else the draft as it would be dated today."""
    latest = latest_letter(request)
    day = latest.letter_date if letter_is_current(request, latest) else today
    return preview_html(request, today=day, stylesheet=stylesheet)


def letter_finalise(
    *, request: RecordsRequest, user: User | None, today: date, acknowledge_residency: bool = False,
    residency_basis: str = CITIZEN,
) -> LetterVersion:
    """The PDF of the current draft text: the existing version if the text is unchanged,
    else a new, immutable version. Raises ResidencyNotAcknowledged or CannotFinalise.

    A letter under a residents-only law is never finalised without ``acknowledge_residency``;
    with it, the letter carries the law's statement for the signer on ``residency_basis``
    ("citizen", or "media" where the law allows)."""
    if request.status != Status.DRAFT:
        raise CannotFinalise(f"{request.tracking} has been sent; its letter is final.")
    if LEGACY_NO_CONTACT_NOTE in request.letter_text:
        _drop_legacy_note(request)
    warning = residency_warning_of(request)
    if warning and not acknowledge_residency:
        raise ResidencyNotAcknowledged(warning)
    _state_residency(request, residency_basis)
    latest = latest_letter(request)
    if letter_is_current(request, latest):
        return latest
    html = preview_html(request, today=today, stylesheet="letter.css")
    pdf = render_pdf(html)
    return _store(request, user, today, pdf)


def _state_residency(request: RecordsRequest, basis: str) -> None:
    """Puts the residency statement for ``basis`` in the text, where the law asks for one,
    and refuses a letter whose statement names no signer."""
    law = request.agency.jurisdiction.governing_law()
    if law is None:
        return
    signer = request.organization.signer_name
    try:
        statement = residency_statement(law, signer=signer, basis=basis)
    except ResidencyBasisError as exc:
        raise CannotFinalise(f"{request.tracking}: {exc}") from None
    if not statement:
        return
    if not signer:
        raise CannotFinalise(f"{request.tracking}: the {law.name} answers only those it names, and the letter must "
                             f"say who signs it. Set the signer's name in the organization's letterhead settings.")
    text = with_residency_statement(request.letter_text, statement)
    if text != request.letter_text:
        request.letter_text = text
        request.save(update_fields=["letter_text", "updated_at"])


def _drop_legacy_note(request: RecordsRequest) -> None:
    """A draft composed when a letter still waited for a contact: composed afresh if nobody
    edited it, else refused, since only its author can say what the edited text should be."""
    if request.letter_edited:
        raise CannotFinalise(f"{request.tracking}: the letter still carries the note “{LEGACY_NO_CONTACT_NOTE}…]”. "
                             "Delete that note from the text (the letter is addressed to the agency's records "
                             "custodian without it), or compose the letter afresh, then finalise it.")
    request.letter_text = draft_text_for(request)
    request.save(update_fields=["letter_text", "updated_at"])


@transaction.atomic
def _store(request: RecordsRequest, user: User | None, today: date, pdf: bytes) -> LetterVersion:
    # Rendering ran outside the lock; numbering happens inside it, so two people
    # finalising at once get the same version or two consecutive ones, never a clash.
    RecordsRequest.objects.select_for_update().filter(pk=request.pk).first()
    latest = latest_letter(request)
    if letter_is_current(request, latest):
        return latest
    version = LetterVersion(
        request=request,
        number=(latest.number + 1) if latest else 1,
        text=request.letter_text,
        letter_date=today,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        finalised_by=user,
    )
    version.pdf.save(f"{request.tracking}.pdf", ContentFile(pdf), save=False)
    version.save()
    record_event(request=request, actor=user, kind=RequestEvent.Kind.LETTER_FINALISED,
                 summary=f"letter version {version.number} (sha256 {version.sha256[:12]}…)")
    return version
