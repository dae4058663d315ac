"""A lookup for the conditions of partial indexes."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models import Lookup

_CONSTANT = re.compile(r"[a-z0-9_]+")


class ConstantIn(Lookup):
    """``column IN ('a', 'b')`` with the values, sorted, written into the SQL rather than bound.

    SQLite uses a partial index only when the query states the index's condition as the
    index does: ``request_status IN (?, ?)`` never matches ``request_status IN ('a', 'b')``,
    whatever values are bound. So a query served by a partial index whose condition lists
    values (written sorted, as Django writes ``Index(condition=Q(x__in=sorted(...)))``) says
    ``ConstantIn(F("x"), values)``. Only code constants such as a status's value qualify.
    """

    lookup_name = "constant_in"
    prepare_rhs = False

    def __init__(self, lhs: object, rhs: Iterable[str]) -> None:
        values = sorted(str(value) for value in rhs)
        unfit = [value for value in values if not _CONSTANT.fullmatch(value)]
        if unfit or not values:
            raise ValueError(f"ConstantIn takes lower-case words, at least one, not {unfit or 'none'}.")
        super().__init__(lhs, values)

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        lhs, params = self.process_lhs(compiler, connection)
        quoted = ", ".join(f"'{value}'" for value in self.rhs)  # safe: words only (__init__)
        return f"{lhs} IN ({quoted})", list(params)
