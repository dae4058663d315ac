"""Repeated rows found across batches in a few bytes a key (seen.py), as a whole-file pass finds them."""

from __future__ import annotations

import random

import polars as pl
import pytest

from requests_app.auditlogs import scan, seen
from requests_app.auditlogs.analyze import analyze
from requests_app.auditlogs.seen import SeenKeys
from tests.auditlogs.test_analyze import NETWORK_14, network_rows, write_csv


def _hashes(values: list[int | None]) -> pl.Series:
    keys = pl.Series("key", values, dtype=pl.Int64)
    return keys.to_frame().select(pl.when(keys.is_not_null()).then(pl.col("key").hash(seed=1)))["key"]


def _in_batches(keys: SeenKeys, hashes: pl.Series, size: int) -> pl.Series:
    return pl.concat([keys.first(hashes.slice(i, size)) for i in range(0, hashes.len(), size)])


# Small batches, fewer rows: each batch costs a call (20,000 batches of one took a minute).
@pytest.mark.parametrize(("size", "rows"), [(1, 1_000), (7, 5_000), (1000, 20_000), (100_000, 20_000)])
def test_it_marks_the_first_of_each_key_as_a_whole_pass_does(size, rows):
    rng = random.Random(size)
    hashes = _hashes([rng.randrange(rows // 7) if rng.random() > 0.01 else None for _ in range(rows)])
    expected = hashes.is_first_distinct() & hashes.is_not_null()
    assert _in_batches(SeenKeys(), hashes, size).to_list() == expected.to_list()


def test_keys_sharing_a_bit_are_told_apart(monkeypatch):
    # A bitmap of a few bits: almost every new key finds its bit set and is looked up.
    monkeypatch.setattr(seen, "FIRST_BITS", 2)
    monkeypatch.setattr(seen, "BITS_PER_KEY", 1 / 64)
    keys, hashes = SeenKeys(), _hashes(list(range(5000)) + list(range(0, 5000, 3)))
    first = _in_batches(keys, hashes, 250)
    assert first.sum() == 5000 and not first.slice(5000).any() and keys.count == 5000


def test_runs_are_merged_as_they_pile_up():
    keys = SeenKeys()
    _in_batches(keys, _hashes(list(range(64 * 100))), 100)
    assert keys.count == 6400 and len(keys.runs) < seen.FAN_IN * 3
    assert all(run["hash"].is_sorted() for run in keys.runs)


def test_the_bitmap_grows_with_the_keys_kept():
    keys = SeenKeys()
    keys.first(_hashes(list(range(200_000))))
    assert 1 << keys._bits >= 200_000 * seen.BITS_PER_KEY


def test_a_file_read_in_many_batches_counts_each_row_once(tmp_path, monkeypatch):
    rows = network_rows(NETWORK_14)
    path = write_csv(tmp_path / "audit.csv", NETWORK_14, rows * 3)
    whole = analyze([path])
    monkeypatch.setattr(scan, "CHUNK", 2)
    batched = analyze([path])
    # Counted alike; the top lists may order ties otherwise (as grouping does), so whole counters are compared.
    assert (batched.organizations, batched.reasons) == (whole.organizations, whole.reasons)
    assert _untied(batched.summary()) == _untied(whole.summary())
    assert whole.rows and whole.duplicates >= 2 * whole.rows


def _untied(summary: dict) -> dict:
    return {key: value for key, value in summary.items() if key not in ("top_orgs", "top_reasons")}
