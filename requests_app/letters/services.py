"""Finalising a request's letter and its follow-ups (the PDF kept as sent), and previewing it."""

from __future__ import annotations

import hashlib
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from requests_app.laws.services import CITIZEN, ResidencyBasisError, residency_statement
from requests_app.letters.composer import LEGACY_NO_CONTACT_NOTE, with_residency_statement
from requests_app.letters.inputs import draft_text_for, letterhead_of, residency_warning_of
from requests_app.letters.models import FollowUpLetter, LetterVersion
from requests_app.letters.rendering import letter_html, letter_pdf
from requests_app.records.models import RecordsRequest, RequestEvent, Status
from requests_app.records.trail import record_event
from requests_app.teams.models import User


class ResidencyNotAcknowledged(ValueError):
    """The law may not answer this requester; a person must confirm before finalising."""


class CannotFinalise(ValueError):
    pass


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
    pdf = letter_pdf(letterhead=letterhead_of(request.organization), text=request.letter_text, letter_date=today,
                     tracking=request.tracking)
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


def follow_up_finalise(*, letter: FollowUpLetter, user: User, today: date) -> FollowUpLetter:
    if letter.finalised_at:
        return letter
    request = letter.request
    pdf = letter_pdf(letterhead=letterhead_of(request.organization), text=letter.text, letter_date=today,
                     tracking=request.tracking)
    letter.sha256 = hashlib.sha256(pdf).hexdigest()
    letter.pdf.save(letter.filename, ContentFile(pdf), save=False)
    letter.finalised_at, letter.finalised_by = timezone.now(), user
    letter.save()
    return letter
