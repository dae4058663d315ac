"""Campaigns pick agencies by hand through the directory search, on the new-campaign page and on
the campaign page's "Add agencies"; no page lists the whole directory."""

from __future__ import annotations

import pytest
from django.urls import reverse

from requests_app.campaigns import services
from requests_app.campaigns.models import Campaign
from tests.factories import AgencyFactory, directory_of, state

pytestmark = pytest.mark.django_db

NEW = reverse("campaign-create")
TERMS = {"terms-title": "Audit logs 2025", "terms-items": ["org-audit"], "terms-date_from": "2025-01-01",
         "terms-fee_cap": "40"}
MAX_PAGE_BYTES = 150_000


@pytest.fixture
def oregon():
    return {
        "eugene": AgencyFactory(name="Eugene Police Department", jurisdiction=state("OR"), city="Eugene",
                                county="Lane"),
        "salem": AgencyFactory(name="Salem Police Department", jurisdiction=state("OR"), city="Salem",
                               county="Marion"),
        "lane": AgencyFactory(name="Lane County Sheriff's Office", jurisdiction=state("OR"), county="Lane"),
    }


@pytest.fixture
def campaign(alice):
    return services.campaign_create(organization=alice.organization, user=alice.user, title="Audit logs",
                                    item_keys=["org-audit"])


def test_agencies_picked_by_hand_make_the_campaign(alice_client, oregon):
    response = alice_client.post(NEW, {**TERMS, "pick-mode": "hand",
                                       "pick-agencies": [oregon["eugene"].pk, oregon["salem"].pk]})
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response.url == reverse("campaign-detail", args=[campaign.pk])
    assert sorted(r.agency.name for r in campaign.requests.all()) == ["Eugene Police Department",
                                                                      "Salem Police Department"]


def test_an_unknown_agency_is_refused_and_nothing_is_made(alice_client, oregon):
    response = alice_client.post(NEW, {**TERMS, "pick-mode": "hand", "pick-agencies": [oregon["eugene"].pk, 987654]})
    assert response.status_code == 200 and not Campaign.objects.exists()
    assert "No agency in the directory has the id “987654”. Pick at least one agency" in response.content.decode()


def test_picking_by_hand_without_an_agency_says_how_to_pick(alice_client, oregon):
    response = alice_client.post(NEW, {**TERMS, "pick-mode": "hand"})
    assert ("Pick at least one agency: type part of a name, city, county or ORI and pick from the list."
            in response.content.decode())


def test_find_agencies_keeps_the_terms_and_the_chosen_and_picks_by_hand(alice_client, oregon):
    response = alice_client.post(NEW, {**TERMS, "pick-mode": "filters", "pick-state": "OR",
                                       "pick-agencies": [oregon["salem"].pk],
                                       "pick-agencies_query": "lane", "pick-agencies_find": "1"})
    assert response.status_code == 200 and not Campaign.objects.exists()
    form, selection = response.context["form"], response.context["selection"]
    assert form["title"].value() == "Audit logs 2025" and form["date_from"].value() == "2025-01-01"
    assert form["fee_cap"].value() == "40" and selection["state"].value() == "OR"
    assert selection["mode"].value() == "hand"  # finding agencies is picking them by hand
    page = response.content.decode()
    assert 'class="error"' not in page
    assert "Chosen agencies (1)" in page and f'name="pick-agencies" value="{oregon["salem"].pk}"' in page
    assert "Lane County Sheriff&#x27;s Office (OR)" in page and "Eugene Police Department (OR)" in page


def test_the_campaign_page_finds_agencies_to_add_and_adds_the_picked_ones(alice_client, campaign, oregon):
    add = reverse("campaign-add", args=[campaign.pk])
    found = alice_client.post(add, {"pick-agencies_query": "salem", "pick-agencies_find": "1"})
    assert found.status_code == 200 and found.context["campaign"] == campaign
    assert "Salem Police Department (OR)" in found.content.decode() and not campaign.requests.exists()

    added = alice_client.post(add, {"pick-mode": "hand", "pick-agencies": [oregon["salem"].pk]}, follow=True)
    assert "Added 1 agency(ies)" in added.content.decode()
    assert [r.agency for r in campaign.requests.all()] == [oregon["salem"]]


def test_the_campaign_page_refuses_an_unknown_agency_with_the_reason(alice_client, campaign):
    response = alice_client.post(reverse("campaign-add", args=[campaign.pk]),
                                 {"pick-mode": "hand", "pick-agencies": ["31337"]}, follow=True)
    assert "No agency in the directory has the id “31337”." in response.content.decode()
    assert not campaign.requests.exists()


def test_the_pages_stay_small_and_list_no_agency_of_a_large_directory(alice_client, campaign):
    directory_of(3000)
    for path in (NEW, reverse("campaign-detail", args=[campaign.pk])):
        response = alice_client.get(path)
        assert len(response.content) < MAX_PAGE_BYTES, path
        assert "Directory Agency" not in response.content.decode(), path


def test_a_search_step_lists_only_what_it_found_and_at_most_fifty(alice_client):
    directory_of(3000)
    response = alice_client.post(NEW, {**TERMS, "pick-agencies_query": "directory agency", "pick-agencies_find": "1"})
    page = response.content.decode()
    assert page.count('type="checkbox" id="id_pick-agencies_') == 50 and len(response.content) < MAX_PAGE_BYTES
    assert "More than 50 agencies match: refine your search" in page
