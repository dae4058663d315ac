"""The fonts of the in-app letter preview: Latin subsets of the letter's own Liberation Serif,
as WOFF2, so the request page loads about 110 KB of fonts instead of the TTFs' 760 KB.

The PDF keeps embedding the full TTFs; the preview needs only the characters a letter in
English uses, and any other character falls back to the full font (letter.css). A subset is
a Modified Version under the SIL OFL 1.1, which may not carry the Reserved Font Names
("Liberation", and "Tinos" it is based on): the subsets are named "Letter Serif Preview",
keep the copyright and licence records, and stay under the OFL (fonts/OFL.txt).

Run ``python -m requests_app.letters.preview_fonts`` after changing the fonts or the ranges,
and copy the printed unicode-range into letter.css.
"""

from __future__ import annotations

from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FONTS = Path(__file__).parent / "static" / "letters" / "fonts"
FAMILY = "Letter Serif Preview"
# Latin with its extensions and spacing accents, punctuation, currency, letterlike symbols
# (№, ™, ℅), a few arrows, the minus sign and the f-ligatures.
RANGES = [(0x0000, 0x024F), (0x02B0, 0x02FF), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x214F),
          (0x2190, 0x2199), (0x2212, 0x2212), (0xFB00, 0xFB06)]
STYLES = {"Regular": "LiberationSerif-Regular.ttf", "Bold": "LiberationSerif-Bold.ttf"}
# The name records that name the font; the rest (copyright, version, licence...) are kept.
NAMING = (1, 2, 3, 4, 6, 16, 17, 18, 21, 22)


def unicode_range() -> str:
    """The ranges as CSS writes them in @font-face's unicode-range."""
    return ", ".join(f"U+{a:04X}" if a == b else f"U+{a:04X}-{b:04X}" for a, b in RANGES)


def preview_font(source: Path, *, style: str) -> TTFont:
    font = TTFont(source, recalcTimestamp=False)  # the same fonts in, the same bytes out
    options = subset.Options()
    options.drop_tables += ["FFTM"]  # FontForge's timestamps
    options.layout_features = ["*"]  # kerning and the f-ligatures, as in the PDF
    options.name_IDs = ["*"]
    options.flavor = "woff2"
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for a, b in RANGES for c in range(a, b + 1)])
    subsetter.subset(font)
    names = font["name"]
    names.names = [record for record in names.names if record.nameID not in NAMING]
    for name_id, text in {1: FAMILY, 2: style, 3: f"{FAMILY} {style} (Latin subset)", 4: f"{FAMILY} {style}",
                          6: f"{FAMILY.replace(' ', '')}-{style}"}.items():
        names.setName(text, name_id, 3, 1, 0x409)  # Windows, Unicode, English: the records the TTFs have
    font.flavor = "woff2"
    return font


def write_preview_fonts(folder: Path = FONTS) -> list[Path]:
    written = []
    for style, source in STYLES.items():
        target = folder / f"{FAMILY.replace(' ', '')}-{style}.woff2"
        preview_font(FONTS / source, style=style).save(target)
        written.append(target)
    return written


if __name__ == "__main__":
    for path in write_preview_fonts():
        print(f"{path.name}: {path.stat().st_size:,} bytes")
    print(f"unicode-range: {unicode_range()};")
