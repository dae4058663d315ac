"""Audit logs read an organization's state with the agencies' reader (tests/agencies/test_states.py):
searches and sharing lists alike."""

from __future__ import annotations

import polars as pl

from requests_app.auditlogs import frames, sharing
from tests.agencies.test_states import NAMED, TRAPS


def test_searches_and_sharing_lists_read_the_state_the_same_way():
    names = [name for name, _ in NAMED + TRAPS]
    table = frames._searcher_table(pl.Series("organization", names, dtype=pl.String))
    assert table["organization_state"].to_list() == [state or "" for _, state in NAMED + TRAPS]
    relation = sharing.to_relation(2, {"organization": "Riverside County CA SD"})
    assert relation.state == "CA"
