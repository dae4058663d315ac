"""A scratch PostgreSQL database for a benchmark, made afresh and dropped after; and the
name and version of the database a benchmark ran on."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def scratch_database(url: str, *, drop_only: bool = False) -> None:
    """Drops the database ``url`` names and, unless ``drop_only``, creates it afresh."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            admin.execute(f'CREATE DATABASE "{name}"')


def on_scratch_postgres(url: str, measure: Callable[[], T]) -> T | str:
    """``measure()``'s result with the database ``url`` names made afresh, and dropped after;
    or why it was skipped, if the server cannot be reached."""
    try:
        scratch_database(url)
    except Exception as error:  # psycopg missing, server down, no permission
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        return f"skipped: PostgreSQL is unreachable ({type(error).__name__}: {first_line})"
    try:
        return measure()
    finally:
        try:
            scratch_database(url, drop_only=True)
        except Exception as error:
            print(f"could not drop the scratch database: {error}", file=sys.stderr)


def server_version() -> str:
    """The connected database's engine and version, for a benchmark's report."""
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
