"""Each new PostgreSQL connection gets the planner's page cost of the settings."""

from __future__ import annotations

import pytest
from django.db import connection, connections

from requests_app.ops.apps import tune_the_planner

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")


def _page_cost_of_a_new_connection() -> str:
    fresh = connections.create_connection("default")
    try:
        with fresh.cursor() as cursor:
            cursor.execute("SHOW random_page_cost")
            return cursor.fetchone()[0]
    finally:
        fresh.close()


@postgres_only
@pytest.mark.django_db
def test_a_new_connection_prices_random_reads_as_the_settings_say(settings):
    settings.POSTGRES_RANDOM_PAGE_COST = 1.1
    assert _page_cost_of_a_new_connection() == "1.1"
    settings.POSTGRES_RANDOM_PAGE_COST = 2.5
    assert _page_cost_of_a_new_connection() == "2.5"


@postgres_only
@pytest.mark.django_db
def test_server_keeps_the_servers_own_setting(settings):
    with connection.cursor() as cursor:
        cursor.execute("SELECT reset_val FROM pg_settings WHERE name = 'random_page_cost'")
        servers = cursor.fetchone()[0]
    settings.POSTGRES_RANDOM_PAGE_COST = None
    assert _page_cost_of_a_new_connection() == servers


class _Recording:
    vendor = "sqlite"

    def cursor(self):  # pragma: no cover - must not be reached
        raise AssertionError("the planner setting is PostgreSQL's only")


def test_other_databases_are_left_alone(settings):
    settings.POSTGRES_RANDOM_PAGE_COST = 1.1
    tune_the_planner(sender=None, connection=_Recording())
