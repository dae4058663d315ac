from __future__ import annotations

import pytest
from django.urls import reverse

from requests_app.agencies.models import Agency, AlprVendor
from tests.factories import AgencyFactory, state

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory():
    flock = AlprVendor.objects.create(name="Flock Safety")
    eugene = AgencyFactory(name="Eugene Police Department", jurisdiction=state("OR"))
    eugene.vendors.add(flock)
    AgencyFactory(name="Lane County Sheriff's Office", jurisdiction=state("OR"), kind=Agency.Kind.SHERIFF)
    AgencyFactory(name="Austin Police Department", jurisdiction=state("TX"))
    AgencyFactory(name="Knoxville Police Department", jurisdiction=state("TN"))
    return eugene


def names(response) -> list[str]:
    return [a.name for a in response.context["page"].object_list]


def test_it_lists_every_agency_by_name(alice_client, directory):
    response = alice_client.get(reverse("agency-list"))
    assert names(response) == [
        "Austin Police Department",
        "Eugene Police Department",
        "Knoxville Police Department",
        "Lane County Sheriff's Office",
    ]


def test_it_searches_by_name_ignoring_case(alice_client, directory):
    assert names(alice_client.get(reverse("agency-list"), {"q": "EUGENE"})) == ["Eugene Police Department"]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"state": "OR"}, ["Eugene Police Department", "Lane County Sheriff's Office"]),
        ({"state": "OR", "kind": "sheriff"}, ["Lane County Sheriff's Office"]),
        ({"vendor": "Flock Safety"}, ["Eugene Police Department"]),
        ({"state": "TX", "vendor": "Flock Safety"}, []),
    ],
)
def test_it_filters_by_state_kind_and_vendor(alice_client, directory, params, expected):
    assert names(alice_client.get(reverse("agency-list"), params)) == expected


def test_the_list_escapes_agency_names(alice_client):
    AgencyFactory(name="<script>alert(1)</script> PD")
    body = alice_client.get(reverse("agency-list")).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; PD" in body


def test_the_list_query_count_does_not_grow_with_agencies(alice_client, directory, django_assert_max_num_queries):
    for n in range(30):
        AgencyFactory(name=f"Extra {n} Police Department").vendors.add(AlprVendor.objects.get())
    with django_assert_max_num_queries(12):
        alice_client.get(reverse("agency-list"))


def test_the_agency_page_shows_its_law_in_plain_words(alice_client, directory):
    body = alice_client.get(reverse("agency-detail", args=[directory.pk])).content.decode()
    law = state("OR").law
    assert "Oregon Public Records Law" in body or "ORS 192" in body
    # The deadline as the data gives it today: the research is still changing the numbers.
    assert law.response_deadline.describe() in body
    assert "Verified</span>" in body or "Unverified</span>" in body


def test_the_agency_page_warns_when_the_law_limits_requests_to_residents(alice_client, directory):
    knoxville = Agency.objects.get(name="Knoxville Police Department")
    body = alice_client.get(reverse("agency-detail", args=[knoxville.pk])).content.decode()
    assert "limits requests to residents of Tennessee" in body
    assert "Your organization is based in WA" in body


def test_a_home_state_agency_still_warns_that_the_letter_states_the_signer_qualifies(client, directory):
    """A residents-only law always warns, since its letter says the signer is a resident;
    only the advice to ask through a resident is left out at home."""
    from tests.factories import MembershipFactory, OrganizationFactory

    member = MembershipFactory(organization=OrganizationFactory(home_state=state("TN")))
    client.force_login(member.user)
    knoxville = Agency.objects.get(name="Knoxville Police Department")
    warning = client.get(reverse("agency-detail", args=[knoxville.pk])).context["residency_warning"]
    assert "The letter states that its signer qualifies" in warning and "based in" not in warning


def test_an_unknown_agency_is_404(alice_client):
    assert alice_client.get(reverse("agency-detail", args=[999999])).status_code == 404
