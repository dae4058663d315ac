"""Rules read off a law that other parts of the app act on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from requests_app.laws.models import PublicRecordsLaw

if TYPE_CHECKING:
    from requests_app.teams.models import Organization


def residency_warning(*, law: PublicRecordsLaw, requester_state: str | None) -> str | None:
    """A warning when the law may refuse a requester from elsewhere, else None.

    ``requester_state`` is the organization's home state code, or None when unknown. A
    federal (``US``) law never limits residency, so the comparison is state to state.
    """
    if not law.limits_residency or requester_state == law.jurisdiction.code:
        return None
    place = law.jurisdiction.name
    if law.residency_limit == PublicRecordsLaw.Residency.YES:
        rule = f"{law.name} limits requests to residents of {place}."
    else:
        rule = f"Whether {law.name} answers requesters from outside {place} is disputed."
    if requester_state is None:
        return f"{rule} Set your organization's home state to check whether this applies."
    return f"{rule} Your organization is based in {requester_state}: consider asking through a resident."


def residency_warning_for(*, law: PublicRecordsLaw, organization: Organization) -> str | None:
    home = organization.home_state
    return residency_warning(law=law, requester_state=home.code if home else None)
