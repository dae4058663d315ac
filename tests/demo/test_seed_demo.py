from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from requests_app.agencies.models import Agency
from requests_app.teams.models import Membership, Organization, User
from tests.factories import AgencyFactory, state

pytestmark = pytest.mark.django_db

DEMO_AGENCIES = {
    "Oakland Police Department": "CA",
    "Austin Police Department": "TX",
    "Cambridge Police Department": "MA",
    "Santa Cruz Police Department": "CA",
    "Eugene Police Department": "OR",
    "Mountlake Terrace Police Department": "WA",
}


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_it_creates_the_demo_organization_user_and_agencies():
    output = seed()
    assert "login: demo / recordsreq-demo" in output
    user = User.objects.get(username="demo")
    assert user.check_password("recordsreq-demo")
    membership = Membership.objects.get(user=user)
    assert membership.role == "owner" and membership.organization.slug == "demo"
    agencies = {a.name: a.jurisdiction.code for a in Agency.objects.select_related("jurisdiction")}
    assert agencies == DEMO_AGENCIES


def test_it_leaves_contacts_blank_rather_than_guessing():
    seed()
    assert not Agency.objects.exclude(records_email="").exists()
    assert not Agency.objects.exclude(portal_url="").exists()


def test_running_it_twice_changes_nothing_and_keeps_a_changed_password():
    seed()
    user = User.objects.get(username="demo")
    user.set_password("changed-by-the-user")
    user.save()
    output = seed()
    assert "password unchanged" in output
    # The demo user and three teammates, who cannot log in.
    assert User.objects.count() == 4 and Organization.objects.count() == 1
    assert Agency.objects.count() == 6 and Membership.objects.count() == 4
    assert User.objects.get(username="demo").check_password("changed-by-the-user")
    assert not any(u.has_usable_password() for u in User.objects.exclude(username="demo"))


def test_it_spreads_many_requests_over_as_many_agencies_as_asked_evenly_through_the_directory():
    from requests_app.records.models import RecordsRequest

    seed()
    for n in range(14):
        AgencyFactory(jurisdiction=state(["TX", "WA"][n % 2]))
    story = set(RecordsRequest.objects.values_list("pk", flat=True))
    call_command("seed_demo", "--requests", "60", "--agencies", "5", stdout=StringIO())
    seeded = RecordsRequest.objects.exclude(pk__in=story)
    ids = list(Agency.objects.order_by("pk").values_list("pk", flat=True))  # 6 demo agencies, then 14
    assert set(seeded.values_list("agency_id", flat=True)) == {ids[0], ids[4], ids[8], ids[12], ids[16]}


def test_it_refuses_to_spread_requests_over_no_agency():
    with pytest.raises(CommandError, match="--agencies must be at least 1"):
        call_command("seed_demo", "--requests", "10", "--agencies", "0", stdout=StringIO())
