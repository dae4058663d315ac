from __future__ import annotations

from celery import shared_task

from requests_app.ops.services import heartbeat_record


@shared_task(name="ops.heartbeat", bind=True)
def heartbeat(self) -> None:
    heartbeat_record(hostname=self.request.hostname or "unknown")
