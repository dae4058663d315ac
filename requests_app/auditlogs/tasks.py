from __future__ import annotations

from celery import shared_task

from requests_app.auditlogs.importer import run
from requests_app.auditlogs.models import AuditImport


@shared_task(name="auditlogs.import")
def run_import(import_id: int) -> str:
    audit_import = AuditImport.objects.select_related("document").filter(pk=import_id).first()
    if audit_import is None or audit_import.state not in (AuditImport.State.QUEUED, AuditImport.State.RUNNING):
        return "skipped"
    return run(audit_import).state
