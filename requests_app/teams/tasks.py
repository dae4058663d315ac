from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from requests_app.teams import law_notes


@shared_task(name="teams.email_law_note")
def email_law_note(note_id: int) -> None:
    if law_notes.claim_law_note(note_id=note_id, now=timezone.now()):
        law_notes.email_claimed_law_note(note_id=note_id)


@shared_task(name="teams.sweep_law_notes")
def sweep_law_notes() -> dict[str, int]:
    return law_notes.sweep_law_notes(now=timezone.now())
