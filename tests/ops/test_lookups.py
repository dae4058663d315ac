from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import F, Q

from requests_app.deadlines.models import RequestClock
from requests_app.ops.lookups import ConstantIn
from requests_app.records.models import AWAITING_ANSWER


def test_it_writes_the_values_sorted_into_the_sql():
    clocks = RequestClock.objects.filter(ConstantIn(F("request_status"), ["submitted", "acknowledged"]))
    sql, params = clocks.query.sql_with_params()
    assert "\"request_status\" IN ('acknowledged', 'submitted')" in sql
    assert params == ()


@pytest.mark.parametrize("values", [["submitted", "x') OR 1=1 --"], ["Submitted"], []])
def test_it_refuses_anything_but_words(values):
    with pytest.raises(ValueError, match="lower-case words"):
        ConstantIn(F("request_status"), values)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's matching of partial indexes")
def test_sqlite_reads_a_partial_index_through_it():
    def plan(condition) -> str:
        sql, params = RequestClock.objects.filter(condition, organization_id=1, paused_on__isnull=True).values(
            "response_due").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return " ".join(row[-1] for row in cursor.fetchall())

    assert "clock_org_awaiting_due" in plan(ConstantIn(F("request_status"), AWAITING_ANSWER))
    assert "clock_org_awaiting_due" not in plan(Q(request_status__in=AWAITING_ANSWER))  # bound: never matched


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's matching of partial indexes")
def test_the_deadlines_board_reads_the_running_clocks_by_their_index(alice):
    """The board's overdue list and the dashboard's counts come from one query of the
    running clocks (deadlines.selectors.running_clocks)."""
    from datetime import date

    from requests_app.deadlines.selectors import running_clocks

    overdue = running_clocks(alice.organization).filter(response_due__lt=date(2026, 12, 6)).order_by("response_due")
    sql, params = overdue.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        assert "clock_org_awaiting_due" in " ".join(row[-1] for row in cursor.fetchall())
