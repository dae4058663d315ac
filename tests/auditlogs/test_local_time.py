"""Times without a zone are the agency's local time: the zone of its state (or one named),
read row by row and by the column, and by the command-line analysis. Imports, the import
page and reports are in test_local_time_imports.py."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import polars as pl
import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from requests_app.agencies.states import STATE_NAMES
from requests_app.auditlogs import column_times
from requests_app.auditlogs.analyze import analyze
from requests_app.auditlogs.parse import parse_time, stringify
from requests_app.auditlogs.zones import STATE_ZONES, check_zone, chosen_zone, state_zone
from tests.auditlogs.test_analyze import EUGENE

PORTAL = ["id", "userId", "searchDate", "cameraCount", "reason"]
HOTLIST = ["Timestamp", "User", "Event Type", "Entity Type", "Entity Details"]


def write(path, headers: list[str], rows: list[list[object]]):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(headers)
        out.writerows(rows)
    return path


def portal_log(path, times: list[str]):
    """A portal search audit as agencies release it: times in their own clock, no zone."""
    return write(path, PORTAL, [[f"s-{n}", "u-1", when, 2510, "stolen vehicle"] for n, when in enumerate(times)])


def hotlist_log(path, times: list[str]):
    return write(path, HOTLIST, [[when, "jdoe", "Entry Added", "Custom Hot List Entry",
                                  f"Plate: P{n}\nReason: ICE detainer"] for n, when in enumerate(times)])


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# The table of zones


def test_every_state_dc_and_territory_has_a_zone_that_exists():
    assert set(STATE_NAMES) | {"PR", "VI", "GU", "MP", "AS"} <= set(STATE_ZONES)
    assert all(check_zone(zone) == zone for zone in STATE_ZONES.values())


@pytest.mark.parametrize("code, zone", [
    ("TX", "America/Chicago"), ("FL", "America/New_York"), ("OR", "America/Los_Angeles"),
    ("IN", "America/Indiana/Indianapolis"), ("AZ", "America/Phoenix"), ("ID", "America/Boise"),
    ("KY", "America/New_York"), ("HI", "Pacific/Honolulu"), ("PR", "America/Puerto_Rico"),
])
def test_a_state_spanning_zones_takes_the_one_most_of_its_people_use(code, zone):
    assert state_zone(code).name == zone


def test_the_zone_says_why_it_was_chosen():
    assert state_zone("or").explain() == ("times without a zone read as America/Los_Angeles "
                                          "(Oregon's zone; --tz to change)")
    assert state_zone("US").explain() == "times without a zone read as UTC (no state, so UTC; --tz to change)"
    assert chosen_zone("America/Denver", "OR").explain().startswith("times without a zone read as America/Denver")


@pytest.mark.parametrize("name", ["America/Eugene", "PST", "localtime", "../etc/passwd", ""])
def test_an_unknown_zone_is_refused_with_its_name_and_an_example(name):
    with pytest.raises(ValueError, match=r"unknown time zone .* such as America/Chicago"):
        check_zone(name)


# Reading times row by row (hot-list logs, spreadsheets)


def test_a_bare_time_is_read_in_the_zone_given():
    assert parse_time("2025-06-18 00:02:04.789", "America/Los_Angeles") == utc(2025, 6, 18, 7, 2, 4, 789000)
    assert parse_time("11/02/2025 3:04:00 PM", "America/Los_Angeles") == utc(2025, 11, 2, 23, 4)  # PST: +8
    assert parse_time(45000.5, "America/Chicago") == utc(2023, 3, 15, 17)  # an Excel serial: 12:00 CDT
    assert parse_time(datetime(2025, 1, 2, 9, 0), "America/New_York") == utc(2025, 1, 2, 14)  # a naive cell


def test_a_time_that_names_its_zone_keeps_it_whatever_the_zone_given():
    assert parse_time("01/31/2022, 11:26:24 PM UTC", "America/Los_Angeles") == utc(2022, 1, 31, 23, 26, 24)
    assert parse_time("2025-06-18T00:02:04Z", "America/Los_Angeles") == utc(2025, 6, 18, 0, 2, 4)
    assert parse_time("2025-06-18T00:02:04-05:00", "America/Los_Angeles") == utc(2025, 6, 18, 5, 2, 4)
    assert parse_time(utc(2025, 6, 18), "America/Los_Angeles") == utc(2025, 6, 18)


def test_a_time_in_the_hour_clocks_go_back_is_the_first_of_the_two():
    assert parse_time("2025-11-02 01:30:00", "America/Los_Angeles") == utc(2025, 11, 2, 8, 30)  # PDT, not PST


def test_a_time_in_the_hour_clocks_skip_is_refused_saying_so():
    with pytest.raises(ValueError, match="2025-03-09 02:30:00 does not exist in America/Los_Angeles"):
        parse_time("2025-03-09 02:30:00", "America/Los_Angeles")


def test_a_naive_spreadsheet_cell_stays_bare_until_read_in_a_zone():
    assert stringify(datetime(2025, 6, 18, 0, 2, 4)) == "2025-06-18T00:02:04"
    assert stringify(utc(2025, 6, 18, 0, 2, 4)) == "2025-06-18T00:02:04+00:00"


# Reading times by the column (searches)


def test_a_batch_of_bare_times_is_read_in_the_zone_and_named_ones_keep_theirs():
    raw = pl.Series("t", ["2025-06-18 00:02:04.789"] * 30 + ["01/31/2022, 11:26:24 PM UTC",
                                                             "2025-06-18T00:02:04+02:00", "45000.5"])
    parsed = column_times.parse_times(raw, "America/Los_Angeles").to_list()
    assert parsed[0] == utc(2025, 6, 18, 7, 2, 4, 789000)
    assert parsed[-3:] == [utc(2022, 1, 31, 23, 26, 24), utc(2025, 6, 17, 22, 2, 4), utc(2023, 3, 15, 19)]


def test_a_batch_of_flock_utc_times_is_not_moved_by_the_zone():
    raw = pl.Series("t", ["01/31/2022, 11:26:24 PM UTC"] * 30 + ["2025-06-18 00:02:04"])
    parsed = column_times.parse_times(raw, "America/Chicago").to_list()
    assert parsed[0] == utc(2022, 1, 31, 23, 26, 24) and parsed[-1] == utc(2025, 6, 18, 5, 2, 4)


def test_a_batch_reads_the_repeated_hour_as_its_first_and_nulls_the_skipped_one():
    raw = pl.Series("t", ["2025-11-02 01:30:00", "2025-03-09 02:30:00", "2025-03-09 03:30:00"])
    assert column_times.parse_times(raw, "America/Los_Angeles").to_list() == [
        utc(2025, 11, 2, 8, 30), None, utc(2025, 3, 9, 10, 30)]


def test_each_file_keeps_its_own_shape():
    american, iso = column_times.TimeReader("UTC"), column_times.TimeReader("UTC")
    american(pl.Series("t", ["01/31/2022, 11:26:24 PM UTC"] * 3))
    iso(pl.Series("t", ["2025-06-18 00:02:04"] * 3))
    assert american.shape == "%m/%d/%Y, %I:%M:%S %p UTC" and iso.shape == "%Y-%m-%d %H:%M:%S%.f"


# The command-line analysis


def test_the_analysis_reads_bare_times_in_the_states_zone_and_says_so(tmp_path):
    path = portal_log(tmp_path / "portal.csv", ["2025-06-18 00:02:04.789", "2025-12-02 23:00:00"])
    summary = analyze([path], home_state="OR").summary()
    assert summary["first_search"] == "2025-06-18T07:02:04.789000+00:00"  # PDT: +7
    assert summary["last_search"] == "2025-12-03T07:00:00+00:00"  # PST: +8
    assert (summary["time_zone"], summary["time_zone_source"]) == ("America/Los_Angeles", "Oregon's zone")


def test_the_analysis_without_a_state_reads_bare_times_as_utc_and_says_so(tmp_path):
    path = portal_log(tmp_path / "portal.csv", ["2025-06-18 00:02:04.789"])
    summary = analyze([path]).summary()
    assert summary["first_search"] == "2025-06-18T00:02:04.789000+00:00"
    assert (summary["time_zone"], summary["time_zone_source"]) == ("UTC", "no state, so UTC")


def test_the_command_takes_a_zone_and_carries_it_in_its_json(tmp_path):
    path = portal_log(tmp_path / "portal.csv", ["2025-06-18 00:02:04.789"])
    out = io.StringIO()
    call_command("analyze_audit_log", str(path), "--json", "--state", "OR", "--tz", "America/Denver", stdout=out)
    summary = json.loads(out.getvalue())
    assert (summary["time_zone"], summary["time_zone_source"]) == ("America/Denver", "chosen")
    assert summary["first_search"] == "2025-06-18T06:02:04.789000+00:00"


def test_the_command_names_the_zone_in_its_text_output(tmp_path):
    path = portal_log(tmp_path / "portal.csv", ["2025-06-18 00:02:04.789"])
    out = io.StringIO()
    call_command("analyze_audit_log", str(path), "--state", "OR", stdout=out)
    assert "times without a zone read as America/Los_Angeles (Oregon's zone; --tz to change)" in out.getvalue()


def test_the_flagged_searches_file_gives_local_times_with_their_offset(tmp_path):
    path = write(tmp_path / "portal.csv", PORTAL, [["s-1", "u-1", "2025-06-18 00:02:04", 1, "ICE warrant"]])
    call_command("analyze_audit_log", str(path), "--state", "OR", "--flagged", str(tmp_path / "f.csv"),
                 stdout=io.StringIO())
    with open(tmp_path / "f.csv", encoding="utf-8") as handle:
        assert next(csv.DictReader(handle))["search_time"] == "2025-06-18T00:02:04-07:00"


def test_the_command_refuses_an_unknown_zone(tmp_path):
    path = portal_log(tmp_path / "portal.csv", ["2025-06-18 00:02:04.789"])
    with pytest.raises(CommandError, match=r"--tz: unknown time zone 'Pacific/Eugene'.*America/Chicago"):
        call_command("analyze_audit_log", str(path), "--tz", "Pacific/Eugene")


def test_a_time_clocks_skipped_is_a_rejected_row_saying_why(tmp_path):
    path = portal_log(tmp_path / "portal.csv", ["2025-03-09 01:59:00", "2025-03-09 02:30:00", "2025-03-09 03:00:00"])
    result = analyze([path], home_state="OR")
    assert result.rows == 2
    assert result.rejected == [("portal.csv", 3, "2025-03-09 02:30:00 does not exist in America/Los_Angeles "
                                                  "(the clocks skipped that hour when they went forward)")]


def test_a_spreadsheet_of_local_times_is_read_in_the_zone(tmp_path):
    workbook = Workbook()
    workbook.active.append(PORTAL)
    workbook.active.append(["s-1", "u-1", datetime(2025, 6, 18, 0, 2, 4), 2510, "stolen vehicle"])
    path = tmp_path / "portal.xlsx"
    workbook.save(path)
    assert analyze([path], home_state="OR").summary()["first_search"] == "2025-06-18T07:02:04+00:00"


def test_a_hotlist_log_is_analysed_in_the_zone(tmp_path):
    path = hotlist_log(tmp_path / "hot.csv", ["11/02/2025 3:04:00 PM"])
    assert analyze([path], home_state="OR").summary()["first_search"] == "2025-11-02T23:04:00+00:00"


def test_the_eugene_portal_audit_read_in_oregons_zone_starts_at_seven_utc():
    summary = analyze([EUGENE], home_state="OR").summary()
    assert (summary["rows"], summary["rejected"]) == (4294, 0)
    # 2025-06-18 00:02:04.789 to 2025-12-02 23:01:50.984 as printed, Pacific time.
    assert summary["first_search"] == "2025-06-18T07:02:04.789000+00:00"
    assert summary["last_search"] == "2025-12-03T07:01:50.984000+00:00"
