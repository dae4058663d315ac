"""Campaigns fed by a saved agency set: the fourth way of choosing agencies."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from requests_app.agencies.models import Agency
from requests_app.agencies.sets import agency_set_create
from requests_app.campaigns import services
from requests_app.campaigns.forms import AgencySelectionForm
from requests_app.campaigns.models import Campaign
from tests.factories import AgencyFactory, state

pytestmark = pytest.mark.django_db
FLOCK_WA = {"state": "WA", "in_flock_network": True}


@pytest.fixture
def flock_wa(alice):
    AgencyFactory(name="Seattle Police Department", in_flock_network=True)
    AgencyFactory(name="Spokane Police Department", in_flock_network=False)
    AgencyFactory(name="Portland Police Bureau", jurisdiction=state("OR"), in_flock_network=True)
    return agency_set_create(membership=alice, name="Flock agencies in WA", filters=FLOCK_WA)


def selection(data: dict, organization) -> AgencySelectionForm:
    form = AgencySelectionForm({f"pick-{k}": v for k, v in data.items()}, prefix="pick", organization=organization)
    assert form.is_valid(), form.errors
    return form


def test_a_set_selects_its_agencies_as_the_directory_has_them_now(alice, flock_wa):
    form = selection({"mode": "set", "agency_set": flock_wa.pk}, alice.organization)
    assert [a.name for a in services.agencies_for_selection(form.cleaned_data).agencies] == ["Seattle Police Department"]
    AgencyFactory(name="Olympia Police Department", in_flock_network=True)
    assert [a.name for a in services.agencies_for_selection(form.cleaned_data).agencies] == [
        "Olympia Police Department", "Seattle Police Department"]


def test_the_set_mode_needs_a_set_of_the_organization(alice, bob, flock_wa):
    form = AgencySelectionForm({"pick-mode": "set"}, prefix="pick", organization=alice.organization)
    assert form.errors["agency_set"] == ["Choose one of your saved agency sets."]
    form = AgencySelectionForm({"pick-mode": "set", "pick-agency_set": flock_wa.pk}, prefix="pick",
                               organization=bob.organization)
    assert "Select a valid choice" in form.errors["agency_set"][0]


def test_another_organizations_set_cannot_feed_a_campaign(bob_client, flock_wa):
    response = bob_client.post(reverse("campaign-create"), {
        "terms-title": "Borrowed", "terms-items": ["org-audit"], "terms-fee_cap": "50",
        "pick-mode": "set", "pick-agency_set": flock_wa.pk})
    assert response.status_code == 200 and not Campaign.objects.exists()


def test_adding_a_set_to_a_campaign_adds_only_the_agencies_not_in_it_yet(alice_client, alice, flock_wa):
    campaign = services.campaign_create(organization=alice.organization, user=alice.user, title="Audit logs",
                                        item_keys=["org-audit"])
    services.campaign_add_agencies(campaign=campaign, agencies=[Agency.objects.get(name="Seattle Police Department")],
                                   user=alice.user, today=date(2026, 11, 27))
    AgencyFactory(name="Olympia Police Department", in_flock_network=True)
    alice_client.post(reverse("campaign-add", args=[campaign.pk]), {"pick-mode": "set", "pick-agency_set": flock_wa.pk})
    assert sorted(campaign.requests.values_list("agency__name", flat=True)) == [
        "Olympia Police Department", "Seattle Police Department"]


def test_the_campaign_pages_offer_only_the_organizations_sets(alice_client, alice, bob, flock_wa):
    agency_set_create(membership=bob, name="Bobs set")
    body = alice_client.get(reverse("campaign-create")).content.decode()
    assert "Flock agencies in WA" in body and "Bobs set" not in body
    campaign = services.campaign_create(organization=alice.organization, user=alice.user, title="Audit logs",
                                        item_keys=["org-audit"])
    assert "Flock agencies in WA" in alice_client.get(reverse("campaign-detail", args=[campaign.pk])).content.decode()
