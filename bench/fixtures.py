"""What the letter benchmarks set up alike: a member and an organization with a letterhead."""

from __future__ import annotations

from typing import Any


def organization_with_letterhead() -> tuple[Any, Any]:
    """A user owning an organization with an address, email and signer, as a real one has:
    a residents-only law's letter names its signer."""
    from requests_app.teams.models import User
    from requests_app.teams.services import organization_create

    user = User.objects.create_user(username="bench", email="bench@example.org", password="bench-bench-bench")
    organization = organization_create(name="Bench Watchdog", owner=user)
    organization.address, organization.email = "100 Example Street\nSeattle, WA 98101", "records@bench.example.org"
    organization.signer_name, organization.signer_title = "Alex Rivera", "Staff Attorney"
    organization.save()
    return user, organization
