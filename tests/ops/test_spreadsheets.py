"""The guard against CSV injection that exports apply and imports read back."""

from __future__ import annotations

import pytest

from requests_app.ops.spreadsheets import spreadsheet_safe, spreadsheet_text


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x.example")', "+1", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe_and_reads_back_as_itself(cell):
    assert spreadsheet_safe(cell) == "'" + cell
    assert spreadsheet_text(spreadsheet_safe(cell)) == cell


@pytest.mark.parametrize("cell", ["Eugene Police Department", "'Iolani Police", "", 42, None])
def test_other_cells_are_left_alone(cell):
    assert spreadsheet_safe(cell) == cell
    if isinstance(cell, str):
        assert spreadsheet_text(cell) == cell
