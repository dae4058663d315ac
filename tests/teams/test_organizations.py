from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from requests_app.teams.models import Membership, Organization, Role
from requests_app.teams.services import membership_set
from tests.factories import MembershipFactory, UserFactory, state

pytestmark = pytest.mark.django_db

PAGES = ["home", "agency-list", "law-list", "letterhead", "organization-create"]


@pytest.mark.parametrize("name", PAGES)
def test_every_page_sends_anonymous_visitors_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_law_and_agency_pages_need_login_too(client):
    assert client.get(reverse("law-detail", args=["TX"])).status_code == 302
    assert client.get(reverse("agency-detail", args=[1])).status_code == 302


def test_it_logs_in_with_a_password(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "correct horse battery"})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["current_organization"] == alice.organization


def test_home_shows_only_the_current_organization(alice_client, alice, bob):
    response = alice_client.get(reverse("home"))
    body = response.content.decode()
    assert "Washington Watch" in body
    assert "Texas Transparency" not in body
    assert "bob@example.org" not in body
    assert [m.user.username for m in response.context["members"]] == ["alice"]


def test_a_user_cannot_switch_into_an_organization_they_do_not_belong_to(alice_client, bob):
    response = alice_client.post(reverse("organization-switch"), {"organization": bob.organization_id})
    assert response.status_code == 404
    assert alice_client.get(reverse("home")).context["current_organization"].name == "Washington Watch"


def test_a_forged_session_value_falls_back_to_the_users_own_organization(alice_client, bob):
    session = alice_client.session
    session["organization_id"] = bob.organization_id
    session.save()
    assert alice_client.get(reverse("home")).context["current_organization"].name == "Washington Watch"


def test_a_member_of_two_organizations_can_switch_between_them(alice_client, alice, bob):
    membership_set(organization=bob.organization, user=alice.user, role=Role.VIEWER)
    response = alice_client.post(reverse("organization-switch"), {"organization": bob.organization_id})
    assert response.status_code == 302
    home = alice_client.get(reverse("home"))
    assert home.context["current_organization"] == bob.organization
    assert "Texas Transparency" in home.content.decode()
    options = [m.organization.name for m in home.context["all_memberships"]]
    assert options == ["Texas Transparency", "Washington Watch"]


def test_removing_a_membership_takes_effect_on_the_next_request(alice_client, alice, bob):
    membership_set(organization=bob.organization, user=alice.user, role=Role.EDITOR)
    alice_client.post(reverse("organization-switch"), {"organization": bob.organization_id})
    Membership.objects.filter(user=alice.user, organization=bob.organization).delete()
    assert alice_client.get(reverse("home")).context["current_organization"] == alice.organization


def test_an_owner_edits_only_their_own_letterhead(alice_client, alice, bob):
    response = alice_client.post(
        reverse("letterhead"),
        {"name": "Washington Watch", "home_state": state("WA").pk, "address": "2 Pine St",
         "signer_name": "Alice Park", "signer_title": "Director", "email": "a@ww.org", "phone": "555-0100"},
    )
    assert response.status_code == 302
    alice.organization.refresh_from_db()
    bob.organization.refresh_from_db()
    assert (alice.organization.signer_name, alice.organization.email) == ("Alice Park", "a@ww.org")
    assert bob.organization.signer_name == "Alex Rivera"


def test_a_viewer_cannot_change_the_letterhead(alice):
    viewer = MembershipFactory(organization=alice.organization, role=Role.VIEWER)
    client = Client()
    client.force_login(viewer.user)
    assert client.get(reverse("letterhead")).status_code == 200
    response = client.post(reverse("letterhead"), {"name": "Hijacked"})
    assert response.status_code == 403
    alice.organization.refresh_from_db()
    assert alice.organization.name == "Washington Watch"


def test_an_editor_cannot_change_the_letterhead(alice):
    editor = MembershipFactory(organization=alice.organization, role=Role.EDITOR)
    client = Client()
    client.force_login(editor.user)
    assert client.post(reverse("letterhead"), {"name": "Renamed"}).status_code == 403


def test_an_invalid_letterhead_is_refused_with_a_message_and_nothing_changes(alice_client, alice):
    response = alice_client.post(reverse("letterhead"), {"name": "", "email": "not-an-email"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert "Enter a valid email address." in response.content.decode()
    alice.organization.refresh_from_db()
    assert alice.organization.name == "Washington Watch"


def test_a_user_without_an_organization_is_asked_to_create_one(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("home")).url == reverse("organization-create")
    response = client.post(reverse("organization-create"), {"name": "New Group", "home_state": state("OR").pk})
    assert response.status_code == 302
    organization = Organization.objects.get(name="New Group")
    assert organization.memberships.get().user == user
    assert organization.memberships.get().role == Role.OWNER
    assert client.get(reverse("home")).context["current_organization"] == organization


def test_organization_slugs_stay_unique(alice):
    from requests_app.teams.services import organization_create

    first = organization_create(name="Same Name", owner=alice.user)
    second = organization_create(name="Same Name", owner=alice.user)
    assert (first.slug, second.slug) == ("same-name", "same-name-2")


def test_a_page_reads_the_users_memberships_once(alice_client, alice, bob):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    membership_set(organization=bob.organization, user=alice.user, role=Role.VIEWER)
    with CaptureQueriesContext(connection) as queries:
        alice_client.get(reverse("law-list"))
    assert sum('"teams_membership"' in q["sql"] for q in queries.captured_queries) == 1
