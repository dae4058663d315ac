"""The agency's Flock user roster: who holds an account, with which role and permissions,
and when each last logged in (records item 6).

A roster is small (tens to a few thousand accounts), so it is read row by row (parse.records).
A user listed twice, in two sheets or two releases, is one user: known by email, else by name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from requests_app.auditlogs.models import AuditImport, RosterUser
from requests_app.auditlogs.parse import REDACTED, Rejected, each_row, parse_time
from requests_app.auditlogs.zones import UTC

BATCH = 5000
NEVER = {"", "never", "n/a", "none", "-", "—"}


@dataclass(frozen=True)
class UserRow:
    line: int
    name: str
    email: str
    role: str
    permissions: str
    status: str
    last_login: datetime | None
    key: str


def _clean(value: object) -> str:
    text = "" if value is None else " ".join(str(value).split())
    return "" if text.casefold() in REDACTED else text


def _last_login(value: object, zone: str) -> datetime | None:
    """The last login, or None for a user who never logged in or whose cell is not a time.

    A roster row is an account whatever its last-login cell says ("3 days ago", "Pending"):
    refusing the account for it would drop a user, so only the time is lost."""
    text = _clean(value) if not isinstance(value, (datetime, int, float)) else value
    if isinstance(text, str) and text.casefold() in NEVER:
        return None
    try:
        return parse_time(text, zone)
    except (ValueError, OverflowError):
        return None


def to_user(line: int, fields: dict[str, object], zone: str = UTC) -> UserRow:
    """One account from a roster row's canonical fields (a last login without a zone read in
    ``zone``); ValueError when the row names nobody."""
    name = _clean(fields.get("name")) or " ".join(
        filter(None, (_clean(fields.get("first_name")), _clean(fields.get("last_name")))))
    email = _clean(fields.get("email"))
    if not (name or email):
        raise ValueError("no name or email")
    last_login = _last_login(fields.get("last_login"), zone)
    identity = f"email:{email.casefold()}" if email else f"name:{name.casefold()}"
    return UserRow(line=line, name=name, email=email, role=_clean(fields.get("role")),
                   permissions=_clean(fields.get("permissions")), status=_clean(fields.get("status")),
                   last_login=last_login, key=hashlib.blake2b(identity.encode(), digest_size=20).hexdigest())


def user_rows(items: Iterable[tuple[int, dict[str, object]] | Rejected],
              zone: str = UTC) -> Iterator[UserRow | Rejected]:
    """The accounts of a roster's rows (parse.records), or why a row was refused."""
    return each_row(items, lambda line, fields: to_user(line, fields, zone))


def _rows(audit_import: AuditImport, items: Iterable) -> Iterator[UserRow]:
    for item in user_rows(items, audit_import.time_zone):
        if isinstance(item, Rejected):
            audit_import.note_rejected([(item.line, item.reason)])
        else:
            yield item


def _user(audit_import: AuditImport, row: UserRow) -> RosterUser:
    return RosterUser(request_id=audit_import.request_id, audit_import=audit_import, line=row.line, key=row.key,
                      name=row.name[:200], email=row.email[:254], role=row.role[:100],
                      permissions=row.permissions[:1000], status=row.status[:60], last_login=row.last_login)


def store_users(audit_import: AuditImport, items: Iterable[tuple[int, dict[str, object]] | Rejected]) -> None:
    """Stores a roster's users, each once per request, and counts rows, repeats and rejects
    on ``audit_import``; the caller saves it."""
    existing = RosterUser.objects.filter(request_id=audit_import.request_id)
    before, read = existing.count(), 0
    rows = _rows(audit_import, items)
    while batch := [_user(audit_import, row) for row in islice(rows, BATCH)]:
        RosterUser.objects.bulk_create(batch, ignore_conflicts=True)
        read += len(batch)
    stored = existing.count() - before
    audit_import.rows, audit_import.duplicates = stored, read - stored
