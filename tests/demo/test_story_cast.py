"""How the demo story finds its agencies among same-named ones of other states."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from requests_app.demo import services
from requests_app.demo.cast import AgencyNotFound, StoryAgency, resolve_cast
from tests.factories import AgencyFactory, state

pytestmark = pytest.mark.django_db
CAMBRIDGE = StoryAgency("Cambridge Police Department", "MA", "MA0091100")
EUGENE = StoryAgency("Eugene Police Department", "OR", "OR0200200")


def test_it_finds_an_agency_by_name_in_its_state():
    for code in ("OH", "MN", "MA", "MD"):
        AgencyFactory(name="Cambridge Police Department", jurisdiction=state(code))
    assert resolve_cast([CAMBRIDGE])[CAMBRIDGE].jurisdiction.code == "MA"


def test_it_prefers_the_agency_with_the_ori_to_one_with_the_name():
    AgencyFactory(name="Cambridge Police Department", jurisdiction=state("MA"))
    roster = AgencyFactory(name="Cambridge Police Department (Middlesex)", jurisdiction=state("MA"), ori="MA0091100")
    assert resolve_cast([CAMBRIDGE])[CAMBRIDGE] == roster


def test_it_takes_no_agency_of_another_state_by_its_ori():
    AgencyFactory(name="Cambridge Police Department", jurisdiction=state("OH"), ori="MA0091100")
    with pytest.raises(AgencyNotFound):
        resolve_cast([CAMBRIDGE])


def test_it_names_each_agency_it_cannot_find():
    AgencyFactory(name="Eugene Police Department", jurisdiction=state("OR"))
    AgencyFactory(name="Cambridge Police Department", jurisdiction=state("OH"))
    with pytest.raises(AgencyNotFound) as error:
        resolve_cast([EUGENE, CAMBRIDGE])
    assert "needs Cambridge Police Department (MA, ORI MA0091100), not found" in str(error.value)
    assert "Eugene" not in str(error.value)


def test_seed_demo_says_which_row_was_rejected_and_which_agency_the_story_lacks(tmp_path, monkeypatch):
    rows = list(csv.reader(io.StringIO(services.DEMO_AGENCIES.read_text())))
    for row in rows:
        if row[0] == "Cambridge Police Department":
            row[1] = "Massachusetts"
    with open(tmp_path / "agencies.csv", "w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    monkeypatch.setattr(services, "DEMO_AGENCIES", tmp_path / "agencies.csv")
    out, err = io.StringIO(), io.StringIO()
    missing = r"The story was not told: .*Cambridge Police Department \(MA, ORI MA0091100\)"
    with pytest.raises(CommandError, match=missing):
        call_command("seed_demo", stdout=out, stderr=err)
    assert "agencies: imported 5, updated 0, rejected 1" in out.getvalue()
    assert "rejected line 6 (Cambridge Police Department): unknown state 'Massachusetts'" in err.getvalue()
