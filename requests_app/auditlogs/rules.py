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

from requests_app.agencies import federal_names
from requests_app.agencies.federal_names import FROZEN_ICE, STATE_NAME

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


_DRUGS = (r"\b(?:meth|methamphetamine|crystal|narc\w*|drugs?|possession|dealing|dealer|sell\w*|fentanyl|cocaine|"
          r"heroin|marijuana|controlled\s+substances?|(?:drug|narcotics?)\s+trafficking)\b")
_ICE_NAMED = (r"\bI\.\s?C\.\s?E\b|\bICE\s*[/\s-]\s*(?:ERO|HSI|warrants?|detainers?|holds?|agents?|officers?|removal|"
              r"deport\w*|request(?:ed)?|notification|fugitive|task\s+force|enforcement)\b|"
              r"\b(?:assist(?:ing|ed)?|per|notify|notified)\s+ICE\b")
_STATE_HOMELAND = (rf"\b{STATE_NAME}\s+(?:(?:state\s+)?(?:office|dept\.?|department|division|agency|bureau)\s+of\s+)?"
                   r"homeland\s+security\b")
_HUMAN_SERVICES = rf"\bDHS\s+(?:PD|police)\b|\b{STATE_NAME}\s+DHS\b|\b(?:child|children|welfare|CPS|foster|juvenile)\b"
_PROPERTY_CRIME = (r"\b(?:burglar\w*|theft|thefts|stolen|steal\w*|robbery|robbed|vandal\w*|arson|break[\s-]?ins?|"
                   r"larceny|trespass\w*|graffiti|catalytic)\b")

RULES: tuple[Rule, ...] = (
    rule("immigration", "ICE", r"\bICE\b", unless=f"{_DRUGS}|{FROZEN_ICE}", always=_ICE_NAMED),
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
# The federal agencies as rules, so that frames.py matches them in polars as the rest.
FEDERAL: tuple[Rule, ...] = tuple(rule("federal", a.name, a.pattern, unless=a.unless) for a in federal_names.AGENCIES)


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
