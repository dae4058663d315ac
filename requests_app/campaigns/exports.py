"""A campaign's evidence packets (campaigns/packets.py) exported by a worker.

Packing takes a good part of a second a request, so a campaign of a few hundred agencies
cannot be packed inside one page load. Starting an export records a PacketExport and wakes a
worker once the transaction commits; the worker writes the ZIP request by request into a
temporary file on its own disk (memory stays flat), reports its progress every few requests,
then stores the finished ZIP in one go.

The job runner (requests_app/jobs) runs the export as one step. Each run claims the export
under a fresh run id and restarts from scratch. The sweep restarts an export that made no
progress for a while; should the older run only have been slow, its next progress report
finds the export taken over and it stops without storing anything.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import uuid
from datetime import timedelta
from typing import IO

from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from requests_app.campaigns.models import Campaign, PacketExport
from requests_app.campaigns.packets import campaign_requests, write_campaign_packets
from requests_app.documents.integrity import IntegrityFailure
from requests_app.jobs.models import ACTIVE
from requests_app.jobs.registry import Kind, register
from requests_app.jobs.services import job_enqueue
from requests_app.teams.models import User

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 5
STALE = timedelta(minutes=10)


class Superseded(Exception):
    """Another run has taken the export over (or it was finished meanwhile)."""


@transaction.atomic
def packet_export_start(*, campaign: Campaign, user: User) -> tuple[PacketExport, bool]:
    """A new export of the campaign's packets, queued for a worker, and True; while one is
    queued or running already, that one and False."""
    list(Campaign.objects.select_for_update().filter(pk=campaign.pk).values_list("pk", flat=True))  # one start at a time
    running = campaign.packet_exports.filter(state__in=ACTIVE).first()
    if running:
        return running, False
    export = PacketExport.objects.create(campaign=campaign, requested_by=user,
                                         total=campaign_requests(campaign).count())
    job_enqueue(export)
    return export, True


def packet_export_run(*, export_id: int) -> bool:
    """Builds the export's ZIP from scratch and stores it; True if this run finished it (done
    or failed). An export already done or failed is left alone."""
    run = _Run.claim(export_id)
    if run is None:
        return False
    try:
        with tempfile.TemporaryFile() as out:
            write_campaign_packets(run.export.campaign, out, progress=run.progress)
            run.store(out)
    except Superseded:
        return False
    except IntegrityFailure as exc:
        return run.fail(f"Packets stopped: {exc}. The stored file may have been altered: open that request's "
                        "page to check its documents, then start the export again.")
    except Exception as exc:  # recorded for the member to see; the sweep does not retry a failed export
        logger.exception("packet export %s failed", export_id)
        return run.fail(f"Could not pack the requests: {type(exc).__name__}: {exc}. Start the export again; "
                        "if it fails the same way, tell your administrator.")
    return True


def packet_export_step(export: PacketExport) -> bool:
    """The job runner's step: the whole export, in one go (its ZIP is this worker's file)."""
    packet_export_run(export_id=export.pk)
    return False


class _Run:
    """One worker's attempt at an export: its writes land only while it still owns it."""

    def __init__(self, export: PacketExport, run_id: uuid.UUID) -> None:
        self.export = export
        self.run_id = run_id
        self.packed = 0

    @classmethod
    def claim(cls, export_id: int) -> _Run | None:
        export = PacketExport.objects.select_related("campaign__organization").filter(pk=export_id).first()
        if export is None or not export.active:
            return None
        run_id = uuid.uuid4()
        total = campaign_requests(export.campaign).count()
        claimed = PacketExport.objects.filter(pk=export_id, state__in=ACTIVE).update(
            state=PacketExport.State.RUNNING, run=run_id, total=total, handled=0, error="", updated_at=timezone.now())
        return cls(export, run_id) if claimed else None

    def _mine(self) -> QuerySet[PacketExport]:
        return PacketExport.objects.filter(pk=self.export.pk, run=self.run_id, state=PacketExport.State.RUNNING)

    def progress(self, packed: int) -> None:
        self.packed = packed
        if packed % PROGRESS_EVERY == 0 and not self._mine().update(handled=packed, updated_at=timezone.now()):
            raise Superseded

    def store(self, out: IO[bytes]) -> None:
        size, digest = _size_and_sha256(out)
        export = self.export
        export.file.save("packets.zip", File(out, name="packets.zip"), save=False)
        stored = self._mine().update(state=PacketExport.State.DONE, file=export.file.name, size=size, sha256=digest,
                                     handled=self.packed, total=self.packed, updated_at=timezone.now())
        if not stored:
            export.file.delete(save=False)
            raise Superseded
        _replace_older(export)

    def fail(self, reason: str) -> bool:
        return bool(self._mine().update(state=PacketExport.State.FAILED, error=reason, updated_at=timezone.now()))


def _replace_older(export: PacketExport) -> None:
    """Only a campaign's newest finished ZIP is kept: the older ones' files are deleted, so
    exporting again does not pile up copies of every document in storage."""
    older = PacketExport.objects.filter(campaign=export.campaign_id, state=PacketExport.State.DONE, pk__lt=export.pk)
    for previous in older:
        previous.file.delete(save=False)
    older.update(state=PacketExport.State.REPLACED, file="", updated_at=timezone.now())


def _size_and_sha256(out: IO[bytes]) -> tuple[int, str]:
    """Reads the finished file once, in chunks, and leaves it at its start."""
    out.seek(0)
    digest, size = hashlib.sha256(), 0
    while chunk := out.read(1024 * 1024):
        digest.update(chunk)
        size += len(chunk)
    out.seek(0)
    return size, digest.hexdigest()


# Packing runs as one step, so it gets longer than the default limits: about 0.15 s a
# request, with room for large documents.
register(Kind(name="packet_export", model=PacketExport, step=packet_export_step, stale_after=STALE,
              lost_after=STALE, time_limits=(3600, 3700)))
