"""Where a state's ALPR law limits sharing, searches that appear to conflict with it.

These are findings for a person to verify, never conclusions: the law data behind them is
a researched draft (DESIGN.md, "ALPR laws that matter to the analysis"), and an export can
mix the agency's own searches with others'.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    law: str
    count: int
    text: str


def findings_for(state: str, *, outside: int, immigration_or_reproductive: int, outside_partners: int = 0,
                 hotlist_sensitive: int = 0) -> list[Finding]:
    """The findings for an agency in ``state``: its own state's law decides, wherever the searchers are."""
    found = []
    if state == "CA" and outside_partners:
        found.append(Finding(
            "California Civil Code § 1798.90.5–.55 (SB 34)", outside_partners,
            f"The agency shares ALPR data with {outside_partners:,} federal, out-of-state or private organizations. "
            "The law limits sharing to public agencies, and the Attorney General's 2023 bulletin reads it as "
            "barring out-of-state and federal sharing: this sharing appears to conflict with it."))
    if state == "CA" and outside:
        found.append(Finding(
            "California Civil Code § 1798.90.5–.55 (SB 34)", outside,
            f"{outside:,} searches in this log were run by federal or out-of-state organizations. The law limits "
            "sharing ALPR information to public agencies, and the Attorney General's 2023 bulletin reads it as "
            "barring sharing with out-of-state and federal agencies: these searches appear to conflict with it."))
    if state == "IL" and immigration_or_reproductive:
        found.append(Finding(
            "625 ILCS 5/2-130 (2023)", immigration_or_reproductive,
            f"{immigration_or_reproductive:,} searches in this log give reasons flagged as immigration enforcement or "
            "reproductive health. Illinois bars sharing ALPR data for immigration or reproductive-care "
            "investigations: these searches appear to conflict with it."))
    if state == "IL" and hotlist_sensitive:
        found.append(Finding(
            "625 ILCS 5/2-130 (2023)", hotlist_sensitive,
            f"{hotlist_sensitive:,} hot-list entries give reasons flagged as immigration enforcement or reproductive "
            "health. Illinois bars sharing ALPR data for immigration or reproductive-care investigations: these "
            "entries appear to conflict with it if the list or its alerts reach other agencies."))
    return found
