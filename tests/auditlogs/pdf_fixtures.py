"""PDF audit-log releases for tests, rendered the way agencies print them: one long table.

WeasyPrint repeats a ``<thead>`` at the top of every page, as the printed Flock exports do,
lets a tall row break across pages, and, with ``white-space: pre-wrap``, turns a "\\n"
inside a cell into a line break (the two-line Time Frame cell). Every cell goes through
``html.escape``: values such as "Case #" or "<redacted>" must reach the PDF as text.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter
from weasyprint import HTML

# What a browser prints in the page margins: date, title, address and "page/pages".
_BROWSER_MARGINS = """
@top-left { content: "2/14/22, 9:41 AM"; font: 6pt sans-serif; }
@top-center { content: "Flock Safety - Audit"; font: 6pt sans-serif; }
@bottom-left { content: "https://search.flocksafety.com/admin/audit?page=network"; font: 6pt sans-serif; }
@bottom-right { content: counter(page) "/" counter(pages); font: 6pt sans-serif; }
"""
_STYLE = """
@page {{ size: letter {orientation}; margin: 12mm 10mm;
         {margins} }}
body {{ font-family: sans-serif; font-size: 6.5pt; }}
h1 {{ font-size: 10pt; margin: 0 0 4mm 0; }}
table {{ width: 100%; border-collapse: collapse; }}
th, td {{ text-align: left; vertical-align: top; padding: 2pt 3pt; white-space: pre-wrap; {border} }}
th {{ font-weight: bold; {header_wrap} }}
tr {{ break-inside: auto; }}
.appendix {{ break-before: page; width: 50%; }}
"""


def _cells(tag: str, values: list[str]) -> str:
    return "".join(f"<{tag}>{html.escape(value)}</{tag}>" for value in values)


def _table(headers: list[str], rows: list[list[str]], css_class: str = "") -> str:
    body = "".join(f"<tr>{_cells('td', row)}</tr>" for row in rows)
    return f"<table class='{css_class}'><thead><tr>{_cells('th', headers)}</tr></thead><tbody>{body}</tbody></table>"


def audit_html(headers: list[str], rows: list[list[str]], *, ruled: bool = True, landscape: bool = True,
               break_headers: bool = False, appendix: list[list[str]] | None = None, margins: bool = True) -> str:
    """The HTML of one release: a title, then the table, its header in a repeating <thead>.

    ``break_headers`` lets header words break anywhere, as narrow columns print them
    ("Licens" / "e Plate"); ``appendix`` adds a small table (first row its header) on a page
    of its own after the log, as a summary printed at the end; ``margins`` prints what a
    browser puts in the page margins (date, title, address, page number)."""
    style = _STYLE.format(orientation="landscape" if landscape else "portrait",
                          border="border: 0.6pt solid #333;" if ruled else "border: none;",
                          header_wrap="overflow-wrap: anywhere;" if break_headers else "",
                          margins=_BROWSER_MARGINS if margins else "")
    extra = _table(appendix[0], appendix[1:], "appendix") if appendix else ""
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>{style}</style></head><body>"
            f"<h1>Audit log</h1>{_table(headers, rows)}{extra}</body></html>")


def audit_pdf(path: Path, headers: list[str], rows: list[list[str]], *, ruled: bool = True,
              landscape: bool = True, **options: object) -> Path:
    """Write a PDF release of ``rows`` under ``headers`` to ``path`` and return the path.

    ``options`` are those of ``audit_html``."""
    HTML(string=audit_html(headers, rows, ruled=ruled, landscape=landscape, **options)).write_pdf(path)
    return path


def prose_pdf(path: Path, paragraphs: list[str]) -> Path:
    """A cover letter: text, but no table."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    HTML(string=f"<!DOCTYPE html><html><body style='font-family: sans-serif'>{body}</body></html>").write_pdf(path)
    return path


def scanned_pdf(path: Path) -> Path:
    """A page that is only a picture of a table, as a scanner makes it: no text layer at all."""
    image = Image.new("RGB", (600, 300), "white")
    draw = ImageDraw.Draw(image)
    for y in range(20, 300, 30):  # ruled lines and grey blocks where the words would be
        draw.line((20, y, 580, y), fill="black", width=2)
        draw.rectangle((30, y + 8, 200, y + 18), fill="gray")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    HTML(string=f"<!DOCTYPE html><html><body><img src='{uri}' style='width: 180mm'></body></html>").write_pdf(path)
    return path


def encrypt(path: Path, *, user_password: str, owner_password: str = "owner") -> Path:
    """Encrypt the PDF at ``path`` in place. An empty user password opens without asking,
    as releases "locked" only against editing do."""
    writer = PdfWriter(clone_from=PdfReader(path))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-256")
    with open(path, "wb") as handle:
        writer.write(handle)
    return path


_SHEET_STYLE = """
@page { size: letter landscape; margin: 12mm 10mm; }
body { font-family: sans-serif; font-size: 6.5pt; }
table { border-collapse: collapse; }
tr { break-inside: avoid; }
td { text-align: left; vertical-align: bottom; padding: 0 6pt 0 0; white-space: pre-wrap; line-height: 1.45; }
td.number { text-align: right; padding-right: 0; }
td.number + td { padding-left: 0; }
"""


def spreadsheet_pdf(path: Path, headers: list[str], rows: list[list[str]]) -> Path:
    """A release printed from a spreadsheet: no rules and no padding between rows, no row
    broken across pages, the header on the first page only, cells bottom-aligned (wrapped lines come before the row's first
    column), numbers right-aligned against the next column's text, so that a count and the
    next cell's first word print run together ("17652UTC")."""
    def cells(values: list[str]) -> str:
        return "".join(f"<td class='{'number' if value.isdigit() else ''}'>{html.escape(value)}</td>"
                       for value in values)
    body = "".join(f"<tr>{cells(row)}</tr>" for row in [headers, *rows])
    HTML(string=f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>{_SHEET_STYLE}</style></head>"
                f"<body><table><tbody>{body}</tbody></table></body></html>").write_pdf(path)
    return path
