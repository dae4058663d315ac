from __future__ import annotations

import pytest
from django.test import Client

from requests_app.teams.models import Role
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory, state
from tests.services import redis_url  # noqa: F401  (fixture)


@pytest.fixture
def alice(db):
    """An owner of the Washington group."""
    return MembershipFactory(
        user=UserFactory(username="alice"),
        organization=OrganizationFactory(name="Washington Watch", home_state=state("WA")),
        role=Role.OWNER,
    )


@pytest.fixture
def bob(db):
    """An owner of a different organization, in Texas."""
    return MembershipFactory(
        user=UserFactory(username="bob"),
        organization=OrganizationFactory(name="Texas Transparency", home_state=state("TX")),
        role=Role.OWNER,
    )


@pytest.fixture
def alice_client(alice) -> Client:
    client = Client()
    client.force_login(alice.user)
    return client


@pytest.fixture
def bob_client(bob) -> Client:
    client = Client()
    client.force_login(bob.user)
    return client


@pytest.fixture
def media_folder(settings, tmp_path):
    """Stored files (letters, documents) go under the test's own folder, not var/media."""
    folder = tmp_path / "media"
    settings.MEDIA_ROOT = str(folder)
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(folder), "base_url": "/media/"}}}
    return folder
