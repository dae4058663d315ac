"""Which searches a run has met before, in a few bytes a key, however long the release.

A release repeats rows, in one file and across its monthly files, and a repeated row counts
once. Keys are compared as 64-bit hashes (the caller's): 8 bytes a distinct key, kept in
sorted runs, where a set of Python ints costs ten times that. A bitmap of about sixteen
bits a key tells almost every new key apart at once; only the few whose bit is already set
(a repeat, or another key on the same bit) are looked up in the runs.

Runs are merged, never re-sorted, once FAN_IN of a size pile up (as a log-structured
merge tree does), so each key is copied a few times in all and a lookup searches a dozen
runs at most.
"""

from __future__ import annotations

import polars as pl

BITS_PER_KEY = 16  # about 1 new key in 16 finds its bit set by another and is looked up
FIRST_BITS = 20
FAN_IN = 4


class SeenKeys:
    def __init__(self) -> None:
        self.runs: list[pl.DataFrame] = []  # each a sorted "hash" column; the largest first
        self.count = 0
        self._bits = FIRST_BITS
        self._bitmap = _empty_bitmap(self._bits)

    def first(self, hashes: pl.Series) -> pl.Series:
        """Which of ``hashes`` (UInt64; null for a row without a key) are met for the first
        time, in this batch or any before; they are remembered."""
        first = hashes.is_first_distinct() & hashes.is_not_null()
        new = hashes.filter(first)
        slots = self._slots(new)
        met = self._met(new.filter(self._bitmap.gather(slots)).sort())
        if not met.is_empty():
            first = first & ~hashes.is_in(met.implode())
        self._bitmap.scatter(slots, True)  # a repeat's bit is set already: no need to leave it out
        self._add(hashes.filter(first).sort())
        return first

    def _slots(self, hashes: pl.Series) -> pl.Series:
        return (hashes // (1 << (64 - self._bits))).cast(pl.UInt32)

    def _met(self, candidates: pl.Series) -> pl.Series:
        """The sorted ``candidates`` found in a run."""
        found = pl.repeat(False, candidates.len(), eager=True)
        for run in self.runs:
            keys = run["hash"]
            found = found | (keys.gather(keys.search_sorted(candidates).clip(0, keys.len() - 1)) == candidates)
        return candidates.filter(found)

    def _add(self, fresh: pl.Series) -> None:
        if fresh.is_empty():
            return
        self.runs.append(fresh.to_frame("hash"))
        self.count += fresh.len()
        while len(self.runs) >= FAN_IN and self.runs[-FAN_IN].height <= FAN_IN * self.runs[-1].height:
            merged = self.runs[-FAN_IN]
            for run in self.runs[-FAN_IN + 1:]:
                merged = merged.merge_sorted(run, "hash")
            self.runs[-FAN_IN:] = [merged]
        if self.count * BITS_PER_KEY > 1 << self._bits:
            self._grow()

    def _grow(self) -> None:
        while self.count * BITS_PER_KEY > 1 << self._bits:
            self._bits += 2
        self._bitmap = _empty_bitmap(self._bits)
        for run in self.runs:
            self._bitmap.scatter(self._slots(run["hash"]), True)


def _empty_bitmap(bits: int) -> pl.Series:
    return pl.repeat(False, 1 << bits, eager=True).rechunk()
