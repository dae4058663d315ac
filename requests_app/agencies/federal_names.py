"""Federal organizations known by their names: the one detector the agency directory and the
audit-log readers share. Flock tags its federal accounts ("[Federal] US Postal Inspection
Service"); audit logs and sharing lists also name federal agencies untagged ("FBI Portland",
"Homeland Security Investigations"), each found here by its names and abbreviations.

The patterns are plain text so that the audit-log rules can match them in polars' (Rust)
regex engine too: no look-around, no backreferences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from requests_app.agencies.states import STATE_NAMES

TAG = r"^\s*\[federal\]"
_TAG_WITH_SPACE = re.compile(TAG + r"\s*", re.IGNORECASE)


def abbr(*letters: str) -> str:
    """Abbreviations matched in capitals only: "ICE" the agency, not "Ice Hockey Arena"."""
    return r"(?-i:\b(?:" + "|".join(letters) + r")\b)"


STATE_NAME = r"(?:" + "|".join(sorted(STATE_NAMES.values(), key=len, reverse=True)) + ")"
# "ice" that is frozen water, not the agency.
FROZEN_ICE = (r"\b(?:black|dry|shaved|thin)\s+ice\b|\bon\s+ice\b|\bice\s+(?:cream|cold|hockey|rink|arena|skat\w*|"
              r"machines?|makers?|storm|chest|cubes?|pick|fishing|house|shack|box|road)\b")
_DEPARTMENTS = ("GSA", "HHS", "USDA", "SSA", "DOL", "HUD", "DOT", "EPA", "OPM", "DoD", "DOD", "DHS", "VA", "SBA",
                "DOE", "USPS", "DOJ", "FDIC", "NASA")
# A state's own office of the same name ("Georgia Office of Homeland Security") is not federal.
_STATE_OFFICE = (rf"\b{STATE_NAME}\s+(?:state\s+)?(?:(?:office|dept\.?|department|division|agency|bureau)\s+of\b|"
                 r"DHS\b|homeland\s+security\b)")


@dataclass(frozen=True)
class FederalAgency:
    """A federal agency's names, matched without regard to case (abbreviations aside), unless
    ``unless`` matches too."""

    name: str
    pattern: str
    own_unless: str | None = None
    state_offices_excepted: bool = True

    @property
    def unless(self) -> str | None:
        parts = [_STATE_OFFICE] if self.state_offices_excepted else []
        return "|".join([*parts, *([self.own_unless] if self.own_unless else [])]) or None

    @cached_property
    def _compiled(self) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
        unless = self.unless
        return re.compile(self.pattern, re.IGNORECASE), re.compile(unless, re.IGNORECASE) if unless else None

    def matches(self, name: str) -> bool:
        pattern, unless = self._compiled
        return bool(pattern.search(name)) and not (unless and unless.search(name))


AGENCIES: tuple[FederalAgency, ...] = (
    FederalAgency("[Federal] tag", TAG, state_offices_excepted=False),
    FederalAgency("FBI", abbr("FBI") + r"|\bfederal\s+bureau\s+of\s+investigation\b"),
    FederalAgency("ICE / ERO", abbr("ICE", "ERO") + r"|\bimmigration\s+(?:and|&)\s+customs\b|"
                  r"\benforcement\s+(?:and|&)\s+removal\b", own_unless=FROZEN_ICE),
    FederalAgency("HSI", abbr("HSI") + r"|\bhomeland\s+security\s+investigations?\b"),
    FederalAgency("DHS", abbr("DHS") + r"|(?:^\s*|\bU\.?\s?S\.?\s+|\bunited\s+states\s+)(?:dept\.?|department)\s+of\s+"
                  r"homeland\s+security\b", own_unless=r"\bDHS\s+(?:PD|police)\b"),
    FederalAgency("CBP / Border Patrol", abbr("CBP", "USBP") + r"|\bcustoms\s+(?:and|&)\s+border\b|\bborder\s+patrol\b|"
                  r"\bU\.?\s?S\.?\s+customs\b"),
    FederalAgency("DEA", abbr("DEA") + r"|\bdrug\s+enforcement\s+administration\b"),
    FederalAgency("ATF", abbr("ATF", "BATFE") + r"|\balcohol,?\s+tobacco,?\s+(?:and\s+)?firearms\b"),
    FederalAgency("US Marshals", abbr("USMS") + r"|\b(?:U\.?\s?S\.?|united\s+states)\s+marshals?\b"),
    FederalAgency("NCIS", abbr("NCIS") + r"|\bnaval\s+criminal\s+investigative\b"),
    FederalAgency("Secret Service", abbr("USSS") + r"|\bsecret\s+service\b"),
    FederalAgency("VA Police", r"^\s*VA\s+police\b|\bveterans\s+affairs\b|" + abbr("VAMC") +
                  r"|\bVA\s+medical\s+center\b"),
    FederalAgency("IRS-CI", abbr("IRS", "IRS-CI", "TIGTA") + r"|\binternal\s+revenue\s+service\b"),
    FederalAgency("USPIS", abbr("USPIS") + r"|\bpostal\s+(?:inspect\w*|police)\b"),
    FederalAgency("FPS", abbr("FPS") + r"|\bfederal\s+protective\s+service\b", own_unless=r"\bpublic\s+schools?\b"),
    FederalAgency("TSA / Air Marshals", abbr("TSA", "FAMS") + r"|\btransportation\s+security\s+administration\b|"
                  r"\bfederal\s+air\s+marshals?\b"),
    FederalAgency("US Park Police / land agencies", abbr("USPP", "USFS", "USFWS") +
                  r"|\b(?:U\.?\s?S\.?|united\s+states)\s+park\s+police\b|\bnational\s+park\s+service\b|"
                  r"\b(?:U\.?\s?S\.?|USDA|united\s+states)\s+forest\s+service\b|"
                  r"\bfish\s+(?:and|&)\s+wildlife\s+service\b|"
                  r"\bbureau\s+of\s+(?:land\s+management|indian\s+affairs|reclamation)\b"),
    FederalAgency("US Capitol Police", abbr("USCP") + r"|\b(?:U\.?\s?S\.?|united\s+states)\s+capitol\s+police\b"),
    FederalAgency("military bases and investigators", abbr("AFOSI", "CGIS", "AFB") +
                  r"|\barmy\s+(?:CID|criminal\s+investigation)|"
                  r"\bair\s+force\s+(?:OSI|office\s+of\s+special|security\s+forces)|"
                  r"\b(?:air\s+force|army|navy|naval|marine\s+corps)\s+(?:base|station|air\s+station|depot)\b|"
                  r"\bcoast\s+guard\b|\bpentagon\s+force\s+protection\b|\bmilitary\s+police\b"),
    FederalAgency("federal inspectors general", abbr(*_DEPARTMENTS) +
                  r"\s*-?\s*(?:OIG|office\s+of\s+(?:the\s+)?inspector\s+general)\b|"
                  r"\bsocial\s+security\s+administration\b"),
    FederalAgency("DOJ / US Attorney", abbr("USDOJ", "USAO") +
                  r"|\b(?:U\.?\s?S\.?|united\s+states)\s+(?:department\s+of\s+justice|DOJ|attorney)|"
                  r"\bfederal\s+bureau\s+of\s+prisons\b|\bdiplomatic\s+security\b"),
)


def federal_agency(name: str) -> str | None:
    """The federal agency (its entry's name) an organization's name shows, if any."""
    return next((a.name for a in AGENCIES if name and a.matches(name)), None)


def is_federal(name: str) -> bool:
    return federal_agency(name) is not None


def is_tagged(name: str) -> bool:
    """Whether the name carries Flock's "[Federal]" tag."""
    return bool(_TAG_WITH_SPACE.match(name))


def without_tag(name: str) -> str:
    return _TAG_WITH_SPACE.sub("", name, count=1)
