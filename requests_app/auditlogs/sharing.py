"""Sharing records as released: one partner per organization listed, with the direction
the data flows and the networks named in its row.

Flock's shared-networks export has one row per organization, with two cells of
comma-separated network names: "Networks Shared With Me" (that organization's networks the
agency can search) and "Networks I'm Sharing" (the agency's networks that organization can
search). A plainer sharing list (``Name, State, Type``) says only who is a partner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from requests_app.agencies.federal_names import is_federal
from requests_app.agencies.states import state_of

REDACTED = {"***", "[redacted]", "redacted"}


class Direction:
    """Which way the data flows between the agency and a partner."""

    SHARING = "sharing"  # the agency shares its data with the partner
    SHARED_WITH_ME = "shared_with_me"  # the partner shares its data with the agency
    BOTH = "both"
    LISTED = "listed"  # the release names the partner but not the direction

    LABELS = {
        SHARING: "the agency shares its data with it",
        SHARED_WITH_ME: "it shares its data with the agency",
        BOTH: "each shares its data with the other",
        LISTED: "listed partner (direction not stated)",
    }

    @classmethod
    def of(cls, shared_with_me: bool, sharing: bool) -> str:
        if shared_with_me and sharing:
            return cls.BOTH
        if sharing:
            return cls.SHARING
        return cls.SHARED_WITH_ME if shared_with_me else cls.LISTED


@dataclass(frozen=True)
class Relation:
    """One organization of a sharing release."""

    line: int
    organization: str
    direction: str  # a Direction
    state: str
    kind: str  # "police", "sheriff", "federal", "private", "other"
    shared_with_me: tuple[str, ...] = ()  # the partner's networks the agency can search
    sharing: tuple[str, ...] = ()  # the agency's networks the partner can search

    @property
    def federal(self) -> bool:
        return self.kind == "federal"


_PRIVATE = re.compile(r"\b(?:HOA|homeowners?|inc\.?|llc|corp\w*|company|mall|apartments?|property management|"
                      r"lowe'?s|home depot|walmart|business|school|university|college)\b", re.IGNORECASE)


def kind_of(name: str, stated: str = "") -> str:
    """The partner's kind from its name, or the kind the release states ("Federal", "Sheriff's Office")."""
    if is_federal(name) or re.search(r"\bfederal\b", stated, re.IGNORECASE):
        return "federal"
    text = f"{stated} {name}"
    if _PRIVATE.search(text):
        return "private"
    if re.search(r"\bSO\b|sheriff", text, re.IGNORECASE):
        return "sheriff"
    if re.search(r"\bPD\b|police|\bDPS\b|patrol", text, re.IGNORECASE):
        return "police"
    return "other"


def _clean(value: object) -> str:
    text = "" if value is None else " ".join(str(value).split())
    return "" if text.casefold() in REDACTED else text


def networks(cell: object) -> tuple[str, ...]:
    """The network names of a cell, in the order listed, each once."""
    names = (_clean(name) for name in _clean(cell).split(","))
    return tuple(dict.fromkeys(name for name in names if name))


def to_relation(line: int, fields: dict[str, object]) -> Relation:
    """The partner a row names; ValueError when it names none."""
    name = _clean(fields.get("organization"))
    if not name:
        raise ValueError("no organization name")
    if "shared_with_me" in fields or "sharing" in fields:
        theirs, ours = networks(fields.get("shared_with_me")), networks(fields.get("sharing"))
        return Relation(line, name, Direction.of(bool(theirs), bool(ours)), state_of(name) or "", kind_of(name),
                        theirs, ours)
    state = (_clean(fields.get("state")) or state_of(name) or "").upper()[:2]
    return Relation(line, name, Direction.LISTED, state, kind_of(name, _clean(fields.get("type"))))


def partner_key(name: str) -> str:
    """An organization's name as compared when it is listed again: case and spacing aside."""
    return " ".join(name.split()).casefold()
