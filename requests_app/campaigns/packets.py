"""A campaign's evidence: every request's packet (documents/packet.py) in one ZIP, a folder
per request named by tracking and agency, and an index of the folders.

A worker builds it (campaigns/exports.py): a large campaign takes minutes to pack."""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Callable
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
    after each one.

    Only one request's packet is open at a time and its files are copied across in chunks,
    so memory holds neither the campaign's documents nor a whole packet: with ``out`` a file
    on disk, memory stays flat however large the campaign.
    """
    index = io.StringIO()
    writer = csv_writer(index)
    writer.writerow(INDEX_COLUMNS)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for packed, request in enumerate(campaign_requests(campaign).iterator(chunk_size=200), start=1):
            folder = packet_folder(request)
            _copy_packet(request, folder, archive)
            writer.writerow([folder, request.tracking, request.agency.name, request.agency.jurisdiction.state_code,
                             request.get_status_display()])
            if progress:
                progress(packed)
        archive.writestr("index.csv", index.getvalue())


def _copy_packet(request: RecordsRequest, folder: str, archive: zipfile.ZipFile) -> None:
    with request_packet(request) as packet, zipfile.ZipFile(packet) as inner:
        for entry in inner.infolist():
            target = zipfile.ZipInfo(f"{folder}/{entry.filename}", date_time=entry.date_time)
            target.compress_type = zipfile.ZIP_DEFLATED
            target.file_size = entry.file_size  # so a file past 2 GB gets ZIP64 headers
            with inner.open(entry) as source, archive.open(target, "w") as copy:
                shutil.copyfileobj(source, copy, 1024 * 1024)
