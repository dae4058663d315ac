"""A campaign's evidence: every request's packet (documents/packet.py) in one ZIP, a folder
per request named by tracking and agency, and an index of the folders.

Workers build it in parts, then put it together (campaigns/exports.py): a large campaign
takes minutes to pack."""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Callable, Iterable
from typing import IO

from django.db.models import QuerySet
from django.utils.text import slugify

from requests_app.ops.spreadsheets import csv_writer
from requests_app.campaigns.models import Campaign
from requests_app.documents.packet import request_packet
from requests_app.records.models import RecordsRequest

INDEX_COLUMNS = ("folder", "tracking", "agency", "state", "status")


def campaign_requests(campaign: Campaign) -> QuerySet[RecordsRequest]:
    return campaign.requests.select_related("agency__jurisdiction__parent").order_by("tracking")


def packet_folder(request: RecordsRequest) -> str:
    return f"{request.tracking}-{slugify(request.agency.name)[:60]}"


def write_campaign_packets(campaign: Campaign, out: IO[bytes], *,
                           progress: Callable[[int], None] | None = None) -> None:
    """Writes the ZIP into ``out``, calling ``progress`` with the number of requests packed
    after each one. The export builds the same ZIP in parts (campaigns/exports.py).

    Only one request's packet is open at a time and its files are copied across in chunks,
    so memory holds neither the campaign's documents nor a whole packet: with ``out`` a file
    on disk, memory stays flat however large the campaign.
    """
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        rows = pack_requests(campaign_requests(campaign).iterator(chunk_size=200), archive, progress=progress)
        write_index(archive, rows)


def pack_requests(requests: Iterable[RecordsRequest], archive: zipfile.ZipFile, *,
                  progress: Callable[[int], None] | None = None) -> list[list[str]]:
    """Each request's packet in its folder of ``archive``, compressed as the archive is;
    the requests' rows of the index."""
    rows = []
    for packed, request in enumerate(requests, start=1):
        folder = packet_folder(request)
        with request_packet(request) as packet, zipfile.ZipFile(packet) as inner:
            copy_entries(inner, archive, prefix=f"{folder}/")
        rows.append([folder, request.tracking, request.agency.name, request.agency.jurisdiction.state_code,
                     request.get_status_display()])
        if progress:
            progress(packed)
    return rows


def write_index(archive: zipfile.ZipFile, rows: Iterable[list[str]]) -> None:
    index = io.StringIO()
    writer = csv_writer(index)
    writer.writerow(INDEX_COLUMNS)
    writer.writerows(rows)
    archive.writestr("index.csv", index.getvalue())


def copy_entries(source: zipfile.ZipFile, archive: zipfile.ZipFile, *, prefix: str = "") -> None:
    """Every entry of ``source`` into ``archive`` under ``prefix``, with its date, in chunks,
    compressed as ``archive`` is."""
    for entry in source.infolist():
        target = zipfile.ZipInfo(f"{prefix}{entry.filename}", date_time=entry.date_time)
        target.compress_type = archive.compression
        target.file_size = entry.file_size  # so a file past 2 GB gets ZIP64 headers
        with source.open(entry) as data, archive.open(target, "w") as copy:
            shutil.copyfileobj(data, copy, 1024 * 1024)
