"""Reading a stored document's text in the background.

Apart from ``tasks.py`` (which registers them with the worker) so that the upload service can
queue them without importing the mailbox poll, which itself files emails through the upload service.
"""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from requests_app.documents.extract import extract
from requests_app.documents.models import Document
from requests_app.ops.queue import enqueue_now


@shared_task(name="documents.extract")
def extract_document(document_id: int) -> str:
    document = Document.objects.filter(pk=document_id).first()
    if document is None or document.extraction != Document.Extraction.PENDING:
        return "skipped"
    return extract(document).extraction


@shared_task(name="documents.sweep_extraction")
def sweep_extraction() -> int:
    """Documents stored while the broker was down are read once it is back."""
    stale = Document.objects.filter(extraction=Document.Extraction.PENDING,
                                    uploaded_at__lt=timezone.now() - timedelta(minutes=10))
    return sum(enqueue_now(extract_document, pk) for pk in stale.values_list("pk", flat=True)[:1000])
