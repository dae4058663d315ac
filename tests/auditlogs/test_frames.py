"""The columnar reader: blocks of whole records, line numbers, times and flags at scale."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from bench.make_audit_log import write as write_synthetic
from requests_app.auditlogs import column_times, csvblocks, frames, rules
from requests_app.auditlogs.analyze import analyze
from tests.auditlogs.test_analyze import NETWORK_14, network_rows, write_csv


def _lines_of_rows(path: Path) -> list[int]:
    """The line each data row starts on, as Python's csv module counts them."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader, starts = csv.reader(handle), []
        next(reader)
        while True:
            start = reader.line_num + 1
            try:
                next(reader)
            except StopIteration:
                return starts
            starts.append(start)


@pytest.fixture
def small_blocks(monkeypatch):
    # Blocks of a few hundred bytes, so a handful of rows exercises every block boundary.
    monkeypatch.setattr(csvblocks, "BLOCK", 300)
    monkeypatch.setattr(csvblocks.record_blocks, "__defaults__", (300,))


def test_blocks_end_only_where_a_record_ends(tmp_path, small_blocks):
    path = write_csv(tmp_path / "audit.csv", NETWORK_14, network_rows(NETWORK_14) * 5)
    blocks = list(csvblocks.record_blocks(path))
    assert len(blocks) > 5 and b"".join(blocks) == path.read_bytes()
    assert all(len(list(csv.reader(io.StringIO(b.decode())))) >= 1 and b.count(b'"') % 2 == 0 for b in blocks)


def test_every_row_keeps_the_line_it_starts_on_across_blocks(tmp_path, small_blocks):
    rows = network_rows(NETWORK_14) * 4
    rows[20][7] = "a reason\nwritten on two lines"  # a break in a column the first block never showed
    path = write_csv(tmp_path / "audit.csv", NETWORK_14, rows)
    lines = [n for batch in frames.open_source(path).batches for n in batch["line"].to_list()]
    assert lines == _lines_of_rows(path)


def test_an_unbalanced_quote_is_reported_not_read_forever(tmp_path, monkeypatch):
    monkeypatch.setattr(csvblocks, "MAX_RECORD", 1000)
    path = tmp_path / "audit.csv"
    path.write_text(",".join(NETWORK_14) + '\n1,"never closed,' + "x" * 5000 + "\n")
    with pytest.raises(ValueError, match="unbalanced quote"):
        list(csvblocks.record_blocks(path, size=256))


def test_rows_narrower_than_the_header_are_padded_and_rejected_without_a_time(tmp_path):
    path = tmp_path / "audit.csv"
    path.write_text(",".join(NETWORK_14) + "\n" + "s-9,***,Eugene OR PD\n")
    result = analyze([path])
    assert (result.rows, result.rejected) == (0, [("audit.csv", 2, "no search time")])


def test_a_windows_1252_export_keeps_its_accents(tmp_path):
    rows = network_rows(NETWORK_14)[:1]
    rows[0][7] = "Café robbery – suspect"
    path = tmp_path / "audit.csv"
    buffer = io.StringIO()
    csv.writer(buffer).writerows([NETWORK_14, *rows])
    path.write_bytes(buffer.getvalue().encode("cp1252"))
    [batch] = list(frames.open_source(path).batches)
    assert batch["reason"].to_list() == ["Café robbery – suspect"]


@pytest.mark.parametrize("text, expected", [
    ("01/31/2022, 11:26:24 PM UTC", datetime(2022, 1, 31, 23, 26, 24, tzinfo=UTC)),
    ("01/31/2022, 12:26:24 AM UTC", datetime(2022, 1, 31, 0, 26, 24, tzinfo=UTC)),
    ("01/31/2022, 12:00:00 PM UTC", datetime(2022, 1, 31, 12, 0, tzinfo=UTC)),
    ("1/5/2022, 3:04:05 PM UTC", datetime(2022, 1, 5, 15, 4, 5, tzinfo=UTC)),
    ("01/31/2022, 13:26:24 PM UTC", None),
    ("02/30/2022, 11:26:24 PM UTC", None),
    ("2025-06-18 00:02:04.789", datetime(2025, 6, 18, 0, 2, 4, 789000, tzinfo=UTC)),
    ("2025-06-18T00:02:04+00:00", datetime(2025, 6, 18, 0, 2, 4, tzinfo=UTC)),
    ("45000.5", datetime(2023, 3, 15, 12, 0, tzinfo=UTC)),
    ("2025", None),  # a year, not an Excel serial date of 1905
    ("not recorded", None),
])
def test_times_in_every_shape_even_mixed_in_one_batch(text, expected):
    batch = pl.Series("t", ["01/31/2022, 11:26:24 PM UTC"] * 30 + [text])
    assert column_times.parse_times(batch).to_list()[-1] == expected


REASONS = ["ICE warrant", "assist ICE ERO", "possession of ice", "Drugs/Narcotics - HSI", "HSI request", "trans",
           "transgender", "press", "journalist follow-up", "No Kings protest", "Hands Off rally", "abortion",
           "Planned Parenthood", "my car was stolen", "Immigration (ICE/ERO)", "custody dispute", "", "50501",
           "C.A.R.E. check", "care", "Ñandú ICE"]


def test_the_columnar_flags_are_the_rules_flags():
    extra = (rules.custom_rule("review", "C.A.R.E."), rules.custom_rule("protest", "sit in"))
    batch = pl.DataFrame({"organization": ["Eugene OR PD"] * len(REASONS), "reason": REASONS})
    flagged = frames.Flagger(extra)(batch)
    for reason, flags in zip(REASONS, flagged["flags"].to_list()):
        assert sorted(map(tuple, pl.Series([flags]).str.json_decode().to_list()[0])) == sorted(
            rules.reason_flags(reason, extra)), reason


def test_a_federal_searcher_adds_its_flag_to_the_reasons(tmp_path):
    batch = pl.DataFrame({"organization": ["[Federal] DHS", "Okaloosa County FL SO"], "reason": ["ICE hold", "ICE hold"]})
    flagged = frames.Flagger()(batch)
    assert flagged["categories"].to_list() == [",federal,immigration,", ",immigration,"]
    assert flagged["organization_state"].to_list() == ["", "FL"]
    assert '["federal", "federal searching organization"]' in flagged["flags"][0]


def test_the_synthetic_network_audit_has_every_quirk(tmp_path):
    path = tmp_path / "synthetic.csv"
    write_synthetic(path, 3000, seed=1)
    result = analyze([path], home_state="OR")
    summary = result.summary()
    assert summary["format"] == "network_audit_14"
    assert summary["rows"] + summary["duplicates"] + summary["rejected"] == 3000
    assert summary["duplicates"] > 20 and summary["categories"]["immigration"] > 0
    assert summary["federal_searches"] > 0 and summary["out_of_state_searches"] > 0
    assert all(line in _lines_of_rows(path) for _, line, _ in result.rejected)


def test_reasons_first_met_in_a_later_block_are_flagged_too(tmp_path, small_blocks):
    path = tmp_path / "synthetic.csv"
    write_synthetic(path, 400, seed=3)
    for batch in frames.open_source(path).batches:
        for reason, flags in batch.select("reason", "flags").iter_rows():
            assert flags is not None and sorted(map(tuple, json.loads(flags))) == sorted(
                rules.reason_flags(reason) + ([("federal", rules.FEDERAL_RULE)] if '"federal"' in flags else []))


def _both_ways(monkeypatch, paths: list[Path]) -> tuple[tuple[dict, list], tuple[dict, list]]:
    from requests_app.auditlogs import scan

    def run() -> tuple[dict, list]:
        found = []
        result = analyze(paths, home_state="OR", on_flag=lambda p, row, flags: found.append(
            (p.name, row["line"], row["reason"], row["organization"], row.get("user"), json.dumps(flags))))
        return {**result.summary(), "rejected_rows": sorted(result.rejected)}, sorted(found)

    scanned = run()
    monkeypatch.setattr(scan, "scannable", lambda path: False)
    return scanned, run()


def test_the_whole_file_scan_and_the_batches_agree(tmp_path, monkeypatch):
    monkeypatch.setattr(csvblocks.record_blocks, "__defaults__", (20_000,))  # several batches a file
    first, second = tmp_path / "6_1_2025-6_30_2025-Network-Audit.csv", tmp_path / "7_1_2025-7_31_2025-Network-Audit.csv"
    write_synthetic(first, 1500, seed=21)
    write_synthetic(second, 1500, seed=21)  # the next month's file repeats every row
    path = write_csv(tmp_path / "quirks.csv", NETWORK_14, network_rows(NETWORK_14))
    scanned, batched = _both_ways(monkeypatch, [first, second, path])
    assert scanned == batched
    assert scanned[0]["duplicates"] > 1500 and scanned[1]


@pytest.mark.parametrize(("cell", "expected"), [
    ("01/01/2025, 12:00:00 AM UTC\n01/31/2025, 11:59:59 PM UTC", ("01/01/2025, 12:00:00 AM UTC", "01/31/2025, 11:59:59 PM UTC")),
    ("01/01/2025 - 01/31/2025", ("01/01/2025", "01/31/2025")),
    ("01/01/2025 to 01/31/2025", ("01/01/2025", "01/31/2025")),
    ("7 days", ("", "")),
    ("", ("", "")),
])
def test_a_time_frame_on_one_line_or_two_gives_its_start_and_end(cell, expected):
    cells = pl.Series("time_frame", ["01/01/2025, 12:00:00 AM UTC\n01/31/2025, 11:59:59 PM UTC", cell])
    parts = frames._time_frame(cells)
    assert parts.row(1) == expected
