"""Schemathesis hooks for scripts/api_contract.py (loaded through SCHEMATHESIS_HOOKS).

Path ids are drawn from the seeded objects as often as at random, so operations act on
real requests and campaigns rather than answering 404 alone; and as a viewer, no write
may succeed.
"""

from __future__ import annotations

import json
import os

import schemathesis
from hypothesis import strategies as st

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
SEEDED: dict[str, list] = json.loads(os.environ.get("CONTRACT_IDS", "{}"))


@schemathesis.check
def viewer_cannot_write(ctx, response, case) -> None:
    if os.environ.get("CONTRACT_ROLE") == "viewer" and case.method.upper() in WRITES and response.status_code < 400:
        raise AssertionError(f"A viewer's {case.method} {case.path} was accepted ({response.status_code})")


@schemathesis.hook
def before_generate_path_parameters(context, strategy):
    path = context.operation.path if context.operation is not None else ""
    kind = path.split("/")[2] if path.startswith("/api/") else ""
    values = SEEDED.get(kind)
    if not values:
        return strategy
    name = "code" if "{code}" in path else "id"
    return st.one_of(st.fixed_dictionaries({name: st.sampled_from(values)}), strategy)
