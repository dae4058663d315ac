from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from requests_app.campaigns import exports, services
from requests_app.ops.queue import enqueue_now


@shared_task(name="campaigns.render_letters")
def render_letters(campaign_id: int) -> None:
    """Renders one chunk, then queues the next, so progress shows and no task runs long."""
    if services.render_next_chunk(campaign_id=campaign_id, today=timezone.localdate()):
        enqueue_now(render_letters, campaign_id)


@shared_task(name="campaigns.sweep_rendering")
def sweep_rendering() -> int:
    return services.sweep_rendering(now=timezone.now())


# Packing runs as one task (the ZIP is a temporary file of this worker), so it gets longer
# than the default limits: about 0.15 s a request, with room for large documents.
@shared_task(name="campaigns.build_packets", soft_time_limit=3600, time_limit=3700)
def build_packets(export_id: int) -> None:
    exports.packet_export_run(export_id=export_id)


@shared_task(name="campaigns.sweep_packet_exports")
def sweep_packet_exports() -> int:
    return exports.sweep_packet_exports(now=timezone.now())
