"""Letter text to HTML to PDF, with WeasyPrint that can read nothing but our own assets.

The only resources a letter may load are the files under ``letters/static/letters/``
(its stylesheet and bundled fonts), addressed below ``ASSET_BASE``. Every other URL
(http, https, file, data, anything) is refused and logged, so text typed by a user can
never make the renderer read a local file or call another server. User text is also
escaped by the template, so it cannot add markup in the first place.
"""

from __future__ import annotations

import logging
import mimetypes
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from requests_app.letters.composer import Letterhead, format_date

logger = logging.getLogger(__name__)

ASSET_DIR = (Path(__file__).parent / "static" / "letters").resolve()
# A reserved top-level domain: it never resolves, and the fetcher never connects anyway.
ASSET_BASE = "https://letter-assets.recordsreq.invalid/"
_ITEM = re.compile(r"^(\d{1,3})\.\s+(.*)$", re.DOTALL)
_LEAD = re.compile(r"^([A-Z][a-z]+)\. (.*)$", re.DOTALL)  # "Fees. We ask ..." gets a bold "Fees."
_local = threading.local()


class RefusedURL(ValueError):
    """A letter asked for a resource outside the letter assets."""


@lru_cache(maxsize=32)
def _asset(relative: str) -> tuple[bytes, str]:
    path = (ASSET_DIR / relative).resolve()
    if not path.is_relative_to(ASSET_DIR) or not path.is_file():
        raise RefusedURL(f"no letter asset {relative!r}")
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return path.read_bytes(), mime


def asset_for(url: str) -> tuple[bytes, str]:
    """The bytes and type of a letter asset URL; raises RefusedURL for anything else."""
    if not url.startswith(ASSET_BASE):
        raise RefusedURL(f"refused to fetch {url[:200]!r}: letters load only their own assets")
    relative = url.removeprefix(ASSET_BASE).split("?", 1)[0].split("#", 1)[0]
    return _asset(relative)


class AssetOnlyFetcher(URLFetcher):
    def __init__(self) -> None:
        super().__init__(allowed_protocols=("https",), allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        try:
            body, mime = asset_for(url)
        except RefusedURL:
            self.refused.append(url)
            logger.warning("letter rendering refused to fetch %.200s", url)
            raise
        return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})


@dataclass(frozen=True)
class Block:
    kind: str  # "paragraph", "item", "subject" or "signature"
    lines: list[str] = field(default_factory=list)
    number: str = ""
    lead: str = ""


def text_blocks(text: str) -> list[Block]:
    """Paragraphs of the letter text; numbered paragraphs become hanging-indent items."""
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n"))]
    blocks = [_block(p) for p in paragraphs if p.strip()]
    if blocks and blocks[-1].kind == "paragraph":
        lines = blocks.pop().lines
        # "Sincerely," stays on the same page as the name it introduces.
        if blocks and blocks[-1].kind == "paragraph" and len(blocks[-1].lines) == 1 and blocks[-1].lines[0].endswith(","):
            lines = [*blocks.pop().lines, "", *lines]
        blocks.append(Block("signature", lines))
    return blocks


def _block(paragraph: str) -> Block:
    match = _ITEM.match(paragraph)
    if match:
        return Block("item", match[2].split("\n"), number=f"{match[1]}.")
    if paragraph.startswith("Re:"):
        return Block("subject", paragraph.split("\n"))
    match = _LEAD.match(paragraph)
    if match:
        return Block("paragraph", match[2].split("\n"), lead=f"{match[1]}.")
    return Block("paragraph", paragraph.split("\n"))


def letter_html(*, letterhead: Letterhead, text: str, letter_date: date, tracking: str, stylesheet: str = "letter.css") -> str:
    context = {
        "org": letterhead,
        "blocks": text_blocks(text),
        "letter_date": format_date(letter_date),
        "tracking": tracking,
        "stylesheet": stylesheet,
    }
    return render_to_string("letters/letter.html", context)


def _font_config() -> FontConfiguration:
    # Fonts loaded once per thread are reused by every later letter.
    if not hasattr(_local, "font_config"):
        _local.font_config = FontConfiguration()
    return _local.font_config


def _letter_stylesheet() -> CSS:
    # Parsed once per thread, its fonts registered once in the thread's font configuration:
    # read again for every letter, it cost about a tenth of a campaign's rendering.
    if not hasattr(_local, "letter_stylesheet"):
        _local.letter_stylesheet = CSS(url=f"{ASSET_BASE}letter.css", url_fetcher=AssetOnlyFetcher(),
                                       font_config=_font_config())
    return _local.letter_stylesheet


def render_pdf(html: str, *, stylesheets: Sequence[CSS] = ()) -> bytes:
    document = HTML(string=html, base_url=ASSET_BASE, url_fetcher=AssetOnlyFetcher())
    return document.write_pdf(stylesheets=list(stylesheets), font_config=_font_config())


def letter_pdf(*, letterhead: Letterhead, text: str, letter_date: date, tracking: str) -> bytes:
    """The letter's PDF: its HTML links no stylesheet; the letter stylesheet, parsed once,
    is given to the renderer instead."""
    html = letter_html(letterhead=letterhead, text=text, letter_date=letter_date, tracking=tracking, stylesheet="")
    return render_pdf(html, stylesheets=[_letter_stylesheet()])
