"""Directory search: by ORI, name words, alias, short name, city and county; ranking; paging."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app.agencies.models import Agency, AgencyAlias, AlprVendor
from requests_app.agencies.search import SearchQuery
from requests_app.agencies.selectors import DirectoryFilters, agency_search
from requests_app.agencies.views import PAGE_SIZE
from tests.api.conftest import client_for
from tests.factories import AgencyFactory, state

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory():
    """Agencies of Lane County (OR), Spokane County (WA) and two Plymouths, as the FBI roster has them."""
    eugene = AgencyFactory(name="Eugene Police Department", jurisdiction=state("OR"), ori="OR0200200",
                           city="Eugene", county="Lane")
    AgencyAlias.objects.create(agency=eugene, name="Eugene OR PD", source=AgencyAlias.Source.FLOCK)
    return SimpleNamespace(
        eugene=eugene,
        university=AgencyFactory(name="University of Oregon Police Department", jurisdiction=state("OR"),
                                 ori="OR0201800", city="Eugene", county="Lane"),
        lane=AgencyFactory(name="Lane County Sheriff's Office", jurisdiction=state("OR"), kind=Agency.Kind.SHERIFF,
                           ori="OR0200000", county="Lane"),
        spokane=AgencyFactory(name="Spokane Police Department", ori="WA0320400", city="Spokane", county="Spokane"),
        cheney=AgencyFactory(name="Cheney Police Department", ori="WA0320100", city="Cheney", county="Spokane"),
        spokane_so=AgencyFactory(name="Spokane County Sheriff's Office", kind=Agency.Kind.SHERIFF, ori="WA0320000",
                                 county="Spokane"),
        plymouth_in=AgencyFactory(name="Plymouth Police Department", jurisdiction=state("IN"), ori="IN0500200",
                                  city="Plymouth", county="Marshall"),
        plymouth_mn=AgencyFactory(name="Plymouth Police Department", jurisdiction=state("MN"), ori="MN0271700",
                                  city="Plymouth", county="Hennepin"),
    )


@pytest.fixture
def alice_api(alice):
    return client_for(alice)


def search(q: str = "", **filters) -> list[str]:
    return [a.name for a in agency_search(DirectoryFilters(q=q, **filters))]


def page_names(response) -> list[str]:
    return [a.name for a in response.context["page"].object_list]


# What a query matches ----------------------------------------------------------------


@pytest.mark.parametrize("q", ["OR0200200", "or0200200", " Or0200200 "])
def test_it_finds_an_agency_by_its_ori_in_any_case(directory, q):
    assert search(q) == ["Eugene Police Department"]


def test_an_ori_matches_whole_not_in_part(directory):
    assert search("OR020020") == []


@pytest.mark.parametrize("q", ["eugene police", "police eugene", "EUGENE   Police", "gene poli"])
def test_it_finds_a_name_holding_every_word_in_any_order(directory, q):
    assert search(q) == ["Eugene Police Department"]


def test_every_word_must_be_in_the_name(directory):
    assert search("eugene sheriff") == []


@pytest.mark.parametrize("q", ["Eugene PD OR", "eugene pd or", "OR PD Eugene"])
def test_it_finds_an_agency_through_an_alias(directory, q):
    assert search(q) == ["Eugene Police Department"]


@pytest.mark.parametrize("q", ["Plymouth PD IN", "plymouth pd in"])
def test_it_reads_a_short_name_with_its_state_as_audit_logs_write_it(directory, q):
    found = list(agency_search(DirectoryFilters(q=q)))
    assert found == [directory.plymouth_in]


def test_a_short_name_without_a_state_finds_the_agency_in_every_state(directory):
    found = list(agency_search(DirectoryFilters(q="Plymouth PD")))
    assert found == [directory.plymouth_in, directory.plymouth_mn]  # same name: by state


def test_it_finds_the_agencies_of_a_city(directory):
    assert search("eugene") == ["Eugene Police Department", "University of Oregon Police Department"]


@pytest.mark.parametrize("q", ["spokane", "Spokane County"])
def test_it_finds_the_agencies_of_a_city_and_of_a_county(directory, q):
    assert set(search(q)) == {"Spokane Police Department", "Spokane County Sheriff's Office",
                              "Cheney Police Department"}


def test_a_county_takes_in_agencies_named_after_neither(directory):
    assert search("lane county") == ["Lane County Sheriff's Office", "Eugene Police Department",
                                     "University of Oregon Police Department"]


def test_a_one_or_two_character_query_matches_the_start_of_names(directory):
    assert search("Eu") == ["Eugene Police Department"]
    assert search("e") == ["Eugene Police Department"]  # not every name with an "e" in it


def test_a_query_matching_nothing_finds_nothing(directory):
    assert search("zzzqx") == []


def test_a_blank_query_lists_the_directory_by_name(directory):
    assert search("   ")[:2] == ["Cheney Police Department", "Eugene Police Department"]
    assert len(search("   ")) == 8


# LIKE's wildcards are plain characters -------------------------------------------------


def test_a_percent_sign_in_the_query_is_not_a_wildcard(directory):
    AgencyFactory(name="100% Safe Streets Task Force")
    assert search("%") == []  # a wildcard would match every name
    assert search("100%") == ["100% Safe Streets Task Force"]
    assert search("0% saf") == ["100% Safe Streets Task Force"]


def test_an_underscore_in_the_query_is_not_a_wildcard(directory):
    AgencyFactory(name="Police A_B Unit")
    AgencyFactory(name="Police AXB Unit")
    assert search("a_b") == ["Police A_B Unit"]
    assert search("_") == []


# Ranking -----------------------------------------------------------------------------


def test_an_exact_name_comes_before_a_prefix_and_a_prefix_before_the_rest():
    for name in ["West Springfield Police", "Springfield Police Department", "Police of Springfield",
                 "Springfield Police"]:
        AgencyFactory(name=name)
    assert search("springfield police") == [
        "Springfield Police",  # exact
        "Springfield Police Department",  # starts with the query
        "Police of Springfield",  # the rest, by name
        "West Springfield Police",
    ]


def test_an_exact_alias_ranks_with_an_exact_name():
    named = AgencyFactory(name="Metro Task Force")
    AgencyAlias.objects.create(agency=AgencyFactory(name="Acme Regional Task Force"), name="Metro Task Force Team")
    aliased = AgencyFactory(name="Zeta Police")
    AgencyAlias.objects.create(agency=aliased, name="Metro Task Force")
    AgencyFactory(name="Metro Task Force Unit")
    assert list(agency_search(DirectoryFilters(q="metro task force")))[:2] == [named, aliased]
    assert search("metro task force")[2:] == ["Metro Task Force Unit", "Acme Regional Task Force"]


def test_the_ori_comes_first():
    AgencyFactory(name="Records of wa0320400 Inc")  # names the ORI, so it matches as a name too
    spokane = AgencyFactory(name="Spokane Police Department", ori="WA0320400")
    assert list(agency_search(DirectoryFilters(q="wa0320400")))[0] == spokane


# Filters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q, filters, expected",
    [
        ("police", {"state": "WA"}, ["Cheney Police Department", "Spokane Police Department"]),
        ("spokane", {"kind": "sheriff"}, ["Spokane County Sheriff's Office"]),
        ("plymouth", {"state": "MN"}, ["Plymouth Police Department"]),
        ("eugene", {"state": "WA"}, []),
        ("spokane", {"vendor": "Flock Safety"}, ["Spokane Police Department"]),
    ],
)
def test_filters_narrow_the_search(directory, q, filters, expected):
    directory.spokane.vendors.add(AlprVendor.objects.create(name="Flock Safety"))
    assert search(q, **filters) == expected


def test_the_state_filter_takes_in_local_jurisdictions(directory):
    from requests_app.laws.models import Jurisdiction

    tacoma = Jurisdiction.objects.create(code="WA-TACOMA-TEST", name="Tacoma", kind="local", parent=state("WA"))
    AgencyFactory(name="Tacoma Police Department", jurisdiction=tacoma)
    assert search("tacoma police", state="WA") == ["Tacoma Police Department"]


# The directory page and the API ------------------------------------------------------


def test_the_page_searches_and_keeps_the_query_in_its_page_links(alice_client, directory):
    for n in range(PAGE_SIZE + 1):
        AgencyFactory(name=f"Spokane Extra {n:02} Unit")
    response = alice_client.get(reverse("agency-list"), {"q": "spokane"})
    assert response.context["page"].paginator.count == PAGE_SIZE + 4
    assert len(page_names(response)) == PAGE_SIZE
    assert "?q=spokane&amp;page=2" in response.content.decode()
    second = alice_client.get(reverse("agency-list"), {"q": "spokane", "page": 2})
    assert len(page_names(second)) == 4


def test_the_page_says_when_nothing_matches(alice_client, directory):
    body = alice_client.get(reverse("agency-list"), {"q": "zzzqx"}).content.decode()
    assert "No agency matches these filters." in body


@pytest.mark.parametrize("q", ["spokane", "Eugene PD OR", "police", "OR0200200"])
def test_the_api_finds_the_same_agencies_as_the_page(alice_client, alice_api, directory, q):
    page = alice_client.get(reverse("agency-list"), {"q": q})
    api = alice_api.get("/api/agencies/", {"q": q}).json()
    assert [a["name"] for a in api["results"]] == page_names(page)
    assert [a["id"] for a in api["results"]] == [a.pk for a in page.context["page"].object_list]
    assert page_names(page)


def test_the_api_filters_by_state_and_query_together(alice_api, directory):
    api = alice_api.get("/api/agencies/", {"q": "plymouth", "state": "in"}).json()
    assert [(a["name"], a["state"]) for a in api["results"]] == [("Plymouth Police Department", "IN")]


def test_the_search_page_makes_the_same_number_of_queries_whatever_it_finds(alice_client, directory):
    flock = AlprVendor.objects.create(name="Flock Safety")
    alice_client.get(reverse("agency-list"), {"q": "spokane"})  # the session and organization, warmed up
    with CaptureQueriesContext(connection) as few:
        alice_client.get(reverse("agency-list"), {"q": "spokane"})
    for n in range(20):
        AgencyFactory(name=f"Spokane Extra {n} Unit").vendors.add(flock)
    with CaptureQueriesContext(connection) as many:
        response = alice_client.get(reverse("agency-list"), {"q": "spokane"})
    assert len(page_names(response)) == 23
    assert len(many) == len(few)


# The query as read --------------------------------------------------------------------


def test_a_query_is_cut_to_a_bounded_number_of_words():
    words = SearchQuery.of(" ".join(f"word{n}" for n in range(30))).words
    assert len(words) == 8
    assert len(SearchQuery.of("x" * 500).key) == 100
