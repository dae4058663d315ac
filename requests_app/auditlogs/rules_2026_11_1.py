"""Rule set 2026.11.1, frozen as it flagged the imports that name it.

Kept so a result stored with this version can be checked against the rules that made it,
and so bench/rules.py measures the current version against it. Not used for new imports.
"""

from __future__ import annotations

from requests_app.auditlogs.rules import Rule, rule

VERSION = "2026.11.1"

_DRUGS = r"\b(?:meth|methamphetamine|narc\w*|drugs?|possession|dealing|dealer|sell\w*|trafficking|crystal)\b"

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

FEDERAL: tuple[Rule, ...] = (
    rule("federal", "federal searching organization",
         r"^\s*\[federal\]|\b(?:FBI|DEA|ATF|ICE|HSI|CBP|DHS|USMS|U\.?S\.? Marshals?|Homeland Security|"
         r"Border Patrol|Immigration and Customs)\b"),
)
