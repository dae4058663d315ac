"""PDF releases as agencies print them from a spreadsheet: the Okaloosa County (FL) Sheriff's
Office audit and sharing list (real releases, in fixtures/), and a synthetic release with
the same habits, so the reader is shown to be general."""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path

import pdfplumber
import pytest
from django.core.management import call_command

from requests_app.auditlogs.models import SearchEvent
from requests_app.auditlogs import parse, pdf_tables
from requests_app.auditlogs.pdf_tables import PdfTableError, pdf_rows
from tests.auditlogs.pdf_fixtures import audit_pdf, spreadsheet_pdf
from tests.auditlogs.test_pdf_tables import page_count, text_of

FIXTURES = Path(__file__).parent / "fixtures"
AUDIT = FIXTURES / "okaloosa-fl-so-audit-2025-11.pdf"
SHARING = FIXTURES / "okaloosa-fl-so-sharing-agencies.pdf"
NETWORK_9 = ["ID", "Org Name", "Total Networks Searched", "Total Devices Searched", "Time Frame", "Reason",
             "Search Time", "Search Type", "Moderation"]
UUID = re.compile(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")


@pytest.fixture(scope="module", autouse=True)
def _each_release_read_once():
    """The real releases are read (809 pages take about 35 s) once for this module: the
    commands tested here get the rows the reader gave, through the same function."""
    read = pdf_tables.pdf_rows
    releases = {hashlib.sha256(path.read_bytes()).hexdigest() for path in (AUDIT, SHARING)}
    cache: dict[str, list[tuple[int, list[str]]]] = {}

    def once(path: Path):
        # By content: an import reads its stored copy, not the fixture's path.
        key = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        if key not in releases:
            return read(path)
        if key not in cache:
            cache[key] = list(read(path))
        return iter(cache[key])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf_tables, "pdf_rows", once)
        patch.setattr(parse, "pdf_rows", once)  # the commands' reader, imported by name
        yield


@pytest.fixture(scope="module")
def audit_rows() -> list[list[str]]:
    return [cells for _, cells in pdf_tables.pdf_rows(AUDIT)]  # through the module: read once


@pytest.fixture(scope="module")
def sharing_rows() -> list[list[str]]:
    return [cells for _, cells in pdf_tables.pdf_rows(SHARING)]


# The Okaloosa audit: 809 pages, header on page 1 only, six-line Time Frame cells -------------


def test_every_search_of_the_okaloosa_audit_is_read_once(audit_rows: list[list[str]]) -> None:
    assert audit_rows[0] == NETWORK_9
    ids = [row[0] for row in audit_rows[1:]]
    assert len(ids) == len(set(ids)) == 7273
    assert all(UUID.fullmatch(i) for i in ids)


def test_the_first_row_of_page_one_is_read_whole(audit_rows: list[list[str]]) -> None:
    assert audit_rows[1] == ["23d55b89-42eb-4f5c-9281-f5e8bf4864be", "Okaloosa County FL SO", "840", "17652",
                             "11/13/2025, 10:00:17 PM UTC\n11/14/2025, 10:00:17 AM UTC", "bolo",
                             "11/14/2025, 09:53:36 AM UTC", "lookup", ""]


def test_a_count_printed_run_together_with_utc_is_cut_apart(audit_rows: list[list[str]]) -> None:
    with pdfplumber.open(AUDIT) as pdf:
        assert "17652UTC" in pdf.pages[0].extract_text()  # as printed
    assert all(row[2].isdigit() and row[3].isdigit() for row in audit_rows[1:])
    assert all(row[4].count(" UTC") == 2 and row[4].count("\n") == 1 for row in audit_rows[1:])


def test_a_moderation_value_starting_left_of_its_header_stays_whole(audit_rows: list[list[str]]) -> None:
    assert {row[8] for row in audit_rows[1:]} == {"", "allow", "block", "warn"}
    assert {row[7] for row in audit_rows[1:]} == {"lookup", "search", "freeform", "visual", "multiGeo", "convoy"}


def test_analysis_reads_all_7273_searches_of_the_okaloosa_audit() -> None:
    out = io.StringIO()
    call_command("analyze_audit_log", str(AUDIT), "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert (summary["format"], summary["rows"], summary["rejected"], summary["duplicates"]) == \
        ("network_audit_9", 7273, 0, 0)
    assert summary["first_search"].startswith("2025-11-01T") and summary["last_search"].startswith("2025-12-09T")
    assert summary["first_search"].endswith("+00:00")


@pytest.mark.django_db
def test_the_okaloosa_audit_imports_all_its_searches(alice) -> None:
    from tests.factories import AgencyFactory, draft_request, state

    request = draft_request(organization=alice.organization, user=alice.user,
                            agency=AgencyFactory(name="Okaloosa County Sheriff's Office", jurisdiction=state("FL")))
    out = io.StringIO()
    call_command("import_audit_log", request.tracking, str(AUDIT), stdout=out)
    assert "network_audit_9: 7273 searches stored, 0 repeated, 0 rejected" in out.getvalue()
    searches = SearchEvent.objects.filter(request=request)
    first, last = searches.order_by("searched_at").first(), searches.order_by("searched_at").last()
    assert (first.searched_at.date().isoformat(), last.searched_at.date().isoformat()) == ("2025-11-01", "2025-12-09")
    row = searches.get(line=2)
    assert (row.organization, row.organization_state, row.reason, row.networks, row.devices) == \
        ("Okaloosa County FL SO", "FL", "bolo", 840, 17652)
    assert row.time_frame_start.startswith("11/13/2025, 10:00:17 PM")


# The Okaloosa sharing list: organization names printed bottom-aligned beside wrapped lists ---


def test_every_organization_of_the_sharing_list_is_read_once(sharing_rows: list[list[str]]) -> None:
    assert sharing_rows[0] == ["Organization Name", "Networks Shared With Me", "Networks I'm Sharing"]
    names = [row[0] for row in sharing_rows[1:]]
    assert len(names) == len(set(names)) == 858


def test_no_wrapped_fragment_reads_as_an_organization(sharing_rows: list[list[str]]) -> None:
    names = {row[0] for row in sharing_rows[1:]}
    assert not {n for n in names if n.startswith(("(", ",")) or n in {"Flex", "SO", "PD"}}
    assert not names & {"(LR)", "(LR),Brookhaven GA PD (Falcon)", "GA PD (Flex)", "SO"}


def test_a_wrapped_list_of_networks_is_joined_into_its_row(sharing_rows: list[list[str]]) -> None:
    polk = next(row for row in sharing_rows if row[0] == "Polk County FL SO")
    assert polk == ["Polk County FL SO", "Polk County FL SO,Polk County FL SO (LR),Polk County FL SO - Axon,"
                    "Polk County FL SO (Tech)", "Okaloosa County FL SO"]


def test_the_sharing_list_is_analysed_without_rejections() -> None:
    out = io.StringIO()
    call_command("analyze_audit_log", str(SHARING), "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert (summary["format"], summary["rejected"]) == ("shared_networks", 0)
    assert not {name for name, _ in summary["top_orgs"]} & {"(LR)", "Flex"}


# A synthetic release printed the same way ---------------------------------------------------


def sheet_search(n: int) -> list[str]:
    day = f"11/{n % 28 + 1:02d}/2025"
    reason = "stolen vehicle seen leaving the\nparking lot on the north side" if n % 4 == 0 else "bolo"
    return [f"id-{n:04d}", "Bend OR PD" if n % 3 else "Deschutes County OR SO", str(800 + n), str(17000 + n),
            f"{day},\n10:00:17 PM\nUTC\n{day},\n11:00:17 PM\nUTC", reason, f"{day}, 09:53:36 AM UTC", "lookup", ""]


def read_as(row: list[str]) -> list[str]:
    start, end = row[4].replace(",\n", ", ").replace("\nUTC", " UTC").split("\n")
    return [*row[:4], f"{start}\n{end}", row[5].replace("\n", " "), *row[6:]]


def test_a_spreadsheet_printed_release_is_read_whole(tmp_path: Path) -> None:
    rows = [sheet_search(n) for n in range(1, 80)]
    path = spreadsheet_pdf(tmp_path / "sheet.pdf", NETWORK_9, rows)
    text = text_of(path)
    assert "17001UTC" in text and text.count("Moderation") == 1  # run together; header once
    assert page_count(path) >= 3
    assert list(pdf_rows(path)) == list(enumerate([NETWORK_9, *(read_as(r) for r in rows)], start=1))


def test_a_bottom_aligned_release_cut_after_its_header_reads_its_one_row(tmp_path: Path) -> None:
    path = spreadsheet_pdf(tmp_path / "one.pdf", NETWORK_9, [sheet_search(4)])
    assert list(pdf_rows(path)) == [(1, NETWORK_9), (2, read_as(sheet_search(4)))]


def test_a_header_with_no_row_under_it_is_an_error_naming_why(tmp_path: Path) -> None:
    path = audit_pdf(tmp_path / "empty.pdf", NETWORK_9, [[""] * 9])
    with pytest.raises(PdfTableError, match=r"has a header \(ID, Org Name, .*\) but no row under it"):
        list(pdf_rows(path))
