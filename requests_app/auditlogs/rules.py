"""The flagging rule set: which stated search reasons an analyst should look at, and why.

Versioned: a report names the version it was made with, so a finding can be checked
against the exact rules. Every pattern is matched case-insensitively on word boundaries;
a rule can name an ``unless`` pattern for the documented false-positive traps ("ice" as
slang for methamphetamine, HSI's narcotics cases). A match is a reason to look, never a
conclusion: dropdown reasons hide intent, and no keyword is not no immigration use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from requests_app.agencies.directory import STATE_NAMES

VERSION = "2026.12.1"
PREVIOUS = "2026.11.1"  # frozen in rules_2026_11_1.py, for results stored with it

CATEGORIES = {
    "immigration": "Immigration enforcement",
    "reproductive_health": "Reproductive health",
    "protest": "Protest / First Amendment",
    "review": "Other review flags",
    "federal": "Federal searcher",
}

CAVEATS = (
    "“ice” can mean methamphetamine, or the frozen kind (“black ice”, “ice cream”); a bare “ICE” is flagged only "
    "outside those contexts, while a named immigration use (“ICE detainer”, “I.C.E.”, “287(g)”) is always flagged.",
    "HSI (Homeland Security Investigations) also runs narcotics cases; HSI searches that name drugs are not flagged.",
    "“DHS” beside child-welfare words is read as a state Department of Human Services, and “DHS PD” as a city "
    "police department (Desert Hot Springs): neither is flagged.",
    "Dropdown reasons (“Property Crime”, “Other - Not Applicable”) hide intent: the absence of a keyword is not "
    "the absence of immigration use.",
    "Every flag names the rule that matched, so a person can check it against the record.",
)


@dataclass(frozen=True)
class Rule:
    """A named pattern. ``unless`` names the documented traps that cancel a match;
    ``always`` the explicit forms that a trap never cancels ("ICE detainer" beside
    "possession")."""

    category: str
    name: str
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None = None
    always: re.Pattern[str] | None = None

    def matches(self, text: str) -> bool:
        if self.always and self.always.search(text):
            return True
        return bool(self.pattern.search(text)) and not (self.unless and self.unless.search(text))


def _compiled(pattern: str | None) -> re.Pattern[str] | None:
    return re.compile(pattern, re.IGNORECASE) if pattern else None


def rule(category: str, name: str, pattern: str, unless: str | None = None, always: str | None = None) -> Rule:
    return Rule(category, name, re.compile(pattern, re.IGNORECASE), _compiled(unless), _compiled(always))


def _abbr(*letters: str) -> str:
    """Abbreviations matched in capitals only: "ICE" the agency, not "Ice Hockey Arena"."""
    return r"(?-i:\b(?:" + "|".join(letters) + r")\b)"


_STATE = r"(?:" + "|".join(sorted(STATE_NAMES.values(), key=len, reverse=True)) + ")"
_DRUGS = (r"\b(?:meth|methamphetamine|crystal|narc\w*|drugs?|possession|dealing|dealer|sell\w*|fentanyl|cocaine|"
          r"heroin|marijuana|controlled\s+substances?|(?:drug|narcotics?)\s+trafficking)\b")
_FROZEN_ICE = (r"\b(?:black|dry|shaved|thin)\s+ice\b|\bon\s+ice\b|\bice\s+(?:cream|cold|hockey|rink|arena|skat\w*|"
               r"machines?|makers?|storm|chest|cubes?|pick|fishing|house|shack|box|road)\b")
_ICE_NAMED = (r"\bI\.\s?C\.\s?E\b|\bICE\s*[/\s-]\s*(?:ERO|HSI|warrants?|detainers?|holds?|agents?|officers?|removal|"
              r"deport\w*|request(?:ed)?|notification|fugitive|task\s+force|enforcement)\b|"
              r"\b(?:assist(?:ing|ed)?|per|notify|notified)\s+ICE\b")
_STATE_HOMELAND = (rf"\b{_STATE}\s+(?:(?:state\s+)?(?:office|dept\.?|department|division|agency|bureau)\s+of\s+)?"
                   r"homeland\s+security\b")
_HUMAN_SERVICES = rf"\bDHS\s+(?:PD|police)\b|\b{_STATE}\s+DHS\b|\b(?:child|children|welfare|CPS|foster|juvenile)\b"
_PROPERTY_CRIME = (r"\b(?:burglar\w*|theft|thefts|stolen|steal\w*|robbery|robbed|vandal\w*|arson|break[\s-]?ins?|"
                   r"larceny|trespass\w*|graffiti|catalytic)\b")

RULES: tuple[Rule, ...] = (
    rule("immigration", "ICE", r"\bICE\b", unless=f"{_DRUGS}|{_FROZEN_ICE}", always=_ICE_NAMED),
    rule("immigration", "ERO / enforcement and removal", r"\bERO\b|\benforcement\s+(?:and|&)\s+removal\b"),
    rule("immigration", "HSI / Homeland Security", r"\bHSI\b|\bhomeland\s+security\b",
         unless=f"{_DRUGS}|{_STATE_HOMELAND}"),
    rule("immigration", "CBP / Border Patrol",
         r"\bCBP\b|\bUSBP\b|\bborder\s+patrol\b|\bcustoms\s+(?:and|&)\s+border\b"),
    rule("immigration", "deportation / removal order", r"\bdeport\w*|\bremoval\s+(?:orders?|proceedings?)\b"),
    rule("immigration", "DHS / USCIS", r"\bDHS\b|\bUSCIS\b", unless=_HUMAN_SERVICES, always=r"\bUSCIS\b"),
    rule("immigration", "287(g) agreement", r"\b287\s*\(?\s*g\b"),
    rule("immigration", "immigration", r"\bimmigra\w*"),
    rule("immigration", "undocumented / illegal alien",
         r"\bundocumented\b|\billegal\s+(?:aliens?|immigrants?|entry|re-?entry)\b|\billegals\b|"
         r"\b(?:criminal|removable)\s+aliens?\b|\balien\s+(?:smuggling|registration)\b"),
    rule("immigration", "visa overstay / status",
         r"\bvisa\s+overstay\w*|\boverstay\w*\s+(?:(?:a|his|her|their)\s+)?visas?\b|\bexpired\s+visas?\b|"
         r"\bgreen\s+card\b|\basylum\s+(?:seeker|case|claim)s?\b"),
    rule("reproductive_health", "abortion", r"\babortion\w*"),
    rule("reproductive_health", "Planned Parenthood", r"\bplanned\s+parenthood\b"),
    rule("reproductive_health", "reproductive", r"\breproductive\b"),
    rule("reproductive_health", "miscarriage / stillbirth", r"\bmiscarr\w*|\bstillb(?:irth|orn)\b|\bfetus\b|"
         r"\bfetal\s+(?:remains|demise|death)\b"),
    rule("reproductive_health", "mifepristone / misoprostol", r"\bmifepristone\b|\bmisoprostol\b"),
    rule("reproductive_health", "family planning / pregnancy ended",
         r"\bfamily\s+planning\b|\bterminat\w*\s+(?:of\s+)?(?:a\s+|her\s+|the\s+)?pregnancy\b|"
         r"\bpregnancy\s+terminat\w*"),
    rule("protest", "protest", r"\bprotest\w*"),
    rule("protest", "demonstration", r"\bdemonstrations?\b|\bdemonstrators?\b",
         unless=r"\b(?:training|product|system|software|vendor|flock|camera|equipment|sales)\s+demonstrations?\b"),
    rule("protest", "rally / picket", r"\brall(?:y|ies)\b|\bpicket(?:s|ed|ing|ers?)?\b",
         unless=r"\brally['’]s\b|\bpicket\s+fences?\b|\brally\s+(?:point|race|racing|car)\b"),
    rule("protest", "No Kings / 50501 / Hands Off", r"\bno\s+kings\b|\b50501\b|\bhands\s+off\b"),
    rule("protest", "First Amendment / free speech", r"\b(?:first|1st)\s+amendment\b|\bfree\s+speech\b"),
    rule("protest", "activists / sit-in", r"\bactivists?\b|\bsit-ins?\b"),
    rule("protest", "riot / civil unrest", r"\briot\w*|\bcivil\s+unrest\b"),
    rule("review", "gender-affirming care", r"\bgender[\s-]+affirming\b|\btransgender\b|\bgender\s+transition\b"),
    rule("review", "religion",
         r"\bmosques?\b|\bsynagogues?\b|\bchurch(?:es)?\b|\breligio\w*|\bmuslims?\b|\bislam\w*|\bjewish\b|"
         r"\bworship\w*|\bcongregation\w*",
         unless=rf"{_PROPERTY_CRIME}|\bchurch\s+(?:st|street|rd|road|ave|avenue|ln|lane|dr|drive)\b|\bfalls\s+church\b|"
                r"\bchurch['’]s\s+(?:texas\s+)?chicken\b"),
    rule("review", "journalist", r"\bjournalist\w*|\breporters?\b",
         unless=r"\b(?:mandated|court)\s+reporters?\b"),
    rule("review", "custody / restraining order",
         r"\b(?:child|joint|shared|sole)\s+custody\b|\bcustody\s+(?:disputes?|exchanges?|orders?|battle|issues?|"
         r"case|matter|hearing|agreement|violations?)\b|\bcustodial\s+interference\b|"
         r"\brestraining\s+order\b|\bprotective\s+order\b"),
    rule("review", "personal use",
         r"\bmy\s+(?:own\s+)?(?:car|vehicle|truck|wife|husband|ex|girlfriend|boyfriend|son|daughter|neighbou?r)\b|"
         r"\bpersonal\s+(?:use|reasons?|matter)\b"),
)

FEDERAL_RULE = "federal searching organization"
_FEDERAL_DEPARTMENTS = ("GSA", "HHS", "USDA", "SSA", "DOL", "HUD", "DOT", "EPA", "OPM", "DoD", "DOD", "DHS", "VA", "SBA",
                        "DOE", "USPS", "DOJ", "FDIC", "NASA")
_STATE_OFFICE = (rf"\b{_STATE}\s+(?:state\s+)?(?:(?:office|dept\.?|department|division|agency|bureau)\s+of\b|"
                 r"DHS\b|homeland\s+security\b)")


def _agency(name: str, pattern: str, unless: str | None = None) -> Rule:
    """A federal agency, known by its names and abbreviations; a state's own office of the
    same name ("Georgia Office of Homeland Security") is not one."""
    return rule("federal", name, pattern, unless=_STATE_OFFICE + (f"|{unless}" if unless else ""))


FEDERAL: tuple[Rule, ...] = (
    rule("federal", "[Federal] tag", r"^\s*\[federal\]"),
    _agency("FBI", _abbr("FBI") + r"|\bfederal\s+bureau\s+of\s+investigation\b"),
    _agency("ICE / ERO", _abbr("ICE", "ERO") + r"|\bimmigration\s+(?:and|&)\s+customs\b|"
            r"\benforcement\s+(?:and|&)\s+removal\b", unless=_FROZEN_ICE),
    _agency("HSI", _abbr("HSI") + r"|\bhomeland\s+security\s+investigations?\b"),
    _agency("DHS", _abbr("DHS") + r"|(?:^\s*|\bU\.?\s?S\.?\s+|\bunited\s+states\s+)(?:dept\.?|department)\s+of\s+"
            r"homeland\s+security\b", unless=r"\bDHS\s+(?:PD|police)\b"),
    _agency("CBP / Border Patrol", _abbr("CBP", "USBP") + r"|\bcustoms\s+(?:and|&)\s+border\b|\bborder\s+patrol\b|"
            r"\bU\.?\s?S\.?\s+customs\b"),
    _agency("DEA", _abbr("DEA") + r"|\bdrug\s+enforcement\s+administration\b"),
    _agency("ATF", _abbr("ATF", "BATFE") + r"|\balcohol,?\s+tobacco,?\s+(?:and\s+)?firearms\b"),
    _agency("US Marshals", _abbr("USMS") + r"|\b(?:U\.?\s?S\.?|united\s+states)\s+marshals?\b"),
    _agency("NCIS", _abbr("NCIS") + r"|\bnaval\s+criminal\s+investigative\b"),
    _agency("Secret Service", _abbr("USSS") + r"|\bsecret\s+service\b"),
    _agency("VA Police", r"^\s*VA\s+police\b|\bveterans\s+affairs\b|" + _abbr("VAMC") +
            r"|\bVA\s+medical\s+center\b"),
    _agency("IRS-CI", _abbr("IRS", "IRS-CI", "TIGTA") + r"|\binternal\s+revenue\s+service\b"),
    _agency("USPIS", _abbr("USPIS") + r"|\bpostal\s+(?:inspect\w*|police)\b"),
    _agency("FPS", _abbr("FPS") + r"|\bfederal\s+protective\s+service\b", unless=r"\bpublic\s+schools?\b"),
    _agency("TSA / Air Marshals", _abbr("TSA", "FAMS") + r"|\btransportation\s+security\s+administration\b|"
            r"\bfederal\s+air\s+marshals?\b"),
    _agency("US Park Police / land agencies", _abbr("USPP", "USFS", "USFWS") +
            r"|\b(?:U\.?\s?S\.?|united\s+states)\s+park\s+police\b|\bnational\s+park\s+service\b|"
            r"\b(?:U\.?\s?S\.?|USDA|united\s+states)\s+forest\s+service\b|\bfish\s+(?:and|&)\s+wildlife\s+service\b|"
            r"\bbureau\s+of\s+(?:land\s+management|indian\s+affairs|reclamation)\b"),
    _agency("US Capitol Police", _abbr("USCP") + r"|\b(?:U\.?\s?S\.?|united\s+states)\s+capitol\s+police\b"),
    _agency("military bases and investigators", _abbr("AFOSI", "CGIS", "AFB") +
            r"|\barmy\s+(?:CID|criminal\s+investigation)|\bair\s+force\s+(?:OSI|office\s+of\s+special|security\s+forces)|"
            r"\b(?:air\s+force|army|navy|naval|marine\s+corps)\s+(?:base|station|air\s+station|depot)\b|"
            r"\bcoast\s+guard\b|\bpentagon\s+force\s+protection\b|\bmilitary\s+police\b"),
    _agency("federal inspectors general", _abbr(*_FEDERAL_DEPARTMENTS) +
            r"\s*-?\s*(?:OIG|office\s+of\s+(?:the\s+)?inspector\s+general)\b|\bsocial\s+security\s+administration\b"),
    _agency("DOJ / US Attorney", _abbr("USDOJ", "USAO") +
            r"|\b(?:U\.?\s?S\.?|united\s+states)\s+(?:department\s+of\s+justice|DOJ|attorney)|"
            r"\bfederal\s+bureau\s+of\s+prisons\b|\bdiplomatic\s+security\b"),
)


def portable(pattern: re.Pattern[str]) -> str:
    """The pattern for polars' (Rust) regex engine: same syntax, flags spelled inline.

    Patterns here avoid what the two engines disagree on (look-around, backreferences)."""
    return f"(?i){pattern.pattern}" if pattern.flags & re.IGNORECASE else pattern.pattern


def custom_rule(category: str, term: str) -> Rule:
    """An organization's own term, matched as a whole word or phrase, named so it shows as theirs."""
    words = r"\s+".join(re.escape(w) for w in term.split())
    # Not \b: a term may start or end with punctuation ("C.A.R.E."); no look-around either,
    # which the columnar engine's regex does not have.
    return rule(category, f"custom term “{term}”", rf"(?:^|\W){words}(?:\W|$)")


def reason_flags(reason: str, extra: tuple[Rule, ...] = ()) -> list[tuple[str, str]]:
    """(category, rule name) of every rule the stated reason matches."""
    return [(r.category, r.name) for r in (*RULES, *extra) if reason and r.matches(reason)]


def federal_agency(organization: str, agencies: tuple[Rule, ...] = FEDERAL) -> str | None:
    """The federal agency (its rule's name) a searching organization's name shows, if any."""
    return next((r.name for r in agencies if organization and r.matches(organization)), None)


def is_federal(organization: str) -> bool:
    return federal_agency(organization) is not None
