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

VERSION = "2026.11.1"

CATEGORIES = {
    "immigration": "Immigration enforcement",
    "reproductive_health": "Reproductive health",
    "protest": "Protest / First Amendment",
    "review": "Other review flags",
    "federal": "Federal searcher",
}

CAVEATS = (
    "“ice” can mean methamphetamine; searches are flagged for ICE only when the word is not used in a drug context.",
    "HSI (Homeland Security Investigations) also runs narcotics cases; HSI searches that name drugs are not flagged.",
    "Dropdown reasons (“Property Crime”, “Other - Not Applicable”) hide intent: the absence of a keyword is not "
    "the absence of immigration use.",
    "Every flag names the rule that matched, so a person can check it against the record.",
)

_DRUGS = r"\b(?:meth|methamphetamine|narc\w*|drugs?|possession|dealing|dealer|sell\w*|trafficking|crystal)\b"


@dataclass(frozen=True)
class Rule:
    category: str
    name: str
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None = None

    def matches(self, text: str) -> bool:
        return bool(self.pattern.search(text)) and not (self.unless and self.unless.search(text))


def rule(category: str, name: str, pattern: str, unless: str | None = None) -> Rule:
    return Rule(category, name, re.compile(pattern, re.IGNORECASE),
                re.compile(unless, re.IGNORECASE) if unless else None)


RULES: tuple[Rule, ...] = (
    rule("immigration", "ICE", r"\bICE\b", unless=_DRUGS),
    rule("immigration", "ERO / enforcement and removal", r"\bERO\b|\benforcement\s+(?:and|&)\s+removal\b"),
    rule("immigration", "HSI / Homeland Security", r"\bHSI\b|\bhomeland\s+security\b", unless=_DRUGS),
    rule("immigration", "CBP / Border Patrol", r"\bCBP\b|\bUSBP\b|\bborder\s+patrol\b"),
    rule("immigration", "deportation / removal order", r"\bdeport\w*|\bremoval\s+order\b"),
    rule("immigration", "DHS / USCIS", r"\bDHS\b|\bUSCIS\b"),
    rule("immigration", "immigration", r"\bimmigra\w*"),
    rule("reproductive_health", "abortion", r"\babortion\w*"),
    rule("reproductive_health", "Planned Parenthood", r"\bplanned\s+parenthood\b"),
    rule("reproductive_health", "reproductive", r"\breproductive\b"),
    rule("reproductive_health", "miscarriage", r"\bmiscarr\w*"),
    rule("reproductive_health", "mifepristone / misoprostol", r"\bmifepristone\b|\bmisoprostol\b"),
    rule("protest", "protest", r"\bprotest\w*"),
    rule("protest", "demonstration", r"\bdemonstrat\w*"),
    rule("protest", "rally / picket", r"\brally\b|\brallies\b|\bpicket\w*"),
    rule("protest", "No Kings / 50501 / Hands Off", r"\bno\s+kings\b|\b50501\b|\bhands\s+off\b"),
    rule("protest", "riot / civil unrest", r"\briot\w*|\bcivil\s+unrest\b"),
    rule("review", "gender-affirming care", r"\bgender[\s-]+affirming\b|\btransgender\b|\bgender\s+transition\b"),
    rule("review", "religion", r"\bmosque\b|\bsynagogue\b|\bchurch\b|\breligio\w*"),
    rule("review", "journalist", r"\bjournalist\w*|\breporter\w*"),
    rule("review", "custody / restraining order", r"\bcustody\b|\brestraining\s+order\b|\bprotective\s+order\b"),
    rule("review", "personal use", r"\bmy\s+(?:car|vehicle|truck|wife|husband|ex|girlfriend|boyfriend)\b"),
)

FEDERAL_RULE = "federal searching organization"
_FEDERAL_ORG = re.compile(
    r"^\s*\[federal\]|\b(?:FBI|DEA|ATF|ICE|HSI|CBP|DHS|USMS|U\.?S\.? Marshals?|Homeland Security|"
    r"Border Patrol|Immigration and Customs)\b", re.IGNORECASE)


def portable(pattern: re.Pattern[str]) -> str:
    """The pattern for polars' (Rust) regex engine: same syntax, flags spelled inline.

    Patterns here avoid what the two engines disagree on (look-around, backreferences)."""
    return f"(?i){pattern.pattern}" if pattern.flags & re.IGNORECASE else pattern.pattern


FEDERAL_ORG_PATTERN = portable(_FEDERAL_ORG)


def custom_rule(category: str, term: str) -> Rule:
    """An organization's own term, matched as a whole word or phrase, named so it shows as theirs."""
    words = r"\s+".join(re.escape(w) for w in term.split())
    # Not \b: a term may start or end with punctuation ("C.A.R.E."); no look-around either,
    # which the columnar engine's regex does not have.
    return rule(category, f"custom term “{term}”", rf"(?:^|\W){words}(?:\W|$)")


def reason_flags(reason: str, extra: tuple[Rule, ...] = ()) -> list[tuple[str, str]]:
    """(category, rule name) of every rule the stated reason matches."""
    return [(r.category, r.name) for r in (*RULES, *extra) if reason and r.matches(reason)]


def is_federal(organization: str) -> bool:
    return bool(organization and _FEDERAL_ORG.search(organization))
