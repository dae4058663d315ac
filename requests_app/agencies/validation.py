"""Field rules for agency rows, shared by the CSV importers and the contact form."""

from __future__ import annotations

import re
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from requests_app.agencies.models import Agency

KIND_ALIASES = {
    "police": Agency.Kind.POLICE,
    "pd": Agency.Kind.POLICE,
    "police department": Agency.Kind.POLICE,
    "sheriff": Agency.Kind.SHERIFF,
    "so": Agency.Kind.SHERIFF,
    "sheriff's office": Agency.Kind.SHERIFF,
    "sheriffs office": Agency.Kind.SHERIFF,
    "state_patrol": Agency.Kind.STATE_PATROL,
    "state patrol": Agency.Kind.STATE_PATROL,
    "state police": Agency.Kind.STATE_PATROL,
    "highway patrol": Agency.Kind.STATE_PATROL,
    "federal": Agency.Kind.FEDERAL,
    "other": Agency.Kind.OTHER,
}
VENDOR_ALIASES = {
    "flock": "Flock Safety",
    "flock safety": "Flock Safety",
    "motorola": "Motorola Solutions",
    "motorola solutions": "Motorola Solutions",
    "vigilant": "Motorola Solutions",
    "rekor": "Rekor",
    "genetec": "Genetec",
    "axon": "Axon",
}
_PHONE = re.compile(r"^(?P<main>\+?[\d\s().\-/]+?)(?:\s*(?:x|ext\.?)\s*\d{1,6})?$", re.IGNORECASE)
_VENDOR_SEPARATORS = re.compile(r"[;|]")
_url = URLValidator(schemes=["http", "https"])


def clean_kind(value: str) -> str:
    if not value:
        return Agency.Kind.OTHER
    key = " ".join(value.replace("-", " ").split()).casefold()
    kind = KIND_ALIASES.get(key) or KIND_ALIASES.get(key.replace(" ", "_"))
    if kind is None:
        allowed = ", ".join(Agency.Kind.values)
        raise ValidationError(f"unknown kind {value!r} (use one of: {allowed})")
    return kind


def clean_email(value: str) -> str:
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError(f"malformed email {value!r}") from None
    return value


def clean_url(value: str, *, field: str = "portal_url") -> str:
    if not value:
        return ""
    if len(value) > 500:
        raise ValidationError(f"{field} is longer than 500 characters")
    try:
        _url(value)
    except ValidationError:
        raise ValidationError(f"malformed {field} {value!r} (it must start with http:// or https://)") from None
    return value


def clean_source_url(value: str) -> str:
    """Where a records contact was found: required, so every contact can be checked again."""
    if not value:
        raise ValidationError("source_url is missing: give the web page where the contact was found")
    return clean_url(value, field="source_url")


_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y")


def clean_verified_on(value: str | date, *, today: date) -> date:
    """When a contact was checked at its source: blank is ``today``, and never after it."""
    if isinstance(value, str):
        value = _parse_date(value) if value else today
    if value > today:
        raise ValidationError(f"verified_on {value.isoformat()} is in the future (today is {today.isoformat()})")
    return value


def _parse_date(value: str) -> date:
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValidationError(f"malformed verified_on {value!r} (use YYYY-MM-DD)")


def clean_phone(value: str) -> str:
    if not value:
        return ""
    match = _PHONE.match(value)
    digits = sum(ch.isdigit() for ch in match["main"]) if match else 0
    if not 7 <= digits <= 15 or len(value) > 40:
        raise ValidationError(f"malformed phone {value!r}")
    return value


def clean_address(value: str) -> str:
    """A mailing address as lines, without blank ones or Windows line ends."""
    lines = [" ".join(line.split()) for line in value.splitlines()]
    address = "\n".join(line for line in lines if line)
    if len(address) > 500:
        raise ValidationError("address is longer than 500 characters")
    return address


def clean_vendors(value: str) -> tuple[str, ...]:
    names = [" ".join(part.split()) for part in _VENDOR_SEPARATORS.split(value)]
    names = [VENDOR_ALIASES.get(name.casefold(), name) for name in names if name]
    if any(len(name) > 100 for name in names):
        raise ValidationError("an alpr_vendor name is longer than 100 characters")
    return tuple(dict.fromkeys(names))


def clean_name(value: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise ValidationError("name is empty")
    if len(name) > 200:
        raise ValidationError("name is longer than 200 characters")
    return name
