"""A scratch PostgreSQL database for a benchmark, made afresh and dropped after."""

from __future__ import annotations


def scratch_database(url: str, *, drop_only: bool = False) -> None:
    """Drops the database ``url`` names and, unless ``drop_only``, creates it afresh."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            admin.execute(f'CREATE DATABASE "{name}"')
