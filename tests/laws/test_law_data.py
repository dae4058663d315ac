from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from requests_app.laws.loader import DATA_FILE, load_laws, validate_law_data
from requests_app.laws.models import Jurisdiction, PublicRecordsLaw, StatutoryDeadline

pytestmark = pytest.mark.django_db

STATES = (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
    "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY"
).split()
REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "state_laws.json"
NO_FIXED_DEADLINE = {"AL", "AZ", "FL", "IA", "MN", "NC", "ND", "OH", "OK", "WI"}


def test_all_52_jurisdictions_have_a_law_loaded_by_migration():
    codes = set(PublicRecordsLaw.objects.values_list("jurisdiction__code", flat=True))
    assert codes == {"US", "DC", *STATES}
    assert Jurisdiction.objects.get(code="US").kind == Jurisdiction.Kind.FEDERAL
    assert Jurisdiction.objects.get(code="DC").kind == Jurisdiction.Kind.STATE


@pytest.mark.parametrize("code", ["US", "DC", *STATES])
def test_every_law_has_citation_rule_sources_and_confidence(code):
    law = PublicRecordsLaw.objects.get(jurisdiction__code=code)
    assert law.name and law.citation
    assert law.sources and all(s.get("url") or s.get("note") for s in law.sources)
    assert law.confidence in {"high", "medium", "low"}
    response = law.response_deadline
    assert response is not None and response.starts_from == "receipt"
    assert response.confidence in {"high", "medium", "low"} and response.source_indexes
    if code in NO_FIXED_DEADLINE:
        assert (response.day_type, response.days) == ("none", None)
        assert response.describe().startswith(law.no_deadline_wording)
    else:
        assert response.day_type in {"business", "calendar"} and response.days > 0


def test_it_keeps_the_reference_deadlines():
    if not REFERENCE.exists():
        pytest.skip(f"the reference data is not beside this checkout ({REFERENCE})")
    reference = {j["code"]: j for j in json.loads(REFERENCE.read_text())}
    for law in PublicRecordsLaw.objects.select_related("jurisdiction"):
        ref = reference[law.jurisdiction.code]
        response = law.response_deadline
        assert (response.days, response.day_type) == (ref["response_days"], ref["day_type"]), law


def test_residency_limits_match_the_statutes():
    limits = dict(PublicRecordsLaw.objects.values_list("jurisdiction__code", "residency_limit"))
    assert {c for c, v in limits.items() if v == "yes"} == {"AL", "AR", "KY", "TN", "VA"}
    assert {c for c, v in limits.items() if v == "disputed"} == {"DE", "NH"}


def test_federal_foia_reads_in_plain_words():
    law = PublicRecordsLaw.objects.get(jurisdiction__code="US")
    assert law.citation == "5 U.S.C. § 552"
    assert law.response_deadline.describe() == "within 20 business days of receipt of the request"
    assert law.deadlines.filter(kind=StatutoryDeadline.Kind.APPEAL, days=90).exists()


def test_a_law_without_a_deadline_reads_as_its_own_standard():
    law = PublicRecordsLaw.objects.get(jurisdiction__code="AZ")
    assert law.response_deadline.describe() == "promptly (the law sets no fixed number of days)"


def test_a_calendar_day_rule_reads_as_calendar_days():
    law = PublicRecordsLaw.objects.get(jurisdiction__code="CA")
    assert law.response_deadline.describe() == "within 10 calendar days of receipt of the request"


def test_a_local_jurisdiction_follows_its_states_law():
    texas = Jurisdiction.objects.get(code="TX")
    austin = Jurisdiction.objects.create(code="TX-AUSTIN", name="Austin", kind="local", parent=texas)
    assert austin.governing_law() == texas.law
    assert austin.state_code == "TX"


def test_loading_again_changes_nothing():
    before = list(StatutoryDeadline.objects.order_by("law__jurisdiction__code", "position").values_list("law__jurisdiction__code", "kind", "days"))
    result = load_laws()
    assert (result.created, result.updated) == (0, 52)
    assert PublicRecordsLaw.objects.count() == 52
    after = list(StatutoryDeadline.objects.order_by("law__jurisdiction__code", "position").values_list("law__jurisdiction__code", "kind", "days"))
    assert before == after


def test_the_data_file_is_valid():
    assert validate_law_data(json.loads(DATA_FILE.read_text())) == []


def _data() -> dict:
    return json.loads(DATA_FILE.read_text())


@pytest.mark.parametrize(
    "break_it, message",
    [
        (lambda j: j["law"]["deadlines"].append(copy.deepcopy(j["law"]["deadlines"][0])), "exactly one response deadline"),
        (lambda j: j["law"]["deadlines"][0].update(days=None), "days must be a positive number"),
        (lambda j: j["law"]["deadlines"][0].update(day_type="fortnights"), "day_type 'fortnights' is unknown"),
        (lambda j: j["law"]["residency"].update(sources=[99]), "residency.sources must cite law.sources"),
        (lambda j: j["law"].update(citation=""), "law.citation is missing"),
        (lambda j: j["law"].update(confidence="sure"), "law.confidence is not high/medium/low"),
    ],
)
def test_the_validator_names_each_problem(break_it, message):
    data = _data()
    texas = next(j for j in data["jurisdictions"] if j["code"] == "TX")
    break_it(texas)
    problems = validate_law_data(data)
    assert any(message in p and p.startswith("TX:") for p in problems), problems


def test_a_local_jurisdiction_must_name_its_state():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Jurisdiction.objects.create(code="XX-NOWHERE", name="Nowhere", kind="local")
    with pytest.raises(IntegrityError), transaction.atomic():
        Jurisdiction.objects.create(code="XX", name="Odd", kind="state", parent=Jurisdiction.objects.get(code="TX"))
