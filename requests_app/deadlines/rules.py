"""From the law data in the database to the engine's plain rules and calendars."""

from __future__ import annotations

from requests_app.deadlines.calendars import BusinessCalendar
from requests_app.deadlines.engine import Rule
from requests_app.laws.models import Jurisdiction, PublicRecordsLaw, StatutoryDeadline


def rule_for(law: PublicRecordsLaw, kind: str = StatutoryDeadline.Kind.RESPONSE) -> Rule | None:
    """The law's first clock of this kind, or None if the law sets none."""
    deadline = next((d for d in law.deadlines.all() if d.kind == kind), None)
    if deadline is None:
        return None
    return Rule(days=deadline.days, day_type=deadline.day_type, law=law.name, citation=law.citation)


def calendar_for(jurisdiction: Jurisdiction) -> BusinessCalendar:
    return BusinessCalendar(jurisdiction.state_code)
