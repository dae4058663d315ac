"""First drafts of a jurisdiction's closed days, from the ``holidays`` package.

The package is a lead, not a source: its state calendars count days on which offices stay
open (Susan B. Anthony Day in New York) and miss days on which they close (Election Day in
Virginia). The data files list the reviewed dates; this module only generates the draft and
applies a file's ``corrections`` to it, so that every difference is written down with its
reason (see data/README.md).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import holidays


def package_days(code: str, year: int) -> set[tuple[date, str]]:
    """(day, name) pairs the package lists for "US" or a state code in ``year``."""
    subdivision = None if code == "US" else code
    listed = holidays.country_holidays("US", subdiv=subdivision, years=year)
    return {(day, name) for day, names in listed.items() for name in names.split("; ")}


def corrected(days: set[tuple[date, str]], corrections: list[dict[str, Any]], year: int) -> set[tuple[date, str]]:
    """``days`` (the draft of ``year``) with the file's corrections of that year applied."""
    result = set(days)
    for correction in corrections:
        entry = (date.fromisoformat(correction["date"]), correction["name"])
        if entry[0].year != year:
            continue
        if correction["change"] == "removed":
            result.discard(entry)
        else:
            result.add(entry)
    return result
