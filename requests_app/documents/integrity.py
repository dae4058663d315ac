"""Reading stored evidence back, checked against the hash recorded when it was stored."""

from __future__ import annotations

import hashlib

from django.db.models.fields.files import FieldFile


class IntegrityFailure(RuntimeError):
    """A stored file no longer matches the sha256 recorded when it was stored."""


def read_verified(file: FieldFile, sha256: str, label: str) -> bytes:
    with file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise IntegrityFailure(f"{label} does not match its recorded sha256")
    return data
