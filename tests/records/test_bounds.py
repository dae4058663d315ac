"""The bounds of typed values: ids the database can hold, dates within 1900 to 2200."""

from __future__ import annotations

import pytest

from requests_app.correspondence.forms import CommunicationForm
from requests_app.records.bounds import MAX_ID, parse_id
from requests_app.records.forms import StatusForm, SubmissionForm


@pytest.mark.parametrize(("text", "expected"), [
    ("42", 42), (" 7 ", 7), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None), ("0", None), ("-3", None),
    ("²", None), ("١٢", None), ("4.0", None), ("", None),
])
def test_it_reads_an_id_only_within_what_a_key_can_hold(text, expected):
    assert parse_id(text) == expected


@pytest.mark.parametrize("typed", ["0004-06-01", "8409-01-01", "1899-12-31", "2201-01-01"])
def test_the_pages_forms_refuse_a_date_outside_1900_to_2200(typed):
    assert "between 1900-01-01 and 2200-12-31" in str(StatusForm({"status": "submitted", "on": typed}).errors)
    assert "on" not in StatusForm({"status": "submitted", "on": "2026-11-30"}).errors
    submission = SubmissionForm({"channel": "mail", "sent_on": typed})
    assert "sent_on" in submission.errors


def test_a_logged_communication_dated_in_year_8409_is_refused():
    form = CommunicationForm({"direction": "from_agency", "channel": "email", "occurred_on": "2026-11-30",
                              "extended_to": "8409-01-01"})
    assert "between 1900-01-01" in str(form.errors["extended_to"])
