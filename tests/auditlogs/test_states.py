"""The state of an organization read from its name: the code after the place, not the last
two capitals; kinds of agency spelled like states; words spelled like codes."""

from __future__ import annotations

import polars as pl
import pytest

from requests_app.auditlogs import frames, parse
from requests_app.auditlogs.states import state_of

NAMED = [
    # Flock's "<place> <state> <kind>"
    ("Riverside County CA SD", "CA"),
    ("San Bernardino County CA SD", "CA"),
    ("Okaloosa County FL SO", "FL"),
    ("Orange County FL SO", "FL"),
    ("Portland OR PD", "OR"),
    ("Fort Wayne IN PD", "IN"),
    ("Des Moines IA Police", "IA"),
    ("Honolulu HI PD", "HI"),
    ("Tulsa OK PD", "OK"),
    ("Worcester MA PD", "MA"),
    ("Fargo ND PD", "ND"),
    ("Dover DE PD", "DE"),
    ("Baltimore County MD PD", "MD"),
    ("Augusta ME PD", "ME"),
    ("Weld County CO SO", "CO"),
    ("Minnehaha County SD SO", "SD"),
    ("Pennington County SD SD", "SD"),
    ("Harrisburg PA Police", "PA"),
    ("Kansas City MO PD", "MO"),
    ("Kansas City KS PD", "KS"),
    ("Washington County PA", "PA"),
    ("Eugene PD OR", "OR"),
    ("DeKalb Co. GA", "GA"),
    ("DeKalb CO GA", "GA"),
    ("Miami-Dade PD (FL)", "FL"),
    ("Salem Police Department (OR)", "OR"),
    ("ME Office of Investigations", "ME"),
    ("TX - Houston PD", "TX"),
    ("FORT WAYNE IN PD", "IN"),
    ("CITY OF PORTLAND OR", "OR"),
    ("RIVERSIDE COUNTY CA SD", "CA"),
    # a state's own agencies, by name
    ("South Dakota Highway Patrol", "SD"),
    ("Indiana State Police", "IN"),
    ("INDIANA STATE POLICE", "IN"),
    ("West Virginia State Police", "WV"),
    ("Georgia Office of Homeland Security", "GA"),
    ("Texas DPS", "TX"),
    ("New Mexico Department of Public Safety", "NM"),
    ("POLICIA DE PUERTO RICO", "PR"),
]

TRAPS = [
    # words spelled like codes
    ("Sheriff's Office in Orange County", None),
    ("Me and Ok Security", None),
    ("Hi-Desert Narcotics Task Force", None),
    ("Police Or Sheriff Unknown", None),
    ("Policía de Puerto Rico", "PR"),
    ("SHERIFF IN CHARGE OF RECORDS", None),
    ("OK CORRAL SECURITY LLC", None),
    # places named after a state, which can be in any state
    ("Washington County Sheriff", None),
    ("Kansas City PD", None),
    ("Washington Township Police", None),
    ("Fort Washington PD", None),
    ("Delaware County Sheriff", None),
    ("Nevada City Police Department", None),
    ("OKLAHOMA CITY POLICE DEPARTMENT", None),
    # no state at all
    ("Flock Safety", None),
    ("", None),
]


@pytest.mark.parametrize(("name", "state"), NAMED)
def test_it_reads_the_state_after_the_place(name, state):
    assert state_of(name) == state


@pytest.mark.parametrize(("name", "state"), TRAPS)
def test_it_does_not_take_a_word_or_a_place_for_a_state(name, state):
    assert state_of(name) == state


def test_the_corpus_has_enough_names():
    assert len(NAMED) + len(TRAPS) >= 40


def test_searches_and_sharing_lists_read_the_state_the_same_way():
    names = [name for name, _ in NAMED + TRAPS]
    table = frames._searcher_table(pl.Series("organization", names, dtype=pl.String))
    assert table["organization_state"].to_list() == [state or "" for _, state in NAMED + TRAPS]
    relation, = parse.to_relations(2, {"organization": "Riverside County CA SD"})
    assert relation.state == "CA"
