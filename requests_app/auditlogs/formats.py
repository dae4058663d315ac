"""The Flock export formats seen in released records, recognised from their headers.

Headers are compared after normalising case, spacing and "_" (``Org Name``, ``org_name``
and ``ORG  NAME`` are the same column). Each format names the columns it must have and the
canonical field each column feeds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


def norm(header: str) -> str:
    return re.sub(r"[\s_]+", " ", header.replace("\ufeff", "")).strip().casefold()


@dataclass(frozen=True)
class Format:
    key: str
    title: str
    required: tuple[str, ...]
    columns: dict[str, str] = field(default_factory=dict)  # normalised header -> canonical field
    kind: str = "search"  # "search" events, "sharing" relations, "hotlist" events or "users"

    def matches(self, headers: set[str]) -> bool:
        # A required column written "Email|Email Address" may have either name.
        return all(any(norm(name) in headers for name in c.split("|")) for c in self.required)

    def required_text(self) -> str:
        return ", ".join(c.replace("|", " or ") for c in self.required)


_AUDIT_COLUMNS = {
    "id": "id", "name": "user", "org name": "organization", "total networks searched": "networks",
    "total devices searched": "devices", "time frame": "time_frame", "license plate": "plate", "reason": "reason",
    "case #": "case_number", "filters": "filters", "search time": "searched_at", "search type": "search_type",
    "text prompt": "text_prompt", "moderation": "moderation",
}

_NAME, _EMAIL, _ROLE = "Name|Full Name|User|User Name|Username", "Email|Email Address|E-mail", "Role|User Role|Roles"
_USER_COLUMNS = {
    **{norm(h): "name" for h in _NAME.split("|")}, **{norm(h): "email" for h in _EMAIL.split("|")},
    **{norm(h): "role" for h in _ROLE.split("|")}, "first name": "first_name", "last name": "last_name",
    **{h: "permissions" for h in ("permissions", "permission", "permission set", "permission sets", "access level")},
    **{h: "last_login" for h in ("last login", "last login date", "last active", "last activity", "last seen",
                                 "last sign in", "last login (utc)", "last active (utc)")},
    "status": "status", "user status": "status",
}

FORMATS: tuple[Format, ...] = (
    Format("network_audit_14", "Network Audit (14 columns)",
           ("ID", "Name", "Org Name", "Total Networks Searched", "Total Devices Searched", "Time Frame",
            "License Plate", "Reason", "Case #", "Filters", "Search Time", "Search Type"), _AUDIT_COLUMNS),
    Format("network_audit_13", "Network Audit (13 columns)",
           ("ID", "Name", "Org Name", "Total Networks Searched", "Time Frame", "License Plate", "Reason", "Case #",
            "Filters", "Search Time", "Search Type"), _AUDIT_COLUMNS),
    # The network audit as one agency released it (Okaloosa County FL SO, 2025): no user,
    # plate, case number or filters.
    Format("network_audit_9", "Network Audit (9 columns)",
           ("ID", "Org Name", "Total Networks Searched", "Total Devices Searched", "Time Frame", "Reason",
            "Search Time", "Search Type"), _AUDIT_COLUMNS),
    Format("federal_searches", "Federal Searches",
           ("ID", "Name", "Org Name", "Total Networks Searched", "License Plate", "Reason", "Case #", "Search Time",
            "Search Type"), _AUDIT_COLUMNS),
    Format("organization_audit", "Organization Audit",
           ("ID", "Name", "Total Networks Searched", "Time Frame", "License Plate", "Reason", "Search Time"),
           _AUDIT_COLUMNS),
    Format("portal_search_audit", "Transparency portal search audit",
           ("id", "userId", "searchDate", "cameraCount", "reason"),
           {"id": "id", "userid": "user", "searchdate": "searched_at", "cameracount": "devices", "reason": "reason"}),
    Format("shared_networks", "Shared networks",
           ("Organization Name", "Networks Shared With Me", "Networks I'm Sharing"),
           {"organization name": "organization", "networks shared with me": "shared_with_me",
            "networks i'm sharing": "sharing"}, kind="sharing"),
    # The user roster (records item 6), under the names rosters are released with.
    Format("users", "User roster", (_NAME, _EMAIL, _ROLE), _USER_COLUMNS, kind="users"),
    Format("users_split_name", "User roster", ("First Name", "Last Name", _EMAIL, _ROLE), _USER_COLUMNS, kind="users"),
    Format("sharing_list", "Sharing list", ("Name", "State", "Type"),
           {"name": "organization", "state": "state", "type": "type"}, kind="sharing"),
    Format("hotlist_events", "Hot-list event log", ("Timestamp", "User", "Event Type", "Entity Type", "Entity Details"),
           {"timestamp": "searched_at", "user": "user", "event type": "event_type", "entity type": "entity_type",
            "entity details": "details"}, kind="hotlist"),
)


class UnknownFormat(ValueError):
    """No known export has these columns; the message lists what was found and expected."""


def expected_formats() -> str:
    return "; ".join(f"{f.title}: {f.required_text()}" for f in FORMATS)


def recognise(headers: list[str]) -> Format:
    found = {norm(h) for h in headers if h}
    for candidate in FORMATS:  # most specific first
        if candidate.matches(found):
            return candidate
    expected = expected_formats()
    shown = ", ".join(repr(h) for h in headers[:25]) or "(none)"
    raise UnknownFormat(f"the columns are not a known Flock export. Found: {shown}. Expected one of: {expected}. "
                        "If this is an export under other column names, map its columns by hand: on the "
                        "import's page, or with --column HEADER=FIELD on the command line.")


# Fields a search export can feed, for mapping an unrecognised file's columns by hand.
SEARCH_FIELDS: dict[str, str] = {
    "searched_at": "Search time (required)",
    "organization": "Searching organization",
    "user": "User / officer",
    "reason": "Reason",
    "case_number": "Case number",
    "search_type": "Search type",
    "networks": "Networks searched",
    "devices": "Devices / cameras searched",
    "time_frame": "Time frame searched",
    "plate": "License plate",
    "id": "Search ID",
}


def mapped_format(column_map: dict[str, str]) -> Format:
    """A format made by hand: ``column_map`` maps a file's headers to fields of SEARCH_FIELDS.

    Raises ValueError naming what is wrong (an unknown field, a field mapped twice, no
    search time)."""
    unknown = sorted(set(column_map.values()) - set(SEARCH_FIELDS))
    if unknown:
        raise ValueError(f"unknown field(s) in the column map: {', '.join(unknown)}")
    fields = list(column_map.values())
    twice = sorted({f for f in fields if fields.count(f) > 1})
    if twice:
        raise ValueError(f"each field can take one column; mapped twice: {', '.join(twice)}")
    if "searched_at" not in fields:
        raise ValueError("map one column to the search time: without it no search can be dated")
    columns = {norm(header): name for header, name in column_map.items()}
    return Format("mapped", "Columns mapped by hand", tuple(column_map), columns)
