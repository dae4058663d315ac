"""Reading a document again in another zone, when its times without a zone were not the
agency's state's (an agency near a state line, a county that keeps another state's time).

Like a column map (mapping.py), a new import of the same document, queued like any other.
Unlike one, the earlier import has rows: the new one replaces them in one transaction when
it succeeds (importer._read_replacing), and if it fails they stay as they were.
"""

from __future__ import annotations

from requests_app.auditlogs.models import AuditImport
from requests_app.auditlogs.zones import STATE_ZONES, UTC, check_zone, request_zone
from requests_app.jobs.services import job_enqueue
from requests_app.teams.models import User

_PENDING = (AuditImport.State.QUEUED, AuditImport.State.RUNNING)
ZONE_CHOICES = sorted({*STATE_ZONES.values(), UTC})


def can_reread(audit_import: AuditImport) -> bool:
    """A finished import (done or failed) that no reading of it is already waiting to replace."""
    if audit_import.state in _PENDING:
        return False
    return not AuditImport.objects.filter(replaces=audit_import, state__in=_PENDING).exists()


def zone_why(audit_import: AuditImport) -> str:
    """Why the import read its bare times in its zone: the agency's state's, or chosen."""
    home = request_zone(audit_import.request)
    return home.why if home.name == audit_import.time_zone else "chosen"


def reread_import(*, audit_import: AuditImport, time_zone: str, user: User | None) -> AuditImport:
    """A new import of the same document reading bare times in ``time_zone``, queued; raises
    ValueError saying why it cannot be (an unknown zone, the zone already used, a pending reading)."""
    zone = check_zone(time_zone)
    if not can_reread(audit_import):
        raise ValueError("this import can be read again once it has finished and no other reading of it is waiting")
    if zone == audit_import.time_zone:
        raise ValueError(f"the file was already read in {zone}")
    new = AuditImport.objects.create(request_id=audit_import.request_id, document_id=audit_import.document_id,
                                     column_map=audit_import.column_map, sheet=audit_import.sheet, time_zone=zone,
                                     replaces=audit_import,
                                     created_by=user)
    job_enqueue(new)
    return new
