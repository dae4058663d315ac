from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pdfplumber
import pytest

from requests_app.auditlogs import pdf_tables
from requests_app.auditlogs.pdf_tables import PdfTableError, pdf_rows
from tests.auditlogs.pdf_fixtures import audit_pdf, encrypt, prose_pdf, scanned_pdf

Rows = list[tuple[int, list[str]]]

NETWORK_14 = ["ID", "Name", "Org Name", "Total Networks Searched", "Total Devices Searched", "Time Frame",
              "License Plate", "Reason", "Case #", "Filters", "Search Time", "Search Type", "Text Prompt", "Moderation"]
NETWORK_13 = [c for c in NETWORK_14 if c != "Total Devices Searched"]
FEDERAL = ["ID", "Name", "Org Name", "Total Networks Searched", "License Plate", "Reason", "Case #", "Filters",
           "Search Time", "Search Type"]
TIME_FRAME = "01/01/2022, 12:00:00 AM UTC\n01/31/2022, 11:59:59 PM UTC"
LONG_REASON = ("Stolen vehicle investigation following a reported carjacking near the downtown transit center, "
               "suspect vehicle last seen heading north on the highway")
HSI = "[Federal] Department of Homeland Security"


def search(n: int, columns: list[str] = NETWORK_14) -> list[str]:
    """Search ``n`` of a network audit, in ``columns``' order: every seventh has a long reason."""
    values = {"ID": f"4f1d-{n:04d}", "Name": "***" if n % 3 == 0 else f"Officer {n}",
              "Org Name": HSI if n % 5 == 0 else "Bend OR PD", "Total Networks Searched": "1,204",
              "Total Devices Searched": "88,021", "Time Frame": TIME_FRAME, "License Plate": "***",
              "Reason": LONG_REASON if n % 7 == 0 else "Stolen vehicle", "Case #": f"22-{n:05d}", "Filters": "",
              "Search Time": "01/31/2022, 11:26:24 PM UTC", "Search Type": "License Plate Search",
              "Text Prompt": "", "Moderation": ""}
    return [values[c] for c in columns]


def text_of(path: Path) -> str:
    """The PDF's text as printed, line breaks included: proof of how a fixture wrapped."""
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def page_count(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


@pytest.fixture(scope="module")
def long_audit(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Rows]:
    """A 120-search network audit over several pages, rendered and read once for the module."""
    path = audit_pdf(tmp_path_factory.mktemp("pdf") / "audit.pdf", NETWORK_14, [search(n) for n in range(1, 121)])
    return path, list(pdf_rows(path))


def by_id(rows: Rows, n: int) -> list[str]:
    return next(cells for _, cells in rows if cells[0] == f"4f1d-{n:04d}")


# A network audit over many pages ------------------------------------------------------------


def test_it_reads_a_network_audit_across_pages(long_audit: tuple[Path, Rows]) -> None:
    path, rows = long_audit
    assert page_count(path) >= 5  # or the header repeats and page breaks are not exercised
    assert [cells for _, cells in rows] == [NETWORK_14] + [search(n) for n in range(1, 121)]


def test_rows_are_numbered_from_the_header_across_pages(long_audit: tuple[Path, Rows]) -> None:
    # Users see "line N": the header is 1, data rows follow with no gap at page breaks.
    assert [number for number, _ in long_audit[1]] == list(range(1, 122))


def test_the_header_repeated_on_every_page_is_read_once(long_audit: tuple[Path, Rows]) -> None:
    path, rows = long_audit
    assert text_of(path).count("Moder") == page_count(path)  # the PDF does repeat it
    assert sum(cells[0] == "ID" for _, cells in rows) == 1


def test_a_redacted_cell_reads_as_printed(long_audit: tuple[Path, Rows]) -> None:
    assert by_id(long_audit[1], 3)[1] == "***"


def test_a_time_frame_keeps_the_line_between_start_and_end(long_audit: tuple[Path, Rows]) -> None:
    # The column is narrow, so each timestamp wraps too; only the break between them is kept.
    assert "01/01/2022, 12:00:00" not in text_of(long_audit[0])
    assert by_id(long_audit[1], 1)[5] == TIME_FRAME


def test_a_search_time_reads_whole(long_audit: tuple[Path, Rows]) -> None:
    assert by_id(long_audit[1], 1)[10] == "01/31/2022, 11:26:24 PM UTC"


def test_a_wrapped_reason_is_one_sentence(long_audit: tuple[Path, Rows]) -> None:
    assert LONG_REASON not in text_of(long_audit[0]).replace("\n", "  ")  # it wraps in the PDF
    assert by_id(long_audit[1], 7)[7] == LONG_REASON


def test_a_row_cut_by_a_page_break_is_read_as_one_row(tmp_path: Path) -> None:
    tall = search(2)
    tall[7] = " ".join(f"note{i}" for i in range(1, 1201))  # taller than a page: it must break
    path = audit_pdf(tmp_path / "cut.pdf", NETWORK_14, [search(1), tall, search(3)])
    with pdfplumber.open(path) as pdf:
        assert "note1200" not in pdf.pages[0].extract_text() and "note1200" in pdf.pages[-1].extract_text()
    assert [cells for _, cells in pdf_rows(path)] == [NETWORK_14, search(1), tall, search(3)]


# The other export layouts -------------------------------------------------------------------


def test_it_reads_a_13_column_network_audit(tmp_path: Path) -> None:
    rows = [search(n, NETWORK_13) for n in range(1, 6)]
    path = audit_pdf(tmp_path / "audit13.pdf", NETWORK_13, rows)
    assert list(pdf_rows(path)) == list(enumerate([NETWORK_13, *rows], start=1))


def test_it_reads_federal_searches(tmp_path: Path) -> None:
    rows = [["f-1", "***", HSI, "3", "***", "immigration case", "HSI-22-1", "", "02/01/2022, 01:00:00 AM UTC",
             "License Plate Search"]]
    path = audit_pdf(tmp_path / "federal.pdf", FEDERAL, rows)
    assert list(pdf_rows(path)) == [(1, FEDERAL), (2, rows[0])]


def test_it_reads_a_transparency_portal_search_audit(tmp_path: Path) -> None:
    headers = ["id", "userId", "searchDate", "cameraCount", "reason"]
    rows = [[str(n), f"user-{n}", f"2023-04-0{n} 17:03:22", "112", "investigation"] for n in range(1, 4)]
    path = audit_pdf(tmp_path / "portal.pdf", headers, rows, landscape=False)
    assert [cells for _, cells in pdf_rows(path)] == [headers, *rows]


def test_it_reads_shared_networks_with_long_lists(tmp_path: Path) -> None:
    headers = ["Organization Name", "Networks Shared With Me", "Networks I'm Sharing"]
    agencies = ", ".join(f"Agency {n} County SO" for n in range(1, 60))
    path = audit_pdf(tmp_path / "sharing.pdf", headers, [["Bend OR PD", agencies, "Redmond OR PD, Sisters OR PD"]])
    assert agencies not in text_of(path)  # the list wraps over many lines
    assert list(pdf_rows(path))[1] == (2, ["Bend OR PD", agencies, "Redmond OR PD, Sisters OR PD"])


def test_a_hot_list_keeps_one_entity_detail_per_line(tmp_path: Path) -> None:
    # Downstream splits Entity Details into "Label: value" pairs on newlines, so they are kept;
    # a value too long for the column is still one line.
    headers = ["Timestamp", "User", "Event Type", "Entity Type", "Entity Details"]
    details = "Plate: ABC123\nReason: stolen vehicle " + "reported by its owner " * 8
    path = audit_pdf(tmp_path / "hotlist.pdf", headers, [["01/31/2022, 11:26:24 PM UTC", "jdoe", "Created",
                                                           "Hot List Entry", details]], landscape=False)
    assert details.strip() not in text_of(path)  # the reason wraps
    assert list(pdf_rows(path))[1][1][4] == details.strip()


def test_a_value_wrapped_after_a_hyphen_gains_no_space(tmp_path: Path) -> None:
    row = search(1)
    row[7] = "-".join(["segment"] * 60)  # one word, so it can only break after a hyphen
    path = audit_pdf(tmp_path / "hyphen.pdf", NETWORK_14, [row])
    assert "segment-\nsegment" in text_of(path)
    assert list(pdf_rows(path))[1][1][7] == row[7]


def test_a_header_wrapped_mid_word_reads_as_the_column_name(tmp_path: Path) -> None:
    path = audit_pdf(tmp_path / "narrow.pdf", NETWORK_14, [search(1)], landscape=False, break_headers=True)
    assert "Moderation" not in text_of(path)  # the header is printed broken, as "Mod" / "erati" / ...
    assert next(pdf_rows(path)) == (1, NETWORK_14)


def test_an_empty_row_is_skipped_without_using_a_number(tmp_path: Path) -> None:
    path = audit_pdf(tmp_path / "gap.pdf", NETWORK_14, [search(1), [""] * 14, search(2)])
    assert list(pdf_rows(path)) == [(1, NETWORK_14), (2, search(1)), (3, search(2))]


def test_a_page_with_a_table_of_other_columns_is_reported_as_a_row(tmp_path: Path) -> None:
    # A summary printed after the log must not vanish silently, nor pass as searches.
    path = audit_pdf(tmp_path / "summary.pdf", NETWORK_14, [search(1)],
                     appendix=[["Month", "Searches", "Agencies"], ["January", "1", "1"]])
    number, cells = list(pdf_rows(path))[-1]
    assert number == 3
    assert cells == ["\x00page 2: a table of 3 columns where the header has 14; its rows were not read"]


# Tables printed without rules ---------------------------------------------------------------


def test_it_reads_a_table_printed_without_rules(tmp_path: Path) -> None:
    rows = [search(n) for n in range(1, 41)]
    path = audit_pdf(tmp_path / "plain.pdf", NETWORK_14, rows, ruled=False)
    assert page_count(path) >= 3
    assert list(pdf_rows(path)) == list(enumerate([NETWORK_14, *rows], start=1))


def test_a_table_without_rules_ignores_the_title_above_it(tmp_path: Path) -> None:
    path = audit_pdf(tmp_path / "plain.pdf", FEDERAL, [search(1, FEDERAL)], ruled=False)
    assert "Audit log" in text_of(path)
    assert [cells for _, cells in pdf_rows(path)] == [FEDERAL, search(1, FEDERAL)]


# Files that hold no readable table ----------------------------------------------------------


def test_a_letter_without_a_table_is_refused_clearly(tmp_path: Path) -> None:
    path = prose_pdf(tmp_path / "letter.pdf", ["Dear requester,", "Responsive records are attached. " * 20])
    with pytest.raises(PdfTableError, match="no table was found in this PDF"):
        list(pdf_rows(path))


def test_a_scan_is_refused_as_having_no_text_layer(tmp_path: Path) -> None:
    with pytest.raises(PdfTableError, match=r"no text layer \(a scan\?\): run OCR on it first"):
        list(pdf_rows(scanned_pdf(tmp_path / "scan.pdf")))


def test_a_file_that_is_not_a_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "audit.pdf"
    path.write_text("ID,Name\n1,jdoe\n")
    with pytest.raises(PdfTableError, match="could not be read as a PDF"):
        list(pdf_rows(path))


def test_a_damaged_pdf_is_refused_without_a_parser_traceback(tmp_path: Path) -> None:
    path = tmp_path / "audit.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Broken \nstartxref\n99999\n%%EOF\n")
    with pytest.raises(PdfTableError, match="could not be read as a PDF"):
        list(pdf_rows(path))


def test_a_truncated_pdf_is_refused(tmp_path: Path) -> None:
    path = audit_pdf(tmp_path / "audit.pdf", NETWORK_14, [search(n) for n in range(1, 30)])
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(PdfTableError, match="incomplete"):
        list(pdf_rows(path))


def test_a_password_protected_pdf_is_refused(tmp_path: Path) -> None:
    path = encrypt(audit_pdf(tmp_path / "audit.pdf", FEDERAL, [search(1, FEDERAL)]), user_password="secret")
    with pytest.raises(PdfTableError, match="password-protected"):
        list(pdf_rows(path))


def test_a_pdf_locked_only_against_editing_is_read(tmp_path: Path) -> None:
    path = encrypt(audit_pdf(tmp_path / "audit.pdf", FEDERAL, [search(1, FEDERAL)]), user_password="")
    assert list(pdf_rows(path)) == [(1, FEDERAL), (2, search(1, FEDERAL))]


# Streaming ----------------------------------------------------------------------------------


class CountingPage(pdf_tables.Page):
    """A page that counts how many pages were made and how many are open at once."""
    made = 0
    open_now = 0
    most_open = 0

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        CountingPage.made += 1
        CountingPage.open_now += 1
        CountingPage.most_open = max(CountingPage.most_open, CountingPage.open_now)

    def close(self) -> None:
        super().close()
        CountingPage.open_now -= 1


@pytest.fixture
def counted_pages(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[CountingPage]]:
    monkeypatch.setattr(CountingPage, "made", 0)
    monkeypatch.setattr(CountingPage, "open_now", 0)
    monkeypatch.setattr(CountingPage, "most_open", 0)
    monkeypatch.setattr(pdf_tables, "Page", CountingPage)
    yield CountingPage


def test_the_first_rows_are_read_without_reading_every_page(
        long_audit: tuple[Path, Rows], counted_pages: type[CountingPage]) -> None:
    first = list(itertools.islice(pdf_rows(long_audit[0]), 3))
    assert [number for number, _ in first] == [1, 2, 3]
    assert counted_pages.made == 1 < page_count(long_audit[0])


def test_pages_are_closed_one_by_one(long_audit: tuple[Path, Rows], counted_pages: type[CountingPage]) -> None:
    assert sum(1 for _ in pdf_rows(long_audit[0])) == 121
    assert counted_pages.made == page_count(long_audit[0])
    assert (counted_pages.most_open, counted_pages.open_now) == (1, 0)


# Rows that cannot be read are found by page ------------------------------------------------


def page_showing(path: Path, text: str) -> int:
    with pdfplumber.open(path) as pdf:
        return next(p.page_number for p in pdf.pages if text in (p.extract_text() or ""))


def test_each_row_knows_the_page_it_begins_on(long_audit: tuple[Path, Rows]) -> None:
    path, rows = long_audit
    pages = {cells[0]: cells.page for _, cells in rows[1:]}
    assert pages["4f1d-0001"] == 1
    for n in (30, 61, 120):
        assert pages[f"4f1d-{n:04d}"] == page_showing(path, f"4f1d-{n:04d}") > 1


def test_a_rejected_row_of_a_pdf_is_reported_with_its_page(tmp_path: Path) -> None:
    import io
    import json

    from django.core.management import CommandError, call_command

    rows = [search(n) for n in range(1, 61)]
    rows[44][NETWORK_14.index("Search Time")] = "not a date"
    path = audit_pdf(tmp_path / "audit.pdf", NETWORK_14, rows,
                     appendix=[["Month", "Searches", "Agencies"], ["January", "1", "1"]])
    out, err = io.StringIO(), io.StringIO()
    call_command("analyze_audit_log", str(path), "--json", stdout=out, stderr=err)
    summary = json.loads(out.getvalue())
    assert (summary["rows"], summary["rejected"]) == (59, 2)
    page = page_showing(path, "4f1d-0045")
    assert page > 1
    assert f"audit.pdf line 46: rejected: unreadable time 'not a date' (page {page})" in err.getvalue()
    last = page_count(path)
    # The reader's own reason for what it could not read, with its page, not "no search time".
    assert (f"audit.pdf line 62: rejected: page {last}: a table of 3 columns where the header has 14; its rows "
            "were not read") in err.getvalue()


def test_a_rejected_hotlist_row_of_a_pdf_is_reported_with_its_page(tmp_path: Path) -> None:
    import io

    from django.core.management import call_command

    headers = ["Timestamp", "User", "Event Type", "Entity Type", "Entity Details"]
    rows = [[f"11/{n % 28 + 1:02d}/2025 10:00:00", "j.doe", "Entry Added", "Plate", f"Plate: ABC{n:04d}\nReason: bolo"]
            for n in range(1, 121)]
    rows[99][0] = "sometime"
    path = audit_pdf(tmp_path / "hotlist.pdf", headers, rows)
    err = io.StringIO()
    call_command("analyze_audit_log", str(path), "--json", stdout=io.StringIO(), stderr=err)
    page = page_showing(path, "ABC0100")
    assert page > 1
    assert f"hotlist.pdf line 101: rejected: unreadable time 'sometime' (page {page})" in err.getvalue()
