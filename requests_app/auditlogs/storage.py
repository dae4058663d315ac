"""Writes a batch of normalised searches (see frames.py) to the database.

On PostgreSQL a batch is streamed with COPY into a temporary table and moved across in one
INSERT ... ON CONFLICT DO NOTHING, so a row released twice (in one file or across a
release's monthly files) is stored once; that is what lets a million-row audit log import
in well under a minute. Other databases get Django's bulk_create with the same effect.
"""

from __future__ import annotations

import hashlib
import io
import json
from functools import lru_cache

import polars as pl
from django.db import connection

from requests_app.auditlogs.models import SearchEvent

# Field -> longest text the column takes; longer released values are cut to fit.
LIMITS = {"organization": 300, "user": 200, "reason": 1000, "case_number": 200, "search_type": 60,
          "time_frame_start": 60, "time_frame_end": 60, "plate": 40}
COLUMNS = ("request_id", "audit_import_id", "line", "key", "searched_at", "organization", "organization_state",
           "federal", "user", "reason", "case_number", "search_type", "networks", "devices", "time_frame_start",
           "time_frame_end", "plate", "categories", "flags")
STAGE = "auditlogs_searchevent_stage"


def _digest(key: str) -> str:
    return hashlib.blake2b(key.encode(), digest_size=20).hexdigest()


def stored_keys(keys: pl.Series) -> pl.Series:
    """What the unique constraint compares. A short ID (Flock's are UUIDs) is kept as it is,
    marked with "=", which no digest starts with; anything longer, or a row known only by
    all its values, is reduced to a 40-character digest. Stable across versions, unlike
    polars' own hash, since keys stored today must match a file imported next year."""
    short = (keys.str.len_chars() <= 39) & ~keys.str.contains("|", literal=True)
    marked = ("=" + keys).alias("key")
    long_keys = keys.filter(~short)
    if long_keys.is_empty():
        return marked
    digests = pl.Series("key", [_digest(k) for k in long_keys.to_list()], dtype=pl.String)
    return marked.scatter((~short).arg_true(), digests)


def rows_for_storage(batch: pl.DataFrame, *, request_id: int, audit_import_id: int) -> pl.DataFrame:
    """The batch shaped as SearchEvent columns: keys made storable, texts cut to their columns."""
    absent = [(pl.lit(None, dtype=pl.Int64) if name in ("networks", "devices") else pl.lit("")).alias(name)
              for name in COLUMNS if name not in batch.columns and name not in ("request_id", "audit_import_id")]
    return batch.with_columns(*absent).with_columns(
        stored_keys(batch["key"]), pl.lit(request_id).alias("request_id"),
        pl.lit(audit_import_id).alias("audit_import_id"),
        pl.col("networks").clip(0, 2**31 - 1), pl.col("devices").clip(0, 2**31 - 1),
        *(pl.col(name).str.head(limit) for name, limit in LIMITS.items()),
    ).select(COLUMNS)


def store_events(batch: pl.DataFrame, *, request_id: int, audit_import_id: int) -> None:
    """Stores the batch's searches; call inside a transaction."""
    if batch.is_empty():
        return
    rows = rows_for_storage(batch, request_id=request_id, audit_import_id=audit_import_id)
    if connection.vendor == "postgresql":
        _copy(rows)
    else:
        SearchEvent.objects.bulk_create(_instances(rows), ignore_conflicts=True, batch_size=2000)


def _copy(rows: pl.DataFrame) -> None:
    names = ", ".join(f'"{c}"' for c in COLUMNS)
    data = rows.with_columns(pl.col("searched_at").dt.to_string("%Y-%m-%d %H:%M:%S%.6f+00"))
    # Quoted text keeps "" an empty string; a bare empty field is NULL (no time, no count).
    body = io.BytesIO()
    data.write_csv(body, include_header=False, quote_style="non_numeric", null_value="")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE} AS "
                       f"SELECT {names} FROM {SearchEvent._meta.db_table} WITH NO DATA")
        with cursor.copy(f"COPY {STAGE} ({names}) FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(body.getbuffer())
        cursor.execute(f"INSERT INTO {SearchEvent._meta.db_table} ({names}) SELECT {names} FROM {STAGE} "
                       "ON CONFLICT (request_id, key) DO NOTHING")
        cursor.execute(f"TRUNCATE {STAGE}")


@lru_cache(maxsize=4096)
def _flags(text: str) -> list:
    return json.loads(text)


def _instances(rows: pl.DataFrame) -> list[SearchEvent]:
    events = []
    for row in rows.iter_rows(named=True):
        flags = row.pop("flags")
        events.append(SearchEvent(**row, flags=list(_flags(flags))))
    return events
