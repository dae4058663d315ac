"""The letter preview's fonts: Latin subsets of the letter's Liberation Serif that carry none
of its Reserved Font Names (as the SIL OFL asks of a modified font), keep its copyright and
licence, cover what letter.css says they cover, and are what preview_fonts.py makes."""

from __future__ import annotations

import re

import pytest
from fontTools.ttLib import TTFont

from requests_app.letters import preview_fonts

COMMITTED = [preview_fonts.FONTS / f"LetterSerifPreview-{style}.woff2" for style in preview_fonts.STYLES]


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.name)
def test_a_preview_font_is_renamed_and_keeps_its_copyright_and_licence(path):
    names = {record.nameID: record.toUnicode() for record in TTFont(path)["name"].names}
    assert names[1] == "Letter Serif Preview" and names[6].startswith("LetterSerifPreview-")
    assert not any(re.search("liberation|tinos", names[i], re.I) for i in preview_fonts.NAMING if i in names)
    assert "Red Hat" in names[0] and names[13] == "Licensed under the SIL Open Font License, Version 1.1"


@pytest.mark.parametrize(("path", "style"), list(zip(COMMITTED, preview_fonts.STYLES)), ids=list(preview_fonts.STYLES))
def test_a_preview_font_has_every_character_of_its_ranges_the_full_font_has(path, style):
    full = set(TTFont(preview_fonts.FONTS / preview_fonts.STYLES[style]).getBestCmap())
    wanted = {c for a, b in preview_fonts.RANGES for c in range(a, b + 1)} & full
    assert set(TTFont(path).getBestCmap()) == wanted and ord("§") in wanted and ord("“") in wanted


def test_the_stylesheet_declares_the_subsets_ranges():
    css = (preview_fonts.FONTS.parent / "letter.css").read_text()
    declared = re.findall(r"LetterSerifPreview-\w+\.woff2.*?unicode-range: ([^;]+);", css, re.S)
    assert declared == [preview_fonts.unicode_range()] * 2


def test_the_committed_fonts_are_what_the_script_makes(tmp_path):
    made = preview_fonts.write_preview_fonts(tmp_path)
    assert [p.read_bytes() for p in made] == [p.read_bytes() for p in COMMITTED]
