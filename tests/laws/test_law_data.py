"""The law data: every file well formed, every verified fact backed by a primary source,
and the facts a records researcher found wrong in the first compilation put right."""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest

from requests_app.deadlines.calendars import BusinessCalendar
from requests_app.laws.checks import is_primary, problems_of
from requests_app.laws.loader import JURISDICTIONS_DIR, LawDataError, load_laws, read_law_data
from requests_app.laws.models import Jurisdiction, LawFact, PublicRecordsLaw, StatutoryDeadline

STATES = (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
    "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY"
).split()
CODES = ["US", "DC", *STATES]


def _file(code: str) -> dict:
    return json.loads((JURISDICTIONS_DIR / f"{code}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("code", CODES)
def test_each_file_is_well_formed_and_its_closed_days_match_the_package_with_its_corrections(code):
    assert problems_of(_file(code)) == []


@pytest.mark.django_db
def test_all_52_jurisdictions_are_loaded_by_migration():
    codes = set(PublicRecordsLaw.objects.values_list("jurisdiction__code", flat=True))
    assert codes == set(CODES)
    assert Jurisdiction.objects.get(code="US").kind == Jurisdiction.Kind.FEDERAL
    assert Jurisdiction.objects.get(code="DC").kind == Jurisdiction.Kind.STATE


@pytest.mark.django_db
def test_every_verified_fact_cites_a_primary_source_with_its_url_and_the_date_it_was_read():
    verified = [*LawFact.objects.filter(status="verified"), *StatutoryDeadline.objects.filter(status="verified")]
    assert verified, "no fact is verified"
    for fact in verified:
        assert any(is_primary(s) for s in fact.sources), fact
        assert fact.verified_on is not None, fact
    for law in PublicRecordsLaw.objects.filter(status="verified").prefetch_related("deadlines", "facts"):
        assert law.response_deadline.verified
        assert law.facts.get(key="act").verified and law.facts.get(key="letter.timing").verified


@pytest.mark.parametrize("code", CODES)
def test_every_law_has_a_response_clock_a_timing_paragraph_and_fee_rules(code):
    data = _file(code)
    response = [d for d in data["deadlines"] if d["kind"] == "response"]
    assert len(response) == 1 and response[0]["requires"]
    assert data["letter"]["timing"]["text"], f"{code} has no timing paragraph for its letters"
    assert all(data["fees"][part]["text"] for part in ("copies", "electronic", "labor", "waiver")), code


def test_a_verified_fact_without_a_primary_source_is_a_problem():
    data = _file("TX")
    data["act"]["status"] = "verified"
    data["act"]["sources"] = [sid for sid, s in data["sources"].items() if s["kind"] == "secondary"][:1]
    assert any(p.startswith("act: verified, but cites no primary source") for p in problems_of(data))


@pytest.mark.parametrize(
    "break_it, message",
    [
        (lambda j: j["deadlines"].append(copy.deepcopy(next(d for d in j["deadlines"] if d["kind"] == "response"))),
         "exactly one response deadline"),
        (lambda j: j["deadlines"][0].update(days=None, day_type="business"), "days must be a positive number"),
        (lambda j: j["deadlines"][0].update(day_type="fortnights"), "day_type 'fortnights' is unknown"),
        (lambda j: j["residency"].update(sources=["nowhere"]), "residency: cites unknown sources"),
        (lambda j: j["act"].update(citation=""), "act.citation is missing"),
        (lambda j: j["act"].update(status="sure"), "status 'sure' is not verified/unverified"),
        (lambda j: j["holidays"]["years"]["2026"]["dates"].append(["2026-06-02", "Founders Day"]),
         "differs from the package with no correction saying why"),
        (lambda j: j["counting"].append({"rule": "leap_days", "text": "x", "sources": [], "status": "unverified"}),
         "rule 'leap_days' is unknown"),
        (lambda j: j["counting"].extend([{"rule": "silence_is_denial", "text": "x", "sources": [], "status": "unverified"}] * 2),
         "silence_is_denial more than once"),
    ],
)
def test_the_checker_names_each_problem(break_it, message):
    data = _file("TX")
    break_it(data)
    assert any(message in p for p in problems_of(data)), problems_of(data)


def test_a_broken_file_stops_the_load_with_its_problems(tmp_path):
    data = _file("TX")
    data["deadlines"] = []
    (tmp_path / "TX.json").write_text(json.dumps(data))
    with pytest.raises(LawDataError, match="TX.json: there must be exactly one response deadline"):
        read_law_data(tmp_path)


@pytest.mark.django_db
def test_loading_again_changes_nothing():
    def snapshot():
        deadlines = StatutoryDeadline.objects.order_by("law__jurisdiction__code", "position")
        facts = LawFact.objects.order_by("law__jurisdiction__code", "position")
        return (list(deadlines.values_list("law__jurisdiction__code", "kind", "days", "status")),
                list(facts.values_list("law__jurisdiction__code", "key", "text", "status")))

    before = snapshot()
    result = load_laws()
    assert (result.created, result.updated) == (0, 52)
    assert snapshot() == before


# The facts found wrong in the first compilation --------------------------------------


@pytest.mark.parametrize("code, section", [
    ("US", "552(a)(6)(B)(i)"), ("CA", "7922.535(b)"), ("IL", "3(e)"), ("VA", "2.2-3704(B)(4)"), ("CO", "24-72-203(3)(b)"),
])
def test_extensions_that_need_written_notice_say_so(code, section):
    extension = next(d for d in _file(code)["deadlines"] if d["kind"] == "extension")
    assert extension["written_notice"] is True
    assert section in extension["section"]


def test_new_york_counts_its_response_from_the_acknowledgment():
    deadlines = _file("NY")["deadlines"]
    response = next(d for d in deadlines if d["kind"] == "response")
    assert (response["days"], response["day_type"], response["from"]) == (20, "business", "acknowledgment")
    acknowledgment = next(d for d in deadlines if d["kind"] == "acknowledgment")
    assert (acknowledgment["days"], acknowledgment["day_type"], acknowledgment["from"]) == (5, "business", "receipt")


@pytest.mark.parametrize("code, rule", [
    ("MI", "email_received_next_business_day"),
    ("PA", "received_by_officer"),
    ("TX", "optional_holidays_if_observed"),
    ("TX", "designated_nonbusiness_days"),
])
def test_the_counting_rules_that_change_dates_are_recorded(code, rule):
    assert rule in {r["rule"] for r in _file(code)["counting"]}


# Constructive denial: the states whose statute makes silence past the deadline a denial
# that can be appealed, and whether that was checked against the statute's own text.
SILENCE_IS_DENIAL = {
    "AZ": "unverified", "CT": "verified", "ID": "unverified", "IL": "verified", "IN": "unverified",
    "MD": "unverified", "NJ": "verified", "NY": "verified", "PA": "verified", "RI": "verified",
    "UT": "verified", "VT": "verified",
}


@pytest.mark.django_db
def test_constructive_denial_is_a_field_of_each_law_with_its_rule_s_status():
    laws = PublicRecordsLaw.objects.filter(silence_is_denial=True).select_related("jurisdiction")
    assert {law.jurisdiction.code: law.counting_rule("silence_is_denial")["status"] for law in laws} == SILENCE_IS_DENIAL


@pytest.mark.django_db
def test_the_migration_sets_constructive_denial_for_laws_already_loaded():
    from importlib import import_module

    from django.apps import apps

    PublicRecordsLaw.objects.update(silence_is_denial=False)
    import_module("requests_app.laws.migrations.0006_law_silence_is_denial").forwards(apps, None)
    flagged = set(PublicRecordsLaw.objects.filter(silence_is_denial=True).values_list("jurisdiction__code", flat=True))
    assert flagged == set(SILENCE_IS_DENIAL)


def test_colorado_letters_to_police_also_cite_the_criminal_justice_records_act():
    also = _file("CO")["letter"]["also_cite"]
    assert any(c["applies_to"] == "police" and "24-72-3" in c["citation"] for c in also)


@pytest.mark.parametrize("code", ["VA", "TN", "AR"])
def test_residents_only_laws_give_the_statement_a_letter_carries(code):
    residency = _file(code)["residency"]
    assert residency["limit"] == "yes" and "{signer}" in residency["statement"]


def test_virginia_names_its_media_exception():
    residency = _file("VA")["residency"]
    assert "media" in residency["statement_alternatives"]
    assert any("newspaper" in e.lower() for e in residency["exceptions"])


@pytest.mark.parametrize("code, day, closed", [
    ("NY", date(2025, 2, 12), False),   # Lincoln's Birthday: a floating holiday, offices open
    ("NY", date(2025, 11, 4), False),   # Election Day: a floating holiday, offices open
    ("CO", date(2026, 3, 31), False),   # Cesar Chavez Day: commemorative, offices open
    ("NJ", date(2026, 2, 12), False),   # Lincoln's Birthday: offices open
    ("NJ", date(2025, 11, 4), True),    # General Election Day
    ("VA", date(2025, 11, 4), True),    # Election Day
    ("VA", date(2026, 11, 3), True),
    ("VA", date(2025, 11, 28), True),   # the day after Thanksgiving
    ("VA", date(2027, 11, 26), True),
    ("TX", date(2026, 11, 27), True),   # the day after Thanksgiving, a Texas state holiday
    ("TX", date(2026, 3, 31), False),   # Cesar Chavez Day: optional, open unless the officer observes it
])
def test_closed_days_follow_the_states_own_calendars(code, day, closed):
    assert BusinessCalendar(code).is_business_day(day) is not closed


@pytest.mark.parametrize("code, name", [("NY", "Susan B. Anthony Day"), ("CO", "Cesar Chavez Day"),
                                        ("NJ", "Lincoln's Birthday"), ("FL", "Susan B. Anthony Day")])
def test_days_on_which_offices_stay_open_are_never_closures(code, name):
    """Commemorative days the holidays package counts: in no reviewed year, and not in the
    projection of a later one (Susan B. Anthony Day falls on Tuesday 15 February 2028)."""
    from requests_app.deadlines.calendars import closed_days

    for year in (2025, 2026, 2027, 2028):
        assert not any(name in names for names in closed_days(code, year).values()), (code, year)


@pytest.mark.parametrize("code", CODES)
def test_the_timing_paragraph_speaks_for_the_organization(code):
    """The letter is the organization's ("Washington Watch requests..."): "us", never "me"."""
    import re

    assert not re.search(r"\b(me|my|myself)\b", _file(code)["letter"]["timing"]["text"], re.I), code
