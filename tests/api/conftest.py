"""API clients with a token for each persona: alice (owner, Washington group), bob (owner
of another organization) and a viewer in alice's organization."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from requests_app.api.tokens import token_create
from requests_app.teams.models import Role
from tests.factories import MembershipFactory


def client_for(membership) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_create(membership=membership, name='test')[1]}")
    return client


@pytest.fixture
def alice_api(alice) -> APIClient:
    return client_for(alice)


@pytest.fixture
def bob_api(bob) -> APIClient:
    return client_for(bob)


@pytest.fixture
def viewer_api(alice) -> APIClient:
    return client_for(MembershipFactory(organization=alice.organization, role=Role.VIEWER))
