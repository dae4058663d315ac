import polars as pl
import pytest

from requests_app.agencies import federal_names
from requests_app.auditlogs import frames, rules
from tests.auditlogs.rules_corpus import load

REASONS = load("reasons")
ORGANIZATIONS = load("organizations")


def test_the_corpus_holds_positives_and_traps_of_every_kind():
    assert len(REASONS) >= 200 and len(ORGANIZATIONS) >= 100
    for category in ("immigration", "reproductive_health", "protest", "review"):
        assert sum(category in expected for _, expected in REASONS) >= 15, category
    assert sum(not expected for _, expected in REASONS) >= 100
    assert sum(not expected for _, expected in ORGANIZATIONS) >= 30


@pytest.mark.parametrize("reason, expected", REASONS, ids=[text for text, _ in REASONS])
def test_each_reason_gets_its_expected_categories(reason, expected):
    assert {category for category, _ in rules.reason_flags(reason)} == expected


@pytest.mark.parametrize("name, expected", ORGANIZATIONS, ids=[text for text, _ in ORGANIZATIONS])
def test_each_organization_is_federal_or_not_as_labelled(name, expected):
    assert federal_names.is_federal(name) == ("federal" in expected)


def test_the_columnar_rules_agree_on_the_whole_corpus():
    """Polars runs the same patterns in Rust's engine: every corpus line must come out alike."""
    organizations = [name for name, _ in ORGANIZATIONS]
    batch = pl.DataFrame({"organization": organizations + ["Eugene OR PD"] * len(REASONS),
                          "reason": ["Property Crime"] * len(ORGANIZATIONS) + [text for text, _ in REASONS]})
    flagged = frames.Flagger()(batch)
    expected = [e for _, e in ORGANIZATIONS] + [e for _, e in REASONS]
    got = [frozenset(filter(None, categories.split(","))) for categories in flagged["categories"]]
    assert [(text, g) for text, g, e in zip(batch["organization"] + " / " + batch["reason"], got, expected)
            if g != e] == []


@pytest.mark.parametrize("name, agency", [
    ("Federal Bureau of Investigation", "FBI"), ("Customs and Border Protection", "CBP / Border Patrol"),
    ("NCIS Norfolk Field Office", "NCIS"), ("VA Police - Bay Pines", "VA Police"), ("DHS PD", None),
])
def test_a_federal_searcher_is_known_by_its_agency(name, agency):
    assert federal_names.federal_agency(name) == agency


def test_an_explicit_immigration_term_is_not_hidden_by_the_drug_context():
    assert rules.reason_flags("ICE detainer – prior possession") == [("immigration", "ICE")]
    assert rules.reason_flags("ICE - possession with intent") == []
