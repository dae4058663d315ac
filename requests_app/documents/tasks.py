from __future__ import annotations

from celery import shared_task

from requests_app.documents.extract_tasks import extract_document, sweep_extraction
from requests_app.documents.inbox import poll_imap

__all__ = ["extract_document", "poll_mailbox", "sweep_extraction"]


@shared_task(name="documents.poll_mailbox")
def poll_mailbox() -> int:
    return poll_imap()
