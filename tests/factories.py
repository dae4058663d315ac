from __future__ import annotations

import factory

from requests_app.agencies.models import Agency
from requests_app.laws.models import Jurisdiction
from requests_app.teams.models import Membership, Organization, Role, User


def state(code: str) -> Jurisdiction:
    """Jurisdictions come from the law data migration, so tests look them up."""
    return Jurisdiction.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Watchdog Group {n}")
    slug = factory.Sequence(lambda n: f"watchdog-{n}")
    address = "1 Main Street\nSpringfield, WA 98000"
    signer_name = "Alex Rivera"
    signer_title = "Staff Attorney"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.OWNER


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Springfield {n} Police Department")
    kind = Agency.Kind.POLICE
    mailing_address = "100 Main Street\nSpringfield"  # a letter needs some way to reach the agency
    jurisdiction = factory.LazyFunction(lambda: state("WA"))


def directory_of(count: int, *, name: str = "Directory Agency {n}") -> list[Agency]:
    """``count`` agencies in one insert (``name`` formatted with n), for pages that must not list them all."""
    from requests_app.agencies.models import name_key

    washington = state("WA")
    names = [name.format(n=n) for n in range(count)]
    return Agency.objects.bulk_create(
        [Agency(name=n, name_key=name_key(n), kind=Agency.Kind.POLICE, jurisdiction=washington) for n in names],
        batch_size=1000,
    )


def draft_request(*, organization, agency, user, keys=("org-audit", "network-audit", "sharing"), **terms):
    """A draft request made the way the app makes one."""
    from datetime import date

    from requests_app.letters.drafts import request_create
    from requests_app.records.services import items_for

    return request_create(
        organization=organization, agency=agency, user=user, title=terms.pop("title", "ALPR records"),
        items=items_for(organization=organization, keys=list(keys)), today=terms.pop("today", date(2026, 11, 27)),
        **terms,
    )
