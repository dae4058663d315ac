"""Rules read off a law that other parts of the app act on: who may request, and the
statement a letter to a residents-only jurisdiction carries."""

from __future__ import annotations

from typing import Protocol

from requests_app.laws.models import Jurisdiction, PublicRecordsLaw

CITIZEN = "citizen"
NO_SIGNER = "[name of the person signing]"


class Requester(Protocol):
    """Who asks: an organization, as far as the law cares (teams sit above laws)."""

    home_state: Jurisdiction | None


class ResidencyBasisError(ValueError):
    """The basis asked for is not one this law accepts."""


def residency_warning(*, law: PublicRecordsLaw, requester_state: str | None) -> str | None:
    """What a person must confirm before a letter under this law goes out, else None.

    A residents-only law (Virginia, Tennessee, Arkansas, ...) always asks: its letters state
    that the signer is a citizen (or, in Virginia, a representative of the media), and
    someone must confirm that is true. A law whose limit is disputed asks only when the
    organization's home state is elsewhere or unknown. ``requester_state`` is that home state.
    """
    if not law.limits_residency:
        return None
    place = law.jurisdiction.name
    if law.residency_limit == PublicRecordsLaw.Residency.YES:
        return _residents_only_warning(law, requester_state)
    if requester_state == law.jurisdiction.code:
        return None
    rule = f"Whether {law.name} answers requesters from outside {place} is disputed."
    if requester_state is None:
        return f"{rule} Set your organization's home state to check whether this applies."
    return f"{rule} Your organization is based in {requester_state}: consider asking through a resident."


def _residents_only_warning(law: PublicRecordsLaw, requester_state: str | None) -> str:
    place = law.jurisdiction.name
    others = f" (and {'; '.join(law.residency_exceptions)})" if law.residency_exceptions else ""
    text = (f"{law.name} limits requests to residents of {place}{others}. The letter states that its signer "
            f"qualifies; finalise it only if that is true.")
    if law.identification_note:
        text += f" {law.identification_note}"
    if requester_state is None:
        return f"{text} Set your organization's home state to check whether this applies."
    if requester_state != law.jurisdiction.code:
        return f"{text} Your organization is based in {requester_state}: consider asking through a resident."
    return text


def residency_warning_for(*, law: PublicRecordsLaw, organization: Requester) -> str | None:
    home = organization.home_state
    return residency_warning(law=law, requester_state=home.code if home else None)


def residency_bases(law: PublicRecordsLaw) -> list[str]:
    """The grounds on which a letter can claim the right to ask: "citizen", then the law's
    alternatives ("media" in Virginia)."""
    if law.residency_limit != PublicRecordsLaw.Residency.YES or not law.residency_statement:
        return []
    return [CITIZEN, *law.residency_alternatives]


def residency_options(law: PublicRecordsLaw, *, signer: str) -> list[tuple[str, str]]:
    """(basis, the sentence the letter would carry) for each ground the law accepts, for a
    page to offer in the law's own words."""
    return [(basis, residency_statement(law, signer=signer, basis=basis)) for basis in residency_bases(law)]


def residency_statement(law: PublicRecordsLaw, *, signer: str, basis: str = CITIZEN) -> str:
    """The sentence a letter under a residents-only law carries, for ``signer`` on ``basis``;
    "" where the law asks for none. Raises ResidencyBasisError for a basis the law lacks."""
    bases = residency_bases(law)
    if not bases:
        return ""
    if basis not in bases:
        raise ResidencyBasisError(f"{law.name} accepts {', '.join(bases)}, not {basis!r}.")
    sentence = law.residency_statement if basis == CITIZEN else law.residency_alternatives[basis]
    if law.identification_note:  # Tennessee, Virginia, Kentucky: the custodian may ask for proof
        sentence += " {signer} will provide the identification the law allows you to ask for, if you need it."
    return sentence.replace("{signer}", signer or NO_SIGNER).replace("{state}", law.jurisdiction.name)
