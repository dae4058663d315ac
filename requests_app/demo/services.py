"""The demo organization, user and agencies that `make demo` starts with."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from requests_app.agencies.importer import ImportReport, import_agencies
from requests_app.laws.models import Jurisdiction
from requests_app.teams.models import Organization, Role, User
from requests_app.teams.services import membership_set, organization_create

DEMO_AGENCIES = Path(__file__).parent / "data" / "demo_agencies.csv"
DEMO_USERNAME = "demo"
DEMO_PASSWORD = "recordsreq-demo"
DEMO_ORG_SLUG = "demo"


@dataclass(frozen=True)
class DemoSeed:
    user: User
    organization: Organization
    agencies: ImportReport
    user_created: bool


@transaction.atomic
def demo_seed() -> DemoSeed:
    user, user_created = User.objects.get_or_create(
        username=DEMO_USERNAME,
        defaults={"email": "demo@example.org", "first_name": "Demo", "last_name": "User"},
    )
    if user_created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    organization = _demo_organization(user)
    agencies = import_agencies(data=DEMO_AGENCIES.read_bytes())
    return DemoSeed(user=user, organization=organization, agencies=agencies, user_created=user_created)


def _demo_organization(user: User) -> Organization:
    organization = Organization.objects.filter(slug=DEMO_ORG_SLUG).first()
    if organization is None:
        organization = organization_create(
            name="Demo Advocacy Group",
            slug=DEMO_ORG_SLUG,
            owner=user,
            home_state=Jurisdiction.objects.get(code="WA"),
        )
        organization.address = "100 Example Street, Suite 200\nSeattle, WA 98101"
        organization.signer_name = "Demo User"
        organization.signer_title = "Public Records Coordinator"
        organization.email = "records@example.org"
        organization.save()
    membership_set(organization=organization, user=user, role=Role.OWNER)
    return organization
