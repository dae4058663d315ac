"""The one way files get in: size and type checked on content, stored under generated
names, original name, uploader and sha256 kept, never overwritten, never stored twice.

A file already held by the organization (same sha256) is linked, not stored again. A ZIP
is kept as sent and its members are extracted into documents of their own, within limits
that stop archive bombs and member names that try to climb out of a folder.
"""

from __future__ import annotations

import hashlib
import io
import re
import tempfile
import unicodedata
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from requests_app.documents.containers import check_container
from requests_app.documents.detect import detect
from requests_app.documents.email_in import communication_from_eml
from requests_app.documents.extract_tasks import extract_document
from requests_app.documents.models import Document, RequestDocument
from requests_app.documents.refusal import Refused
from requests_app.ops.queue import enqueue_on_commit
from requests_app.records.models import RecordsRequest
from requests_app.records.trail import EventKind, record_event
from requests_app.teams.models import User

CHUNK = 1024 * 1024
_EXTENSIONS = {"pdf": ".pdf", "csv": ".csv", "xlsx": ".xlsx", "xls": ".xls", "docx": ".docx", "txt": ".txt",
               "eml": ".eml", "zip": ".zip", "png": ".png", "jpeg": ".jpg", "tiff": ".tif"}


@dataclass
class UploadResult:
    name: str
    status: str  # "stored", "linked" (held already, now filed here), "already" (already on this request), "refused"
    document: Document | None = None
    reason: str = ""
    members: list[UploadResult] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return self.status == "refused" or any(m.refused for m in self.members)


def safe_name(name: str) -> str:
    """The original file name for display: last path part only, no control characters."""
    name = unicodedata.normalize("NFC", str(name)).replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip().lstrip(".") or "unnamed"
    return name[-255:]


def upload_files(*, request: RecordsRequest, user: User | None, files: Iterable[tuple[str, IO[bytes]]],
                 note: str = "") -> list[UploadResult]:
    return [upload_file(request=request, user=user, name=name, stream=stream, note=note) for name, stream in files]


def upload_file(*, request: RecordsRequest, user: User | None, name: str, stream: IO[bytes], note: str = "",
                parent: Document | None = None) -> UploadResult:
    display = safe_name(name)
    if _unsafe(str(name)):
        return UploadResult(display, "refused", reason="the file name tries to leave its folder (it has '..' or "
                                                       "starts at the root); rename the file and upload it again")
    with tempfile.TemporaryDirectory(prefix="recordsreq-upload-") as folder:
        temporary = Path(folder) / "upload"
        try:
            size, sha256 = _copy_limited(stream, temporary, settings.UPLOAD_MAX_BYTES)
            detected = detect(temporary, display)
            if detected.kind == "zip" and parent is None:
                members = _zip_members(temporary)
        except Refused as exc:
            return UploadResult(display, "refused", reason=str(exc))
        result = _keep(request, user, display, temporary, size, sha256, detected, note, parent)
        if detected.kind == "zip" and parent is None:
            result.members = _extract(request, user, temporary, members, result.document, note)
        if detected.kind == "eml" and parent is None and result.status != "already":
            result.members = _file_email(request, user, result.document, temporary.read_bytes())
    return result


def _file_email(request: RecordsRequest, user: User | None, document: Document, data: bytes) -> list[UploadResult]:
    """Logs the email as a communication and files its attachments under it."""
    logged = communication_from_eml(request=request, user=user, document=document, data=data)
    results = []
    for name, payload in logged.attachments:
        result = upload_file(request=request, user=user, name=name, stream=io.BytesIO(payload), note=logged.note,
                             parent=document)
        if result.document is not None:
            RequestDocument.objects.filter(request=request, document=result.document).update(
                communication=logged.communication)
        results.append(result)
    return results


def _copy_limited(stream: IO[bytes], target: Path, limit: int) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    with open(target, "wb") as out:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise Refused(f"the file is larger than the limit of {limit // (1024 * 1024)} MB")
            digest.update(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def _keep(request, user, display, temporary, size, sha256, detected, note, parent) -> UploadResult:
    organization = request.organization
    document = Document.objects.filter(organization=organization, sha256=sha256).first()
    status = "linked"
    if document is None:
        document, status = _store(organization, user, display, temporary, size, sha256, detected, parent), "stored"
    with transaction.atomic():
        link, created = RequestDocument.objects.get_or_create(
            request=request, document=document, defaults={"note": note[:500], "added_by": user})
        if created:
            record_event(request=request, actor=user, kind=EventKind.DOCUMENT_ADDED, summary=_filed(display, parent))
    if not created:
        status = "already"
    return UploadResult(display, status, document)


def _filed(display: str, parent: Document | None) -> str:
    return f"document: {display}" + (f" (from {parent.original_name})" if parent else "")


def _store(organization, user, display, temporary, size, sha256, detected, parent) -> Document:
    stored_name = default_storage.save(
        f"documents/{organization.pk}/{uuid.uuid4().hex}{_EXTENSIONS[detected.kind]}", File(open(temporary, "rb")))
    try:
        with transaction.atomic():
            document = Document.objects.create(
                organization=organization, file=stored_name, original_name=display, kind=detected.kind,
                encoding=detected.encoding, size=size, sha256=sha256, parent=parent, uploaded_by=user)
        enqueue_on_commit(extract_document, document.pk)
        return document
    except IntegrityError:
        # The same bytes arrived at the same moment through another upload: keep that one.
        default_storage.delete(stored_name)
        return Document.objects.get(organization=organization, sha256=sha256)


# ZIP archives -------------------------------------------------------------------------


def _unsafe(member: str) -> bool:
    path = PurePosixPath(member.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or bool(re.match(r"^[A-Za-z]:", member))


def _zip_members(path: Path) -> list[zipfile.ZipInfo]:
    """The members to extract, or Refused when the archive is unsafe as a whole (its sizes
    were checked when it was detected; every member is checked again as it comes in)."""
    with zipfile.ZipFile(path) as archive:
        members = check_container(archive, max_total=settings.UPLOAD_MAX_BYTES * 5)
    unsafe = [m.filename for m in members if _unsafe(m.filename)]
    if unsafe:
        raise Refused(f"the ZIP has member names that leave its folder (for example {unsafe[0]!r}); not accepted")
    return members


def _extract(request, user, path: Path, members: list[zipfile.ZipInfo], parent: Document, note: str) -> list[UploadResult]:
    results = []
    with zipfile.ZipFile(path) as archive:
        for member in members:
            try:
                with archive.open(member) as stream:
                    results.append(upload_file(request=request, user=user, name=member.filename, stream=stream,
                                               note=note or f"from {parent.original_name}", parent=parent))
            except (zipfile.BadZipFile, EOFError, OSError) as exc:
                results.append(UploadResult(safe_name(member.filename), "refused", reason=f"damaged in the ZIP: {exc}"))
    return results
