from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from requests_app.auditlogs import importer

# A 17-million-row release takes minutes, not the default task's five: an hour, then stop.
IMPORT_SOFT_LIMIT = 3600


@shared_task(name="auditlogs.import", soft_time_limit=IMPORT_SOFT_LIMIT, time_limit=IMPORT_SOFT_LIMIT + 120)
def run_import(import_id: int) -> str:
    audit_import = importer.claim(import_id, now=timezone.now())
    return importer.run(audit_import).state if audit_import else "skipped"


@shared_task(name="auditlogs.sweep_imports")
def sweep_imports() -> int:
    return importer.sweep(now=timezone.now())
