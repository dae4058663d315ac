"""Counting a benchmark's queries: every statement run through Django's connection, with
its time, grouped by its text with column lists and VALUES left out."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

SLOWEST_SHOWN = 3  # statements shown for each measurement

_SELECT_COLUMNS = re.compile(r"^SELECT .*? FROM ", re.DOTALL)
_INSERT_VALUES = re.compile(r"^(INSERT INTO \S+) \(.*", re.DOTALL)


def shorten(sql: str) -> str:
    """A statement as it is shown: column lists and VALUES left out, at most 150 characters."""
    text = _SELECT_COLUMNS.sub("SELECT … FROM ", sql)
    text = _INSERT_VALUES.sub(r"\1 (…) VALUES …", text)
    text = " ".join(text.split())
    return text if len(text) <= 150 else text[:149] + "…"


@dataclass
class QueryLog:
    """Counts every statement run through the connection, with its time, grouped by text."""

    count: int = 0
    by_statement: dict[str, list[float]] = field(default_factory=dict)  # sql -> [calls, seconds]

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - start
            self.count += 1
            entry = self.by_statement.setdefault(sql, [0, 0.0])
            entry[0] += 1
            entry[1] += elapsed

    def grouped(self) -> list[tuple[int, float, str]]:
        """(calls, seconds, shortened text), statements of the same shape together."""
        groups: dict[str, list[float]] = {}
        for sql, (calls, seconds) in self.by_statement.items():
            entry = groups.setdefault(shorten(sql), [0, 0.0])
            entry[0] += calls
            entry[1] += seconds
        return [(int(calls), seconds, text) for text, (calls, seconds) in groups.items()]

    def slowest(self, n: int) -> list[tuple[int, float, str]]:
        return sorted(self.grouped(), key=lambda g: -g[1])[:n]

    def most_repeated(self, n: int) -> list[tuple[int, float, str]]:
        return sorted(self.grouped(), key=lambda g: -g[0])[:n]


@contextmanager
def counting() -> Iterator[QueryLog]:
    from django.db import connection

    log = QueryLog()
    with connection.execute_wrapper(log):
        yield log
