"""Due dates worked out by hand from each statute and the state's official calendar (the
cases in due_date_cases/*.json, each naming its calendar and showing its counting), checked
against what the app computes from the law data."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from requests_app.deadlines.rules import calendar_for, statutory_dates
from requests_app.laws.models import PublicRecordsLaw

CASES_DIR = Path(__file__).parent / "due_date_cases"
CASES = [case for path in sorted(CASES_DIR.glob("*.json"))
         for case in json.loads(path.read_text(encoding="utf-8"))]
WINTER_WEEKS = {2025: (date(2025, 11, 27), date(2026, 1, 2)), 2026: (date(2026, 11, 26), date(2027, 1, 2)),
                2027: (date(2027, 11, 25), date(2028, 1, 2))}


def _case_id(case: dict) -> str:
    ack = f"-ack{case['acknowledged']}" if case.get("acknowledged") else ""
    return f"{case['code']}-{case['deadline']}-{case['received']}-{case['via']}{ack}"


def test_the_cases_cover_80_dates_in_20_jurisdictions_and_the_winter_holidays_of_each_year():
    assert len(CASES) >= 80
    assert len({c["code"] for c in CASES}) >= 20
    for year, (start, end) in WINTER_WEEKS.items():
        touching = [c for c in CASES if start <= date.fromisoformat(c["expected"]) and
                    date.fromisoformat(c["received"]) <= end]
        assert len(touching) >= 5, f"few cases run through Thanksgiving to New Year {year}"
    for case in CASES:
        assert case["worked"] and case["calendar"], _case_id(case)


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_the_app_reaches_the_hand_worked_date(case):
    law = PublicRecordsLaw.objects.select_related("jurisdiction").prefetch_related("deadlines").get(
        jurisdiction__code=case["code"])
    acknowledged = date.fromisoformat(case["acknowledged"]) if case.get("acknowledged") else None
    dates = statutory_dates(law, sent_on=date.fromisoformat(case["received"]), via=case["via"],
                            calendar=calendar_for(law.jurisdiction), acknowledged_on=acknowledged)
    result = dates.acknowledgment if case["deadline"] == "acknowledgment" else dates.response
    assert result is not None and result.due == date.fromisoformat(case["expected"]), (
        f"{case['worked']}\n\nThe app: {dates.receipt.explanation} {result.explanation if result else ''}")
