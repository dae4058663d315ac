from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from requests_app.campaigns import services
from requests_app.ops.queue import enqueue_now


@shared_task(name="campaigns.render_letters")
def render_letters(campaign_id: int) -> None:
    """Renders one chunk, then queues the next, so progress shows and no task runs long."""
    if services.render_next_chunk(campaign_id=campaign_id, today=timezone.localdate()):
        enqueue_now(render_letters, campaign_id)


@shared_task(name="campaigns.sweep_rendering")
def sweep_rendering() -> int:
    return services.sweep_rendering(now=timezone.now())
