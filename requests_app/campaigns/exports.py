"""A campaign's evidence packets (campaigns/packets.py) exported by workers, in parts.

Packing takes a good part of a second a request, so a campaign of a few hundred agencies
cannot be packed inside one page load, nor quickly by one worker. Starting an export
records a PacketExport and wakes a worker once the transaction commits. The job runner
(requests_app/jobs/parts.py) splits the campaign's requests, in tracking order, into parts
of PART_SIZE that any number of workers pack side by side: each part writes its requests'
folders into a partial ZIP (a temporary file on its worker's disk, then the default
storage, as workers may share no disk) and returns its name with the part's index rows;
progress moves by a part's requests as each part is recorded.

Once every part is recorded, one worker assembles the ZIP under the job's claim, with no
transaction open: it copies the partial ZIPs' entries in the parts' order into one ZIP
laid out as ``write_campaign_packets`` writes it (a folder per request, then index.csv),
stores it with its size and sha256, and only then, if its claim still holds, marks the
export done; a superseded assembler deletes what it stored. A worker that stops mid-part
or mid-assembly is replaced through the sweep; a part run twice writes a new partial file
and the one not recorded is deleted. Partial files go once the export is done, failed or
deleted (every file under the export's own folder of parts).

A document whose hash no longer matches fails the export with the reason; so does any
other error in a part or in the assembly (the member starts it again), as when the export
ran in one go.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import zipfile
from datetime import timedelta
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from requests_app.campaigns.models import Campaign, PacketExport, packet_export_path
from requests_app.campaigns.packets import campaign_requests, copy_entries, pack_requests, write_index
from requests_app.documents.integrity import IntegrityFailure
from requests_app.jobs.models import ACTIVE
from requests_app.jobs.parts import assembled, assembly_beat, assembly_end
from requests_app.jobs.registry import Kind, Parts, chunked, register
from requests_app.jobs.services import job_enqueue
from requests_app.teams.models import User

logger = logging.getLogger(__name__)

PART_SIZE = 20
STALE = timedelta(minutes=10)
TAMPERED = ("Packets stopped: {}. The stored file may have been altered: open that request's page to check "
            "its documents, then start the export again.")
UNEXPECTED = ("Could not pack the requests: {}. Start the export again; if it fails the same way, tell your "
              "administrator.")


class Superseded(Exception):
    """Another worker has taken the assembly over (or the export was ended meanwhile)."""


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


# Parts ------------------------------------------------------------------------------


def packet_split(export: PacketExport) -> list[list[int]]:
    """The campaign's requests in tracking order, in parts of PART_SIZE."""
    return chunked(list(campaign_requests(export.campaign).values_list("pk", flat=True)), PART_SIZE)


def packet_part(export: PacketExport, ids: list[int]) -> dict[str, Any]:
    """Packs the requests ``ids`` still in the campaign into a partial ZIP in storage:
    {"name", "count", "rows"} (its storage name, how many requests, their index rows), or
    {"failed": why} when the export cannot go on. Each run stores a file of its own, so a
    part run twice never overwrites the one recorded."""
    requests = campaign_requests(export.campaign).filter(pk__in=ids)
    try:
        with tempfile.TemporaryFile() as out:
            # Stored, not deflated: the assembly compresses every entry once anyway.
            with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
                rows = pack_requests(requests.iterator(), archive)
            name = default_storage.save(f"{_parts_folder(export.pk)}/{ids[0]}.zip", File(out, name="part.zip"))
    except IntegrityFailure as exc:
        return {"failed": TAMPERED.format(exc)}
    except Exception as exc:  # recorded for the member to see, as when the export ran in one go
        logger.exception("packet export %s: the part from request %s failed", export.pk, ids[0])
        return {"failed": UNEXPECTED.format(f"{type(exc).__name__}: {exc}")}
    return {"name": name, "count": len(rows), "rows": rows}


def _parts_folder(export_id: int) -> str:
    return f"packets/parts/{export_id}"


def packet_record(export: PacketExport, ids: list[int], outcome: dict[str, Any]) -> None:
    if "failed" in outcome:  # ends the export: the parts still running are dropped
        export.state, export.error = PacketExport.State.FAILED, outcome["failed"]
        return
    export.handled += len(ids)
    export.state = PacketExport.State.RUNNING


def packet_discard(export_id: int, outcomes: list[dict[str, Any]]) -> None:
    """Deletes the partial files of ``outcomes``; every one under the export's folder of
    parts too once it is no longer active (a worker killed before recording its part
    leaves a file no outcome names)."""
    for outcome in outcomes:
        if outcome.get("name"):
            default_storage.delete(outcome["name"])
    if not PacketExport.objects.filter(pk=export_id, state__in=ACTIVE).exists():
        _delete_partials(export_id)


def _delete_partials(export_id: int) -> None:
    folder = _parts_folder(export_id)
    try:
        _, names = default_storage.listdir(folder)
    except FileNotFoundError:  # no part stored anything
        return
    for name in names:
        default_storage.delete(f"{folder}/{name}")
    _remove_empty_folder(folder)


def _remove_empty_folder(folder: str) -> None:
    """A folder on local disk outlives its files (object storage has none): the emptied one
    goes too, unless a part stored a file in it meanwhile."""
    try:
        path = default_storage.path(folder)
    except NotImplementedError:  # storage without folders
        return
    with contextlib.suppress(OSError):
        os.rmdir(path)


# Assembly ---------------------------------------------------------------------------


def packet_assemble(export: PacketExport, outcomes: list[dict[str, Any]]) -> None:
    """The ZIP from the partial ones, stored and the export marked done, while this
    worker's claim holds; the partial files deleted then."""
    try:
        with tempfile.TemporaryFile() as out:
            _write_zip(export, outcomes, out)
            size, digest = _size_and_sha256(out)
            name = default_storage.save(packet_export_path(export, "packets.zip"), File(out, name="packets.zip"))
    except Superseded:
        return
    except Exception as exc:  # recorded for the member to see; the sweep does not retry a failed export
        logger.exception("packet export %s: the assembly failed", export.pk)
        reason = UNEXPECTED.format(f"{type(exc).__name__}: {exc}")
        if assembly_end(export, state=PacketExport.State.FAILED, error=reason):
            _clean_up(export)
        return
    count = sum(outcome["count"] for outcome in outcomes)
    if not assembly_end(export, state=PacketExport.State.DONE, file=name, size=size, sha256=digest, handled=count,
                        total=count, error=""):
        default_storage.delete(name)  # another worker took the assembly over
        return
    _replace_older(export)
    _clean_up(export)


def _clean_up(export: PacketExport) -> None:
    """The ended export's partial files, then its parts: a worker killed in between leaves
    the parts, whose files the sweep deletes (drop_orphans)."""
    _delete_partials(export.pk)
    assembled(export)


def _write_zip(export: PacketExport, outcomes: list[dict[str, Any]], out: IO[bytes]) -> None:
    """The partial ZIPs' entries in the parts' order, then the index; a heartbeat after
    each part, which finds out when the export was taken over."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for outcome in outcomes:
            with default_storage.open(outcome["name"], "rb") as handle, zipfile.ZipFile(handle) as partial:
                copy_entries(partial, archive)
            if not assembly_beat(export):
                raise Superseded
        write_index(archive, (row for outcome in outcomes for row in outcome["rows"]))


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


# A part (PART_SIZE requests, about 0.15 s each, more with large documents) must end well
# within the staleness, as it sends no heartbeat; the assembly, copying every document
# once, gets the kind's longer limits.
register(Kind(name="packet_export", model=PacketExport, related=("campaign__organization",), stale_after=STALE,
              lost_after=STALE, time_limits=(3600, 3700),
              parts=Parts(split=packet_split, run=packet_part, record=packet_record, assemble=packet_assemble,
                          discard=packet_discard, time_limits=(480, 540))))
