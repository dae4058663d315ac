"""A scratch PostgreSQL database for a benchmark, made afresh and dropped after; and the
name and version of the database a benchmark ran on."""

from __future__ import annotations


def scratch_database(url: str, *, drop_only: bool = False) -> None:
    """Drops the database ``url`` names and, unless ``drop_only``, creates it afresh."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            admin.execute(f'CREATE DATABASE "{name}"')


def server_version() -> str:
    """The connected database's engine and version, for a benchmark's report."""
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
