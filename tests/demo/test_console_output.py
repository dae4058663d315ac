"""What `make demo` prints: what happens, not every table of every font a letter embeds."""

from __future__ import annotations

import logging
from datetime import date

import pytest
import weasyprint.pdf.fonts
from fontTools import subset

from requests_app.letters.rendering import render_pdf
from requests_app.letters.services import preview_html
from tests.factories import AgencyFactory, draft_request
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


def test_it_subsets_letter_fonts_without_logging_each_table(alice, monkeypatch, caplog):
    # WeasyPrint subsets fonts with fontTools where the machine's HarfBuzz has no subsetter.
    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    subsets = []
    original = subset.Subsetter.subset
    monkeypatch.setattr(subset.Subsetter, "subset", lambda self, font: subsets.append(font) or original(self, font))
    caplog.set_level(logging.DEBUG)
    request = draft_request(organization=alice.organization, agency=AgencyFactory(), user=alice.user)
    pdf = render_pdf(preview_html(request, today=date(2026, 11, 27), stylesheet="letter.css"))
    assert "Washington Watch" in pdf_text(pdf)
    assert subsets, "the letter's fonts were subset by fontTools"
    assert [r.getMessage() for r in caplog.records if r.name.startswith("fontTools")] == []
