"""ZIP containers (ZIP, DOCX, XLSX, ODT, EPUB and the like) checked before anything reads them.

A container is a list of members, each with the size it says it expands to; Python's
zipfile never gives more than that size (a member that would is a checksum error), so the
declared sizes can be trusted as upper bounds. A container is refused when it holds too many
members, when a member expands far more than data of the kind ever does (an archive bomb),
or when all of it expands past a limit; and a member read into memory is read only up to a
cap. Every container is checked at every level: a ZIP inside a ZIP is checked when its own
bytes come in as a member.
"""

from __future__ import annotations

import zipfile
from typing import IO

from requests_app.documents.refusal import Refused

MAX_MEMBERS = 2000
MAX_RATIO = 200  # uncompressed / compressed, per member: text compresses 5 to 20 times, bombs thousands
SMALL = 1024 * 1024  # a member this small cannot hurt, whatever its ratio


def check_container(archive: zipfile.ZipFile, *, max_total: int, what: str = "ZIP") -> list[zipfile.ZipInfo]:
    """The archive's file members, or Refused saying why the archive is not safe to read."""
    members = [m for m in archive.infolist() if not m.is_dir()]
    if len(members) > MAX_MEMBERS:
        raise Refused(f"the {what} holds {len(members)} files; at most {MAX_MEMBERS} are accepted")
    bombs = [m.filename for m in members if m.file_size > SMALL and m.file_size > MAX_RATIO * max(m.compress_size, 1)]
    if bombs:
        raise Refused(f"the {what} looks like an archive bomb ({bombs[0]!r} expands more than {MAX_RATIO} times); "
                      "not accepted")
    total = sum(m.file_size for m in members)
    if total > max_total:
        raise Refused(f"the {what} would expand to {total // (1024 * 1024)} MB, more than "
                      f"{max_total // (1024 * 1024)} MB; not accepted")
    return members


def read_capped(archive: zipfile.ZipFile, name: str, cap: int) -> tuple[bytes, bool]:
    """At most ``cap`` bytes of a member, and whether it held more."""
    with archive.open(name) as member:
        data = member.read(cap + 1)
    return data[:cap], len(data) > cap


def open_checked(handle: IO[bytes], *, max_total: int, what: str) -> zipfile.ZipFile:
    """The ZIP container in ``handle``, checked; Refused if it is not safe to read."""
    archive = zipfile.ZipFile(handle)
    try:
        check_container(archive, max_total=max_total, what=what)
    except Refused:
        archive.close()
        raise
    return archive
