"""The OpenAPI schema describes every endpoint and builds without a warning."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS

pytestmark = pytest.mark.django_db

PATHS = [
    "/api/campaigns/", "/api/campaigns/{id}/", "/api/campaigns/{id}/agencies/", "/api/campaigns/{id}/render/",
    "/api/campaigns/{id}/send/", "/api/requests/{id}/letter/", "/api/requests/{id}/letter/finalise/",
    "/api/requests/{id}/letter/pdf/", "/api/requests/{id}/send/", "/api/requests/{id}/follow-ups/",
    "/api/requests/bulk/", "/api/requests/export/",
]


def test_the_schema_builds_without_warnings_and_is_valid(tmp_path):
    GENERATOR_STATS.reset()  # count this build's warnings only
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(out))
    text = out.read_text()
    assert [path for path in PATHS if f"\n  {path}:\n" not in text] == []


def test_each_bulk_action_is_described_with_its_fields(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    bulk = schema["components"]["schemas"]["BulkAction"]["discriminator"]["mapping"]
    assert bulk["add_tag"].endswith("/BulkTag") and bulk["status"].endswith("/BulkStatus")
    assert "tag" in schema["components"]["schemas"]["BulkTag"]["properties"]
