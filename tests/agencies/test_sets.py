"""Saved agency sets: filters and hand-picked agencies, their rules, their pages, and their use."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse

from requests_app.agencies.admin import AgencySetAdminForm
from requests_app.agencies.models import Agency, AgencySet, AlprVendor
from requests_app.agencies.selectors import DirectoryFilters
from requests_app.agencies.sets import (
    agencies_in_set, agency_set_add_agencies, agency_set_create, agency_set_delete, agency_set_remove_agencies,
    agency_set_update, set_from_filters, set_sizes,
)
from requests_app.campaigns.models import Campaign
from requests_app.laws.models import Jurisdiction
from requests_app.teams.models import Role
from tests.factories import AgencyFactory, MembershipFactory, state

pytestmark = pytest.mark.django_db

FLOCK_WA = {"state": "WA", "in_flock_network": True}


@pytest.fixture
def directory():
    """Washington agencies in and out of the Flock network, one of them local, and one in Oregon."""
    tacoma = Jurisdiction.objects.create(code="WA-TACOMA-TEST", name="Tacoma", kind="local", parent=state("WA"))
    return SimpleNamespace(
        seattle=AgencyFactory(name="Seattle Police Department", in_flock_network=True, population=750_000,
                              portal_url="https://seattle.example.gov/prr",
                              flock_portal_url="https://transparency.flocksafety.com/seattle"),
        tacoma=AgencyFactory(name="Tacoma Police Department", jurisdiction=tacoma, in_flock_network=True,
                             population=220_000),
        king=AgencyFactory(name="King County Sheriff's Office", kind="sheriff", in_flock_network=True),
        spokane=AgencyFactory(name="Spokane Police Department", in_flock_network=False, population=230_000,
                              portal_url="https://spokane.example.gov/records"),
        portland=AgencyFactory(name="Portland Police Bureau", jurisdiction=state("OR"), in_flock_network=True,
                               population=650_000),
    )


def names(agencies) -> list[str]:
    return [a.name for a in agencies]


def client_for(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


# The example -----------------------------------------------------------------


def test_a_saved_set_of_flock_agencies_in_wa_feeds_a_campaign_with_one_request_per_agency(alice_client, alice,
                                                                                          directory):
    flock_wa = agency_set_create(membership=alice, name="Flock agencies in WA", filters=FLOCK_WA,
                                 agencies=[directory.seattle])  # also picked by hand: still one request
    response = alice_client.post(reverse("campaign-create"), {
        "terms-title": "Flock audit logs", "terms-items": ["org-audit"], "terms-fee_cap": "50",
        "pick-mode": "set", "pick-agency_set": flock_wa.pk})
    assert response.status_code == 302, response.context and response.context["selection"].errors
    campaign = Campaign.objects.get(organization=alice.organization)
    assert sorted(campaign.requests.values_list("agency__name", flat=True)) == [
        "King County Sheriff's Office", "Seattle Police Department", "Tacoma Police Department"]


# What a set holds --------------------------------------------------------------------


def test_a_filter_set_picks_up_an_agency_added_to_the_directory_afterwards(alice, directory):
    flock_wa = agency_set_create(membership=alice, name="Flock agencies in WA", filters=FLOCK_WA)
    assert "Yakima Police Department" not in names(agencies_in_set(flock_wa))
    AgencyFactory(name="Yakima Police Department", in_flock_network=True)
    directory.spokane.in_flock_network = True  # the directory's next load says Spokane joined
    directory.spokane.save()
    assert names(agencies_in_set(flock_wa)) == [
        "King County Sheriff's Office", "Seattle Police Department", "Spokane Police Department",
        "Tacoma Police Department", "Yakima Police Department"]


def test_hand_picked_and_filtered_agencies_are_one_list_without_duplicates(alice, directory):
    flock, rekor = AlprVendor.objects.create(name="Flock Safety"), AlprVendor.objects.create(name="Rekor")
    directory.seattle.vendors.add(flock, rekor)  # two vendors: a join would list Seattle twice
    directory.tacoma.vendors.add(flock)
    both = agency_set_create(membership=alice, name="Flock users and friends", filters={"vendor": "Flock Safety"},
                             agencies=[directory.seattle, directory.portland])
    assert names(agencies_in_set(both)) == ["Portland Police Bureau", "Seattle Police Department",
                                            "Tacoma Police Department"]


def test_a_set_without_filters_holds_its_hand_picked_agencies_only(alice, directory):
    picked = agency_set_create(membership=alice, name="Picked", agencies=[directory.spokane])
    assert names(agencies_in_set(picked)) == ["Spokane Police Department"]
    empty = agency_set_create(membership=alice, name="Empty for now")
    assert list(agencies_in_set(empty)) == []


@pytest.mark.parametrize("filters, expected", [
    ({"has_records_portal": True}, ["Seattle Police Department", "Spokane Police Department"]),
    ({"state": "WA", "has_records_portal": False}, ["King County Sheriff's Office", "Tacoma Police Department"]),
    ({"has_flock_portal": True}, ["Seattle Police Department"]),
    ({"in_flock_network": False}, ["Spokane Police Department"]),
    ({"kind": "sheriff"}, ["King County Sheriff's Office"]),
    # Unknown populations (King County here) are outside any range.
    ({"population_min": 225_000}, ["Portland Police Bureau", "Seattle Police Department", "Spokane Police Department"]),
    ({"population_min": 200_000, "population_max": 230_000}, ["Spokane Police Department", "Tacoma Police Department"]),
])
def test_each_filter_narrows_the_set(alice, directory, filters, expected):
    assert names(agencies_in_set(agency_set_create(membership=alice, name="Set", filters=filters))) == expected


def test_the_agencies_come_in_one_query_with_their_states(alice, directory, django_assert_num_queries):
    flock_wa = agency_set_create(membership=alice, name="Flock agencies in WA", filters=FLOCK_WA,
                                 agencies=[directory.portland])
    with django_assert_num_queries(1):
        states = [a.jurisdiction.state_code for a in agencies_in_set(flock_wa)]
    assert states == ["WA", "OR", "WA", "WA"]


def test_every_sets_size_is_counted_in_one_query(alice, directory, django_assert_num_queries):
    made = [agency_set_create(membership=alice, name="Flock agencies in WA", filters=FLOCK_WA),
            agency_set_create(membership=alice, name="Picked", agencies=[directory.portland, directory.seattle]),
            agency_set_create(membership=alice, name="Sheriffs", filters={"kind": "sheriff"},
                              agencies=[directory.king])]
    with django_assert_num_queries(1):
        sizes = set_sizes(made)
    assert [sizes[s.pk] for s in made] == [3, 2, 1]


# Checks ------------------------------------------------------------------------------


@pytest.mark.parametrize("filters, field, message", [
    ({"kind": "constable"}, "kind", "Unknown kind 'constable': choose one of police, sheriff"),
    ({"population_min": 50_000, "population_max": 1_000}, "population_max",
     "The population range ends (1,000) below where it starts (50,000)"),
    ({"state": "ZZ"}, "state", "Unknown state 'ZZ': use a state's two-letter code, such as WA."),
    ({"vendor": "Nobody"}, "vendor", "Unknown ALPR vendor 'Nobody'"),
    ({"in_flock_network": "yes"}, "in_flock_network", "Flock network should be true or false"),
    ({"population_min": -5}, "population_min", "whole number of people"),
    ({"state": "WA", "colour": "blue"}, NON_FIELD_ERRORS, "Unknown filter 'colour': a set filters by state, kind"),
])
def test_bad_filters_are_refused_with_a_clear_error_and_nothing_is_stored(alice, filters, field, message):
    with pytest.raises(ValidationError) as caught:
        agency_set_create(membership=alice, name="Bad", filters=filters)
    assert message in " ".join(caught.value.message_dict[field])
    assert not AgencySet.objects.exists()


def test_a_refused_update_leaves_the_set_as_it_was(alice):
    flock_wa = agency_set_create(membership=alice, name="Flock agencies in WA", filters=FLOCK_WA)
    with pytest.raises(ValidationError):
        agency_set_update(membership=alice, agency_set=flock_wa, name="Renamed", description="",
                          filters={"state": "WA", "kind": "constable"})
    flock_wa.refresh_from_db()
    assert (flock_wa.name, flock_wa.filters) == ("Flock agencies in WA", FLOCK_WA)


def test_filters_are_stored_in_a_fixed_form(alice, directory):
    AlprVendor.objects.create(name="Flock Safety")
    made = agency_set_create(membership=alice, name="Set", filters={
        "vendor": "flock safety", "state": " wa ", "kind": "", "population_max": None, "in_flock_network": False})
    assert made.filters == {"state": "WA", "vendor": "Flock Safety", "in_flock_network": False}


def test_a_set_from_the_directorys_filters_keeps_them_but_not_a_name_search(alice, directory):
    made = set_from_filters(membership=alice, name="Portals in WA",
                            filters=DirectoryFilters(state="WA", has_records_portal=True))
    assert made.filters == {"state": "WA", "has_records_portal": True}
    with pytest.raises(ValidationError, match="cannot search by name"):
        set_from_filters(membership=alice, name="By name", filters=DirectoryFilters(q="seattle"))


def test_the_admin_checks_filters_too(alice):
    form = AgencySetAdminForm(data={"organization": alice.organization.pk, "name": "Bad",
                                    "filters": json.dumps({"kind": "constable"})})
    assert not form.is_valid()
    assert "Unknown kind 'constable'" in form.errors["filters"][0]


def test_set_names_are_unique_per_organization_ignoring_case(alice, bob):
    agency_set_create(membership=alice, name="Flock agencies in WA")
    with pytest.raises(ValidationError) as caught:
        agency_set_create(membership=alice, name="  flock AGENCIES  in wa ")
    assert "already has a set named “flock AGENCIES in wa”" in caught.value.message_dict["name"][0]
    agency_set_create(membership=bob, name="Flock agencies in WA")  # another organization's names are its own
    assert AgencySet.objects.filter(organization=alice.organization).count() == 1


def test_renaming_to_a_taken_name_is_refused_but_changing_the_case_of_ones_own_is_not(alice):
    first = agency_set_create(membership=alice, name="Sheriffs")
    second = agency_set_create(membership=alice, name="Police")
    with pytest.raises(ValidationError, match="already has a set named"):
        agency_set_update(membership=alice, agency_set=second, name="SHERIFFS", description="", filters={})
    agency_set_update(membership=alice, agency_set=first, name="SHERIFFS", description="", filters={})
    assert sorted(AgencySet.objects.values_list("name", flat=True)) == ["Police", "SHERIFFS"]


def test_the_database_refuses_a_second_name_in_another_case(alice):
    AgencySet.objects.create(organization=alice.organization, name="Sheriffs")
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencySet.objects.create(organization=alice.organization, name="sheriffs")


def test_a_viewer_cannot_create_change_or_delete_a_set(alice, directory):
    viewer = MembershipFactory(organization=alice.organization, role=Role.VIEWER)
    ours = agency_set_create(membership=alice, name="Ours", agencies=[directory.seattle])
    refused = [
        lambda: agency_set_create(membership=viewer, name="Mine"),
        lambda: agency_set_update(membership=viewer, agency_set=ours, name="Mine", description="", filters={}),
        lambda: agency_set_add_agencies(membership=viewer, agency_set=ours, agencies=[directory.king]),
        lambda: agency_set_remove_agencies(membership=viewer, agency_set=ours, agencies=[directory.seattle]),
        lambda: agency_set_delete(membership=viewer, agency_set=ours),
    ]
    for call in refused:
        with pytest.raises(PermissionDenied):
            call()
    client = client_for(viewer)
    assert client.post(reverse("agency-set-create"), {"name": "Mine", "state": "WA"}).status_code == 403
    assert client.post(reverse("agency-add-to-set", args=[directory.king.pk]), {"new_name": "Mine"}).status_code == 403
    assert list(AgencySet.objects.values_list("name", flat=True)) == ["Ours"]
    assert names(ours.agencies.all()) == ["Seattle Police Department"]
    page = client.get(reverse("agency-set-detail", args=[ours.pk])).content.decode()
    assert "Seattle Police Department" in page and "Remove" not in page and "Edit</a>" not in page


def test_a_set_of_another_organization_cannot_be_changed_through_the_service(alice, bob):
    theirs = agency_set_create(membership=bob, name="Theirs")
    with pytest.raises(PermissionDenied):
        agency_set_delete(membership=alice, agency_set=theirs)
    assert AgencySet.objects.filter(pk=theirs.pk).exists()


# Another organization's set ----------------------------------------------------------

BY_SET = [
    ("agency-set-detail", "get"), ("agency-set-edit", "get"), ("agency-set-edit", "post"),
    ("agency-set-delete", "get"), ("agency-set-delete", "post"), ("agency-set-remove-agency", "post"),
]


def test_every_url_of_a_set_is_checked_for_another_organization():
    with_set = {n for n in get_resolver().reverse_dict if isinstance(n, str) and n.startswith("agency-set-")}
    assert with_set - {"agency-set-list", "agency-set-create"} == {name for name, _ in BY_SET}


@pytest.mark.parametrize("name, method", BY_SET)
def test_another_organizations_set_is_404(bob_client, alice, directory, name, method):
    theirs = agency_set_create(membership=alice, name="Alices set", filters=FLOCK_WA, agencies=[directory.spokane])
    args = [theirs.pk, directory.spokane.pk] if name == "agency-set-remove-agency" else [theirs.pk]
    data = {"name": "Taken over", "state": "OR"} if method == "post" else {}
    assert getattr(bob_client, method)(reverse(name, args=args), data).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.name, theirs.filters, names(theirs.agencies.all())) == (
        "Alices set", FLOCK_WA, ["Spokane Police Department"])


def test_another_organizations_set_is_not_offered_nor_accepted_elsewhere(bob_client, alice, directory):
    theirs = agency_set_create(membership=alice, name="Alices set", filters=FLOCK_WA)
    assert "Alices set" not in bob_client.get(reverse("agency-set-list")).content.decode()
    response = bob_client.post(reverse("agency-add-to-set", args=[directory.king.pk]), {"agency_set": theirs.pk})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert list(theirs.agencies.all()) == []


# Pages -------------------------------------------------------------------------------


def test_the_directory_filters_by_network_portals_and_population(alice_client, directory):
    params = {"state": "WA", "in_flock_network": "yes", "has_records_portal": "no", "population_min": "100000"}
    page = alice_client.get(reverse("agency-list"), params).context["page"]
    assert names(page.object_list) == ["Tacoma Police Department"]


def test_the_directory_explains_a_population_range_that_ends_before_it_starts(alice_client, directory):
    body = alice_client.get(reverse("agency-list"), {"population_min": "5000", "population_max": "10"}).content.decode()
    assert "The population range ends (10) below where it starts (5,000)" in body


def test_the_directory_saves_its_filters_as_a_set(alice_client, alice, directory):
    body = alice_client.get(reverse("agency-list"), {"state": "WA", "in_flock_network": "yes", "q": "po"}).content.decode()
    link = reverse("agency-set-create") + "?state=WA&amp;in_flock_network=yes"
    assert f'href="{link}"' in body and "the name search is not saved" in body
    form = alice_client.get(reverse("agency-set-create"), {"state": "WA", "in_flock_network": "yes"}).context["form"]
    assert (form["state"].value(), form["in_flock_network"].value()) == ("WA", "yes")
    response = alice_client.post(reverse("agency-set-create"), {
        "name": "Flock agencies in WA", "state": "WA", "in_flock_network": "yes"})
    made = AgencySet.objects.get()
    assert response.status_code == 302 and response.url == reverse("agency-set-detail", args=[made.pk])
    assert (made.filters, made.created_by) == (FLOCK_WA, alice.user)


def test_the_directory_offers_no_save_button_without_filters_or_to_a_viewer(alice_client, alice, directory):
    assert "Save these filters" not in alice_client.get(reverse("agency-list"), {"q": "po"}).content.decode()
    viewer = client_for(MembershipFactory(organization=alice.organization, role=Role.VIEWER))
    assert "Save these filters" not in viewer.get(reverse("agency-list"), {"state": "WA"}).content.decode()


def test_the_new_set_page_shows_what_is_wrong_and_stores_nothing(alice_client, alice):
    agency_set_create(membership=alice, name="Taken")
    response = alice_client.post(reverse("agency-set-create"), {
        "name": "TAKEN", "population_min": "50000", "population_max": "1000"})
    body = response.content.decode()
    assert response.status_code == 200 and "The population range ends (1,000) below" in body
    response = alice_client.post(reverse("agency-set-create"), {"name": "TAKEN", "state": "WA"})
    assert "already has a set named “TAKEN”" in response.content.decode()
    assert AgencySet.objects.count() == 1


def test_the_sets_page_lists_the_organizations_sets_with_their_sizes(alice_client, alice, bob, directory):
    agency_set_create(membership=alice, name="Flock agencies in WA", filters=FLOCK_WA)
    agency_set_create(membership=bob, name="Bobs set")
    response = alice_client.get(reverse("agency-set-list"))
    [listed] = response.context["agency_sets"]
    assert (listed.name, listed.size) == ("Flock agencies in WA", 3)
    body = response.content.decode()
    assert "In the Flock network" in body and "State: WA" in body and "Bobs set" not in body


def test_the_sets_page_costs_the_same_queries_for_one_set_and_five(alice_client, alice, directory):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert alice_client.get(reverse("agency-set-list")).status_code == 200
        return len(captured)

    agency_set_create(membership=alice, name="Set 0", filters=FLOCK_WA, agencies=[directory.portland])
    one = queries()
    for n in range(1, 5):
        agency_set_create(membership=alice, name=f"Set {n}", filters={"kind": "sheriff"}, agencies=[directory.tacoma])
    assert queries() == one


def test_the_set_page_pages_its_agencies_and_removes_a_hand_picked_one(alice_client, alice, directory):
    for n in range(55):
        AgencyFactory(name=f"Washington Agency {n:02d}", in_flock_network=True)
    flock_wa = agency_set_create(membership=alice, name="Flock agencies in WA", filters=FLOCK_WA,
                                 agencies=[directory.portland, directory.seattle])
    page = alice_client.get(reverse("agency-set-detail", args=[flock_wa.pk])).context["page"]
    assert (page.paginator.count, len(page.object_list)) == (59, 50)
    second = alice_client.get(reverse("agency-set-detail", args=[flock_wa.pk]), {"page": 2}).content.decode()
    assert "Washington Agency 54" in second
    alice_client.post(reverse("agency-set-remove-agency", args=[flock_wa.pk, directory.portland.pk]))
    response = alice_client.post(reverse("agency-set-remove-agency", args=[flock_wa.pk, directory.seattle.pk]),
                                 follow=True)
    assert "It still matches the set" in response.content.decode()
    assert list(flock_wa.agencies.all()) == []
    assert "Portland Police Bureau" not in names(agencies_in_set(flock_wa))
    assert "Seattle Police Department" in names(agencies_in_set(flock_wa))


def test_only_a_hand_picked_agency_can_be_removed(alice_client, alice, directory):
    flock_wa = agency_set_create(membership=alice, name="Flock agencies in WA", filters=FLOCK_WA)
    response = alice_client.post(reverse("agency-set-remove-agency", args=[flock_wa.pk, directory.seattle.pk]))
    assert response.status_code == 404


def test_editing_a_set_changes_its_filters_and_keeps_its_hand_picked_agencies(alice_client, alice, directory):
    flock_wa = agency_set_create(membership=alice, name="Flock agencies in WA", filters=FLOCK_WA,
                                 agencies=[directory.portland])
    form = alice_client.get(reverse("agency-set-edit", args=[flock_wa.pk])).context["form"]
    assert (form["name"].value(), form["state"].value(), form["in_flock_network"].value()) == (
        "Flock agencies in WA", "WA", "yes")
    response = alice_client.post(reverse("agency-set-edit", args=[flock_wa.pk]), {
        "name": "WA sheriffs", "description": "County offices", "state": "WA", "kind": "sheriff"})
    assert response.status_code == 302
    flock_wa.refresh_from_db()
    assert (flock_wa.name, flock_wa.description, flock_wa.filters) == (
        "WA sheriffs", "County offices", {"state": "WA", "kind": "sheriff"})
    assert names(agencies_in_set(flock_wa)) == ["King County Sheriff's Office", "Portland Police Bureau"]


def test_deleting_a_set_asks_first(alice_client, alice, directory):
    flock_wa = agency_set_create(membership=alice, name="Flock agencies in WA", filters=FLOCK_WA)
    body = alice_client.get(reverse("agency-set-delete", args=[flock_wa.pk])).content.decode()
    assert "Delete “Flock agencies in WA”?" in body and AgencySet.objects.exists()
    response = alice_client.post(reverse("agency-set-delete", args=[flock_wa.pk]))
    assert response.status_code == 302 and response.url == reverse("agency-set-list")
    assert not AgencySet.objects.exists()
    assert Agency.objects.filter(pk=directory.seattle.pk).exists()  # the agencies stay


def test_an_agency_is_added_to_a_set_from_its_page(alice_client, alice, directory):
    detail = alice_client.get(reverse("agency-detail", args=[directory.spokane.pk])).content.decode()
    assert f'href="{reverse("agency-add-to-set", args=[directory.spokane.pk])}"' in detail
    url = reverse("agency-add-to-set", args=[directory.spokane.pk])
    response = alice_client.post(url, {"new_name": "Eastern Washington"})
    started = AgencySet.objects.get(name="Eastern Washington")
    assert response.url == reverse("agency-set-detail", args=[started.pk])
    assert names(started.agencies.all()) == ["Spokane Police Department"]
    flock_wa = agency_set_create(membership=alice, name="Flock agencies in WA", filters=FLOCK_WA)
    alice_client.post(url, {"agency_set": flock_wa.pk})
    assert "Spokane Police Department" in names(agencies_in_set(flock_wa))
    again = alice_client.post(url, {"agency_set": flock_wa.pk}, follow=True).content.decode()
    assert "was already picked by hand" in again and flock_wa.agencies.count() == 1
    assert "Choose a set, or name a new one." in alice_client.post(url, {}).content.decode()


def test_the_pages_escape_set_names_and_descriptions(alice_client, alice, directory):
    made = agency_set_create(membership=alice, name="<script>alert(1)</script>", description="<b>bold</b>",
                             agencies=[directory.seattle])
    for url in (reverse("agency-set-list"), reverse("agency-set-detail", args=[made.pk]),
                reverse("agency-set-edit", args=[made.pk]), reverse("agency-set-delete", args=[made.pk]),
                reverse("agency-add-to-set", args=[directory.seattle.pk]), reverse("request-list")):
        body = alice_client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in body and "<b>bold</b>" not in body, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body, url
