from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("deadline", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_due_date_as_json():
    payload = json.loads(run("--jurisdiction", "TX", "--received", "2026-11-25", "--json"))
    assert {k: payload[k] for k in ("jurisdiction", "received", "days", "day_type", "due")} == {
        "jurisdiction": "TX", "received": "2026-11-25", "days": 10, "day_type": "business", "due": "2026-12-11"}
    assert "Friday After Thanksgiving" in payload["explanation"]


def test_a_law_without_a_deadline_gives_null_and_a_follow_up_date():
    payload = json.loads(run("--jurisdiction", "az", "--received", "2026-11-25", "--json"))
    assert (payload["due"], payload["days"], payload["day_type"]) == (None, None, "none")
    assert payload["followup"] == "2026-12-10"


def test_a_local_jurisdiction_uses_its_states_law_and_holidays():
    from requests_app.laws.models import Jurisdiction

    Jurisdiction.objects.create(code="TX-AUSTIN", name="Austin", kind="local", parent=Jurisdiction.objects.get(code="TX"))
    assert json.loads(run("--jurisdiction", "TX-AUSTIN", "--received", "2026-11-25", "--json"))["due"] == "2026-12-11"


def test_plain_output_explains_in_words():
    assert run("--jurisdiction", "US", "--received", "2026-11-25").startswith("US: due 2026-12-24\nReceived Wednesday")


@pytest.mark.parametrize("args, message", [
    (["--jurisdiction", "ZZ", "--received", "2026-11-25"], "unknown jurisdiction 'ZZ'"),
    (["--jurisdiction", "TX", "--received", "2026-02-30"], "'2026-02-30' is not a date"),
])
def test_bad_input_is_explained(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_michigan_email_is_received_a_business_day_later():
    payload = json.loads(run("--jurisdiction", "MI", "--received", "2026-11-25", "--via", "email", "--json"))
    # Thanksgiving and the Friday after are Michigan holidays: received Monday 30 November.
    assert (payload["received_as"], payload["due"]) == ("2026-11-30", "2026-12-07")
    assert "15.235(1)" in payload["explanation"]


def test_new_york_counts_from_the_acknowledgment_given():
    projected = json.loads(run("--jurisdiction", "NY", "--received", "2026-11-16", "--json"))
    assert (projected["acknowledgment_due"], projected["due"]) == ("2026-11-23", "2026-12-22")
    acknowledged = json.loads(run("--jurisdiction", "NY", "--received", "2026-11-16", "--acknowledged", "2026-11-19",
                                  "--json"))
    assert acknowledged["due"] == "2026-12-18"


def test_a_bad_acknowledgment_date_is_explained():
    with pytest.raises(CommandError, match="--acknowledged '19/11/2026' is not a date"):
        run("--jurisdiction", "NY", "--received", "2026-11-16", "--acknowledged", "19/11/2026")
