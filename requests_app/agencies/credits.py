"""The credit each bundled data source asks for, shown wherever an agency's data appears.

The Flock network data is CC BY-SA 4.0 (EyesOnFlock, via DeFlock's FlockHopper maps),
which requires attribution, a link to the licence and a note that the data was changed;
The News & Observer's survey is MIT and asks for credit; the FBI roster and 18F's federal
FOIA contacts are public domain and credited as a courtesy. See ``data/directory/NOTICE.md``
and ``data/federal_foia/NOTICE.md``.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass


@dataclass(frozen=True)
class Credit:
    key: str
    text: str
    url: str
    licence: str
    licence_url: str


FLOCK = Credit(
    key="flock",
    text="Flock network membership, transparency portal and figures: EyesOnFlock and DeFlock "
    "(FlockHopper maps), April 2026; names and fields adapted by this project.",
    url="https://deflock.me",
    licence="CC BY-SA 4.0",
    licence_url="https://creativecommons.org/licenses/by-sa/4.0/",
)
NC_SURVEY = Credit(
    key="nc_survey",
    text="North Carolina ALPR vendor survey: The News & Observer, 2024.",
    url="https://www.newsobserver.com/",
    licence="MIT",
    licence_url="https://opensource.org/license/mit",
)
FBI = Credit(
    key="fbi",
    text="ORI, county and agency type: FBI Crime Data Explorer agency roster, February 2025.",
    url="https://cde.ucr.cjis.gov/",
    licence="Public domain (US government work)",
    licence_url="",
)
FEDERAL_FOIA = Credit(
    key="federal_foia",
    text="Federal FOIA office: 18F's FOIA contact list (FOIA.gov data of July 2017); people's names, "
    "phone numbers and personal emails left out by this project.",
    url="https://github.com/18F/2015-foia",
    licence="Public domain (CC0 1.0)",
    licence_url="https://creativecommons.org/publicdomain/zero/1.0/",
)
ALL = (FLOCK, NC_SURVEY, FBI, FEDERAL_FOIA)


def credits_for(
    *, evidence_sources: Set[str], in_flock_data: bool, has_ori: bool, has_federal_foia_office: bool
) -> list[Credit]:
    """The credits an agency's page must show: one per bundled source its data came from."""
    credits = []
    if in_flock_data or evidence_sources & {"flock_sharing", "flock_portal"}:
        credits.append(FLOCK)
    if "nc_survey" in evidence_sources:
        credits.append(NC_SURVEY)
    if has_ori:
        credits.append(FBI)
    if has_federal_foia_office:
        credits.append(FEDERAL_FOIA)
    return credits
