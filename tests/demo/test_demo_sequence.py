"""The README's `make demo` sequence, run twice: `load_agency_directory`, then `seed_demo`.

The test database stands for `migrate`. The directory brings five Cambridge Police
Departments and nine Oakland ones, so each agency of the story must be found by its
ORI or by its name in its state. Run once for the module (the directory load takes
seconds), inside a transaction rolled back at the end, as TestCase.setUpTestData does.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from requests_app.agencies.directory import DATA_DIR, FBI_FILE
from requests_app.agencies.models import Agency
from requests_app.demo.services import DEMO_AGENCIES
from requests_app.demo.story import AUSTIN, FIRST_CAMPAIGN, FIRST_REPLIES, SECOND_AGENCIES, SECOND_CAMPAIGN
from requests_app.records.models import RecordsRequest, Status
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Runs:
    media: Path  # where the runs stored their files (each test has a folder of its own)
    outputs: list[str]  # of each command, in order
    after_first: dict[str, list]
    after_second: dict[str, list]


def run_demo_commands() -> list[str]:
    outputs = []
    for command in ("load_agency_directory", "seed_demo"):
        out = StringIO()
        call_command(command, stdout=out)
        outputs.append(out.getvalue())
    return outputs


def snapshot(media: Path) -> dict[str, list]:
    """Every row of every table, and every stored file."""
    rows = {model._meta.label: list(model.objects.order_by("pk").values_list())
            for model in apps.get_models(include_auto_created=True)}
    rows["stored files"] = sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())
    return rows


@pytest.fixture(scope="module")
def runs(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    storage = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(media)}}
    # Time moves on between the runs, so a row rewritten with the same values would show in its timestamps.
    start = datetime(2026, 11, 27, 9, tzinfo=timezone.get_current_timezone())
    with (django_db_blocker.unblock(), time_machine.travel(start, tick=True),
          override_settings(MEDIA_ROOT=str(media), STORAGES={"default": storage, "staticfiles": storage}),
          transaction.atomic()):
        first = run_demo_commands()
        after_first = snapshot(media)
        second = run_demo_commands()
        yield Runs(media=media, outputs=first + second, after_first=after_first, after_second=snapshot(media))
        transaction.set_rollback(True)


def story_requests() -> dict[tuple[str, str], RecordsRequest]:
    """The story's requests by (campaign slug or "lone", agency name)."""
    found = RecordsRequest.objects.filter(organization__slug="demo").select_related(
        "agency__jurisdiction__parent", "campaign")
    return {(r.campaign.slug if r.campaign else "lone", r.agency.name): r for r in found}


def demo_addresses() -> dict[tuple[str, str], str]:
    rows = csv.DictReader(io.StringIO(DEMO_AGENCIES.read_text()))
    return {(row["name"], row["state"]): row["address"] for row in rows}


def test_the_directory_names_the_story_agencies_many_times(runs):
    assert Agency.objects.count() > 20_000
    assert Agency.objects.filter(name="Cambridge Police Department").count() == 5
    assert Agency.objects.filter(name="Oakland Police Department").count() == 9


def test_it_tells_the_story_to_the_agencies_of_the_right_states(runs):
    assert "story: 2 campaigns and 10 requests, 11 communications logged" in runs.outputs[1]
    expected = {(FIRST_CAMPAIGN[1], a.name): a for a in FIRST_REPLIES}
    expected |= {(SECOND_CAMPAIGN[1], a.name): a for a in SECOND_AGENCIES} | {("lone", AUSTIN.name): AUSTIN}
    requests = story_requests()
    assert requests.keys() == expected.keys()
    for key, wanted in expected.items():
        agency = requests[key].agency
        assert (agency.jurisdiction.state_code, agency.ori) == (wanted.state, wanted.ori), key


def test_every_sent_request_has_its_letter_finalised_to_its_agencys_address(runs):
    addresses = demo_addresses()
    sent = [r for r in story_requests().values() if r.status != Status.DRAFT]
    assert len(sent) == 9
    for request in sent:
        letter = request.letters.get()
        address = addresses[(request.agency.name, request.agency.jurisdiction.state_code)]
        city_line = address.splitlines()[-1]  # "Cambridge, MA 02142"
        assert city_line in letter.text, request.agency
        assert city_line in pdf_text((runs.media / letter.pdf.name).read_bytes()), request.agency


def test_the_story_ori_are_the_fbi_rosters_entries_for_name_and_state(runs):
    with open(DATA_DIR / FBI_FILE.name, newline="") as handle:
        roster = {row["ori"]: (row["agency_name"], row["state_abbr"]) for row in csv.DictReader(handle)}
    for wanted in FIRST_REPLIES:
        assert roster[wanted.ori] == (wanted.name, wanted.state)


def test_the_second_run_changes_nothing(runs):
    load, seed = runs.outputs[2:]
    assert "Agencies: 0 created, 0 updated, 20037 unchanged" in load
    assert "story: already told (its campaigns exist); nothing changed" in seed
    changed = [label for label, rows in runs.after_first.items() if runs.after_second[label] != rows]
    assert changed == []
