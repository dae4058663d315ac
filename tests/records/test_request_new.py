"""The new-request page picks its agency through the directory search, never from a list of them all."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from requests_app.records.models import RecordsRequest
from tests.factories import AgencyFactory, directory_of, state

pytestmark = pytest.mark.django_db

NEW = reverse("request-create")
TERMS = {"title": "Audit logs 2025", "items": ["org-audit", "sharing"], "date_from": "2025-01-01", "date_to": "",
         "fee_cap": "25"}
MAX_PAGE_BYTES = 150_000


def test_a_picked_agency_makes_the_draft(alice_client):
    agency = AgencyFactory(name="Eugene Police Department", jurisdiction=state("OR"))
    response = alice_client.post(NEW, {**TERMS, "agency": agency.pk})
    created = RecordsRequest.objects.get()
    assert response.status_code == 302 and response.url == reverse("request-detail", args=[created.pk])
    assert created.agency == agency and created.title == "Audit logs 2025"


def test_an_unknown_agency_is_refused_with_how_to_pick_one(alice_client):
    response = alice_client.post(NEW, {**TERMS, "agency": "424242"})
    assert response.status_code == 200 and not RecordsRequest.objects.exists()
    assert ("No agency in the directory has the id “424242”. Choose an agency: type part of its name, city, "
            "county or ORI and pick one from the list.") in response.content.decode()


def test_a_missing_agency_is_refused_with_how_to_pick_one(alice_client):
    response = alice_client.post(NEW, TERMS)
    assert "Choose an agency: type part of its name, city, county or ORI and pick one from the list." in (
        response.content.decode())


def test_find_agencies_lists_the_matches_and_keeps_every_other_field(alice_client):
    eugene = AgencyFactory(name="Eugene Police Department", jurisdiction=state("OR"), city="Eugene", county="Lane")
    AgencyFactory(name="Salem Police Department", jurisdiction=state("OR"))
    response = alice_client.post(NEW, {**TERMS, "agency_query": "eugene", "agency_find": "1"})
    assert response.status_code == 200 and not RecordsRequest.objects.exists()
    page = response.content.decode()
    form = response.context["form"]
    assert form["title"].value() == "Audit logs 2025" and form["fee_cap"].value() == "25"
    assert form["items"].value() == ["org-audit", "sharing"] and form["date_from"].value() == "2025-01-01"
    assert f'type="radio" id="id_agency_{eugene.pk}" name="agency" value="{eugene.pk}"' in page
    assert "Salem" not in page
    assert 'class="error"' not in page  # a search step is not a refused form


def test_a_search_step_keeps_the_agency_already_chosen_checked(alice_client):
    eugene = AgencyFactory(name="Eugene Police Department", jurisdiction=state("OR"))
    AgencyFactory(name="Salem Police Department", jurisdiction=state("OR"))
    page = alice_client.post(NEW, {**TERMS, "agency": eugene.pk, "agency_query": "salem",
                                    "agency_find": "1"}).content.decode()
    assert f'name="agency" value="{eugene.pk}" data-label="Eugene Police Department (OR)"' in page
    assert "Chosen agency" in page and "Salem Police Department (OR)" in page


def test_the_agency_page_link_preselects_its_agency(alice_client):
    eugene = AgencyFactory(name="Eugene Police Department", jurisdiction=state("OR"))
    page = alice_client.get(NEW, {"agency": eugene.pk}).content.decode()
    assert re.search(rf'<input type="radio" id="id_agency_{eugene.pk}" name="agency" value="{eugene.pk}" '
                     rf'data-label="Eugene Police Department \(OR\)" data-facts="[^"]*" checked>', page)
    assert alice_client.get(NEW, {"agency": "nonsense"}).status_code == 200


def test_the_page_stays_small_and_lists_no_agency_of_a_large_directory(alice_client, django_assert_max_num_queries):
    directory_of(3000)
    with django_assert_max_num_queries(12):
        response = alice_client.get(NEW)
    assert len(response.content) < MAX_PAGE_BYTES
    assert "Directory Agency" not in response.content.decode()


def test_a_search_step_lists_only_the_agencies_it_found(alice_client):
    directory_of(3000)
    page = alice_client.post(NEW, {**TERMS, "agency_query": "directory agency 2999", "agency_find": "1"})
    html = page.content.decode()
    assert "Directory Agency 2999 (WA)" in html and html.count("Directory Agency") == 2  # its label and data-label
    found = alice_client.post(NEW, {**TERMS, "agency_query": "directory", "agency_find": "1"})
    assert found.content.decode().count('type="radio"') == 50 and len(found.content) < MAX_PAGE_BYTES
