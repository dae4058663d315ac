"""The labelled corpus of the flagging rules: real-world search reasons and searching
organizations, each with the categories an analyst expects (none for a trap).

``reasons.csv`` and ``organizations.csv``: columns ``text`` and ``expected`` (categories
separated by spaces; empty for a line that must not be flagged)."""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load(name: str) -> list[tuple[str, frozenset[str]]]:
    with open(HERE / f"{name}.csv", newline="", encoding="utf-8") as f:
        return [(row["text"], frozenset(row["expected"].split())) for row in csv.DictReader(f)]
