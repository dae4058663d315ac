"""The agency pickers' search endpoint and form fields (requests_app/agencies/pickers.py)."""

from __future__ import annotations

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from requests_app.agencies.models import Agency, AgencyAlias
from requests_app.agencies.pickers import (
    AgencyChoiceField,
    AgencyMultipleChoiceField,
    AgencyPickerMixin,
    PickerItem,
    place_of,
)
from requests_app.agencies.selectors import agency_matches
from tests.factories import AgencyFactory, directory_of, state

pytestmark = pytest.mark.django_db

SEARCH = reverse("agency-search-json")


@pytest.fixture
def lane():
    """Agencies of Lane County, Oregon, and a Eugene elsewhere, as the FBI roster has them."""
    eugene = AgencyFactory(name="Eugene Police Department", jurisdiction=state("OR"), ori="OR0200200",
                           city="Eugene", county="Lane", records_email="records@eugene.example.gov")
    AgencyAlias.objects.create(agency=eugene, name="Eugene OR PD", source=AgencyAlias.Source.FLOCK)
    return {
        "eugene": eugene,
        "university": AgencyFactory(name="University of Oregon Police Department", jurisdiction=state("OR"),
                                    ori="OR0201800", city="Eugene", county="Lane",
                                    portal_url="https://uo.example.edu/records"),
        "sheriff": AgencyFactory(name="Lane County Sheriff's Office", jurisdiction=state("OR"),
                                 kind=Agency.Kind.SHERIFF, ori="OR0200000", county="Lane"),
        "eugene_mo": AgencyFactory(name="Eugene Police Department", jurisdiction=state("MO")),
    }


def names(response) -> list[str]:
    return [item["label"] for item in response.json()["results"]]


# The search endpoint ------------------------------------------------------------------


def test_the_search_endpoint_needs_a_login(lane):
    response = Client().get(SEARCH, {"q": "eugene"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_it_answers_the_directory_search_best_match_first(alice_client, lane):
    response = alice_client.get(SEARCH, {"q": "eugene"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    # Names starting with the query, then the agencies of the city of Eugene; by name and state within a rank.
    assert names(response) == ["Eugene Police Department (MO)", "Eugene Police Department (OR)",
                               "University of Oregon Police Department (OR)"]
    assert names(alice_client.get(SEARCH, {"q": "OR0201800"})) == ["University of Oregon Police Department (OR)"]
    assert names(alice_client.get(SEARCH, {"q": "Eugene PD OR"})) == ["Eugene Police Department (OR)"]


def test_each_result_tells_agencies_of_one_name_apart(alice_client, lane):
    results = alice_client.get(SEARCH, {"q": "OR0200200"}).json()["results"]
    assert results == [{
        "id": lane["eugene"].pk, "name": "Eugene Police Department", "state": "OR",
        "label": "Eugene Police Department (OR)", "place": "Eugene, Lane County", "kind": "Police department",
        "has_email": True, "has_portal": False, "has_address": True, "contact": "records email",
        "facts": "Eugene, Lane County · Police department · records email",
    }]


def test_it_returns_at_most_limit_results_and_says_when_more_match(alice_client):
    directory_of(30)
    first = alice_client.get(SEARCH, {"q": "directory agency", "limit": "5"}).json()
    assert len(first["results"]) == 5 and first["more"] is True
    default = alice_client.get(SEARCH, {"q": "directory agency"}).json()
    assert len(default["results"]) == 20 and default["more"] is True
    assert alice_client.get(SEARCH, {"q": "directory agency", "limit": "50"}).json()["more"] is False


@pytest.mark.parametrize("limit", ["0", "51", "ten", "-3"])
def test_a_limit_out_of_range_is_refused_with_a_reason(alice_client, limit):
    response = alice_client.get(SEARCH, {"q": "eugene", "limit": limit})
    assert response.status_code == 400
    assert response.json() == {"error": "limit must be a whole number from 1 to 50."}


@pytest.mark.parametrize("q", ["", "   "])
def test_an_empty_query_finds_nothing_rather_than_the_whole_directory(alice_client, lane, q):
    response = alice_client.get(SEARCH, {"q": q})
    assert response.json() == {"query": "", "results": [], "more": False}
    assert alice_client.get(SEARCH).json()["results"] == []


def test_the_search_costs_the_same_queries_however_many_agencies_it_finds(alice_client, django_assert_num_queries):
    directory_of(60)
    alice_client.get(SEARCH, {"q": "directory"})  # the session and membership, read once
    with django_assert_num_queries(4):  # session, user, membership, the search
        alice_client.get(SEARCH, {"q": "directory agency 1"})
    with django_assert_num_queries(4):
        alice_client.get(SEARCH, {"q": "directory", "limit": "50"})


# What a picker shows of an agency -------------------------------------------------------


@pytest.mark.parametrize("code, city, county, expected", [
    ("OR", "Eugene", "Lane", "Eugene, Lane County"),
    ("OR", "", "Lane", "Lane County"),
    ("TX", "Plano", "Collin, Denton", "Plano, Collin, Denton Counties"),
    ("LA", "Gretna", "Jefferson Parish", "Gretna, Jefferson Parish"),
    ("LA", "Shreveport", "Caddo", "Shreveport, Caddo Parish"),
    ("OR", "", "", ""),
])
def test_the_place_is_the_city_and_county(db, code, city, county, expected):
    assert place_of(Agency(city=city, county=county, jurisdiction=state(code))) == expected


def test_the_contact_says_which_way_the_agency_takes_requests(lane):
    assert PickerItem.of(lane["university"]).contact == "records portal"
    assert PickerItem.of(lane["sheriff"]).contact == "mailing address only"
    assert PickerItem.of(AgencyFactory(mailing_address="")).contact == "no records contact yet"


def test_matches_for_a_blank_query_are_none(lane):
    assert agency_matches(query=" ", limit=10).agencies == []


# The form fields ----------------------------------------------------------------------


class OneAgency(AgencyPickerMixin, forms.Form):
    agency = AgencyChoiceField()


class ManyAgencies(AgencyPickerMixin, forms.Form):
    agencies = AgencyMultipleChoiceField()


def test_a_picked_agency_id_is_accepted(lane):
    form = OneAgency({"agency": str(lane["eugene"].pk)})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["agency"] == lane["eugene"]


@pytest.mark.parametrize("value, message", [
    ("", "Choose an agency: type part of its name, city, county or ORI and pick one from the list."),
    ("999999", "No agency in the directory has the id “999999”. Choose an agency: type part of its name, "
               "city, county or ORI and pick one from the list."),
    ("Eugene Police Department", "No agency in the directory has the id “Eugene Police Department”. Choose an "
                                 "agency: type part of its name, city, county or ORI and pick one from the list."),
    ("99999999999999999999999", "No agency in the directory has the id “99999999999999999999999”. Choose an "
                                "agency: type part of its name, city, county or ORI and pick one from the list."),
])
def test_an_unknown_or_missing_agency_is_refused_with_how_to_pick_one(lane, value, message):
    form = OneAgency({"agency": value})
    assert not form.is_valid()
    assert form.errors["agency"] == [message]


def test_many_picked_ids_are_accepted_and_an_unknown_one_refused(lane):
    picked = ManyAgencies({"agencies": [lane["eugene"].pk, lane["sheriff"].pk]})
    assert picked.is_valid(), picked.errors
    assert set(picked.cleaned_data["agencies"]) == {lane["eugene"], lane["sheriff"]}
    unknown = ManyAgencies({"agencies": [lane["eugene"].pk, 999999]})
    assert not unknown.is_valid()
    assert unknown.errors["agencies"] == ["No agency in the directory has the id “999999”. Pick at least one "
                                          "agency: type part of a name, city, county or ORI and pick from the list."]
    assert ManyAgencies({"agencies": ["x"]}).errors["agencies"][0].startswith("“x” is not an agency id.")


def test_find_agencies_is_a_search_step_that_neither_validates_nor_shows_errors(lane):
    form = OneAgency({"agency_query": "lane county", "agency_find": "1"})
    assert form.search_step and not form.is_valid() and not form.errors
    html = str(form["agency"])
    assert "Lane County Sheriff&#x27;s Office (OR)" in html and 'value="lane county"' in html
    assert "Eugene Police Department (OR)" in html  # of Lane County
    assert 'type="radio"' in html and "(MO)" not in html  # only what matched


def test_the_picker_shows_the_chosen_agencies_checked_and_not_again_among_the_matches(lane):
    form = ManyAgencies({"agencies": [lane["sheriff"].pk], "agencies_query": "lane", "agencies_find": "1"})
    html = str(form["agencies"])
    assert html.count(f'value="{lane["sheriff"].pk}"') == 1
    assert f'value="{lane["sheriff"].pk}" data-label="Lane County Sheriff&#x27;s Office (OR)"' in html
    assert "Chosen agencies (1)" in html and 'type="checkbox"' in html


def test_without_a_search_the_picker_lists_no_agency(lane):
    html = str(OneAgency()["agency"])
    assert "Police Department" not in html and "Find agencies" in html
    assert "required" not in html  # the box is not the value: an empty box must not stop the form


def test_more_matches_than_the_page_lists_ask_to_refine_the_search():
    directory_of(60)
    html = str(ManyAgencies({"agencies_query": "directory", "agencies_find": "1"})["agencies"])
    assert html.count('type="checkbox"') == 50
    assert "More than 50 agencies match: refine your search" in html
