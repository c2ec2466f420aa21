"""A report as a printable PDF: the outline of present.py, in the same order and words as every
other output.

fpdf2 with the bundled DejaVu Sans (engine/fonts/), so that the Code's exact punctuation
(’ – “ ”) prints on any machine: the core PDF fonts only know Latin-1. Like render.py this only
formats; every word of substance comes from the report.

Three things are done here rather than left to fpdf2:

* **Privacy.** fpdf2 logs the characters its font lacks ("missing glyphs: '田' ..."), which would
  put what a person typed into the logs. Every character the font cannot print is replaced before
  fpdf2 sees it, by a visible marker (�), and the PDF says so under its title; and fpdf2's and
  fontTools' loggers are silenced all the same, whatever the logging set-up.
* **Fonts parsed once per process.** Parsing a TrueType font and measuring its 6,000 glyphs took
  about 40 ms a document; the parsed font is kept and each document gets a copy of it with only
  what one document changes made fresh (its glyph subset, its own lazily read font file, since
  fpdf2 subsets that in place). Embedding the subset costs in proportion to the glyphs of the font
  it is cut from, so the tables fpdf2 never uses are dropped once, and a report whose characters
  are all in COMMON_RANGES (nearly all) is printed with a cut of about 1,000 glyphs; any other
  report with the whole font, which prints every script DejaVu Sans has.
* **Line breaking.** fpdf2's multi_cell measures a line again for every character added to it
  (about 80 % of the time); lines are broken here once, word by word, from the font's widths.
"""
from __future__ import annotations

import copy
import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Iterable

from fontTools import subset as ftsubset
from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

from .model import RuleBase
from .present import SAFETY_NOTE, Entry, Outline, outline
from .report import Report

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
MARKER = "\ufffd"  # printed in place of a character the font has no glyph for
# Urgency is always printed as a word too; the colour only repeats it.
URGENCY_RGB = {"immediate": (176, 0, 32), "soon": (150, 80, 0), "routine": (30, 70, 140)}
GREY = (90, 90, 90)
BLACK = (0, 0, 0)
# Tables fpdf2 does not use without text shaping (kerning, hinting, OpenType layout): dropped once.
_UNUSED_TABLES = ("kern", "GSUB", "GPOS", "GDEF", "FFTM", "hdmx", "LTSH", "VDMX", "fpgm", "prep", "cvt ", "MATH")
_PT_PER_MM = 72 / 25.4

for _name in ("fpdf", "fontTools"):  # their records can quote the document's text: none may be emitted
    logging.getLogger(_name).setLevel(logging.CRITICAL + 1)
    logging.getLogger(_name).propagate = False


@dataclass(frozen=True)
class _Face:
    """One style of the font, parsed once: the bytes fpdf2 embeds and the measured template."""

    style: str
    data: bytes
    template: TTFFont

    @property
    def key(self) -> str:
        return FONT.lower() + self.style


@dataclass(frozen=True)
class _Fonts:
    faces: tuple[_Face, ...]
    printable: frozenset[int]  # code points every style has a glyph for
    widths: dict[str, dict[int, float]]  # style -> code point -> width in 1/1000 of the font size


def _lean_font(path: Path, unicodes: tuple[int, ...] | None = None) -> bytes:
    """The font without the tables fpdf2 never uses, and without glyph names (fpdf2 makes its
    own); with `unicodes`, only the glyphs for those characters. Embedding a subset costs time in
    proportion to the glyphs of the font it is cut from, so a smaller source is a faster PDF."""
    font = ttLib.TTFont(path, recalcTimestamp=False)
    if unicodes is not None:
        options = ftsubset.Options()
        options.notdef_outline = options.recommended_glyphs = True
        options.layout_features = []
        options.name_IDs = ["*"]
        options.drop_tables += list(_UNUSED_TABLES)
        options.hinting = False
        subsetter = ftsubset.Subsetter(options)
        subsetter.populate(unicodes=unicodes)
        subsetter.subset(font)
    for tag in _UNUSED_TABLES:
        if tag in font:
            del font[tag]
    font["post"].formatType = 3.0  # no glyph names: 6,000 of them were read back for every PDF
    out = BytesIO()
    font.save(out)
    return out.getvalue()


# What nearly every report needs (Latin scripts, punctuation, arrows, a few symbols): a font cut
# down to these, about 1,000 glyphs of 6,000, makes the PDF several times faster. A report with
# any other character is printed with the whole font.
COMMON_RANGES = ((0x20, 0x7E), (0xA0, 0x24F), (0x2000, 0x206F), (0x20A0, 0x20BF), (0x2100, 0x215F),
                 (0x2190, 0x21FF), (0x2212, 0x2212), (0x25A0, 0x25FF), (0xFFFD, 0xFFFD))


@lru_cache(maxsize=2)
def _fonts(common: bool) -> _Fonts:
    """The bundled font, read and measured once per process (the first PDF pays for it): the
    common cut (common=True) or the whole of it."""
    unicodes = tuple(c for low, high in COMMON_RANGES for c in range(low, high + 1)) if common else None
    scratch = FPDF()
    faces = []
    for style, name in FONT_FILES.items():
        data = _lean_font(FONT_DIR / name, unicodes)
        faces.append(_Face(style, data, TTFFont(scratch, BytesIO(data), FONT.lower() + style, style)))
    printable = frozenset.intersection(*(frozenset(f.template.cmap) for f in faces))
    widths = {f.style: dict(f.template.cw) for f in faces}
    return _Fonts(tuple(faces), printable, widths)


def _fonts_for(texts: list[str]) -> _Fonts:
    common = _fonts(True)
    if all(ord(c) in common.printable or c == "\n" for text in texts for c in text):
        return common
    return _fonts(False)


def _fresh_font(face: _Face, index: int) -> TTFFont:
    """A copy of the parsed font for one document: the measurements are shared (read only), what a
    document changes is its own: the glyphs it uses, and the font file fpdf2 subsets in place."""
    font = copy.copy(face.template)
    font.i = index
    font.ttfont = ttLib.TTFont(BytesIO(face.data), recalcTimestamp=False, lazy=True)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None  # noqa: SLF001 - a fresh font has no shaping engine yet
    font.subset = SubsetMap(font)
    return font


def printable_text(text: str, printable: frozenset[int]) -> tuple[str, int]:
    """The text with every character the font cannot print replaced by MARKER; and how many were."""
    missing = sum(1 for c in text if ord(c) not in printable and c != "\n")
    if not missing:
        return text, 0
    return "".join(c if ord(c) in printable or c == "\n" else MARKER for c in text), missing


def _outline_texts(doc: Outline) -> Iterable[str]:
    yield from (doc.title, doc.meta, doc.headline, doc.disclaimer, doc.fired)
    for section in doc.sections:
        yield from (section.title, section.intro, section.empty)
        for entry in section.entries:
            yield from (entry.title, entry.tag, entry.tag_meaning, entry.quote, *entry.body, *entry.notes,
                        *entry.details)
            yield from (reason.line(entry.reasons_with_why) for reason in entry.reasons)


class _Document(FPDF):
    def __init__(self, footer_text: str, fonts: _Fonts):
        super().__init__(orientation="P", unit="mm", format="A4")
        self._footer_text = footer_text
        self._widths = fonts.widths
        for face in fonts.faces:
            self.fonts[face.key] = _fresh_font(face, len(self.fonts) + 1)
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=18)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"{self._footer_text}  ·  page {self.page_no()}/{{nb}}", align="C")

    def lines(self, text: str, width_mm: float, size: float, style: str) -> list[str]:
        """The text broken into lines that fit `width_mm`, at spaces (a word wider than a line is
        broken where it must); explicit line breaks kept. Each word is measured once."""
        widths = self._widths[style]
        scale = size / 1000 / _PT_PER_MM  # thousandths of the font size to millimetres
        default = widths.get(ord(MARKER), 500)

        def measure(word: str) -> float:
            return sum(widths.get(ord(c), default) for c in word) * scale

        space = measure(" ")
        out: list[str] = []
        for paragraph in text.split("\n"):
            line, line_w = None, 0.0
            for word in paragraph.split(" "):
                word_w = measure(word)
                if line is not None and line_w + space + word_w <= width_mm:
                    line, line_w = f"{line} {word}", line_w + space + word_w
                    continue
                if line is not None:
                    out.append(line)
                while word_w > width_mm and len(word) > 1:  # a word wider than the line itself
                    cut, cut_w = 1, measure(word[0])
                    while cut < len(word) and cut_w + measure(word[cut]) <= width_mm:
                        cut_w += measure(word[cut])
                        cut += 1
                    out.append(word[:cut])
                    word, word_w = word[cut:], measure(word[cut:])
                line, line_w = word, word_w
            out.append(line or "")
        return out

    def write_lines(self, lines: list[str], height: float, x: float) -> None:
        """Each line at the left edge x, a new page when the next would cross the bottom margin."""
        for text in lines:
            if self.y + height > self.page_break_trigger:
                self.add_page()
            if text:
                self.text(x, self.y + 0.5 * height + 0.3 * self.font_size, text)
            self.y += height
        self.x = self.l_margin


def to_pdf(report: Report, rulebase: RuleBase, title: str | None = None, stamp: str | None = None) -> bytes:
    """The report as PDF bytes; `stamp` (e.g. the export date) is printed under the title and in
    every page's footer, next to the rule-base version."""
    return outline_pdf(outline(report, rulebase, title, stamp))


_OUTPUT_LOCK = threading.Lock()  # fpdf2 memoises glyph look-ups process-wide; cleared after each PDF


def outline_pdf(doc: Outline) -> bytes:
    texts = [t for t in _outline_texts(doc) if t]
    fonts = _fonts_for(texts)
    replaced = sum(printable_text(t, fonts.printable)[1] for t in texts)

    def fit(text: str) -> str:
        return printable_text(text, fonts.printable)[0]

    pdf = _Document(fit(doc.meta), fonts)
    pdf.set_title(doc.title)
    pdf.set_creator("NACM Code of Ethics decision support")
    pdf.add_page()

    def write(text: str, size: float = 10, bold: bool = False, color=BLACK, indent: float = 0,
              gap: float = 1.2) -> None:
        style = "B" if bold else ""
        pdf.set_font(FONT, style, size)
        pdf.set_text_color(*color)
        pdf.write_lines(pdf.lines(fit(text), pdf.epw - indent, size, style), size * 0.48, pdf.l_margin + indent)
        pdf.ln(gap)

    write(doc.title, 17, bold=True, gap=1)
    write(doc.meta, 9, color=GREY, gap=3)
    if replaced:
        write(f"{replaced} character{'s' if replaced > 1 else ''} of this report could not be printed with the"
              f" bundled font and {'are' if replaced > 1 else 'is'} shown as {MARKER}; the Markdown and JSON"
              " downloads keep every character as written.", 9, bold=True, color=URGENCY_RGB["soon"], gap=2)
    write(doc.headline, 12, bold=True, color=URGENCY_RGB["immediate"] if doc.urgent else BLACK, gap=2)
    _boxed(pdf, fit(doc.disclaimer))  # the disclaimer, boxed, right after what to do first
    pdf.ln(2)
    for section in doc.sections:
        pdf.ln(2.5)
        write(section.title, 13, bold=True, gap=1.5)
        if section.intro:
            write(section.intro, 9.5, color=GREY)
        if not section.entries and section.empty:
            write(section.empty)
        for i, entry in enumerate(section.entries, 1):
            _pdf_entry(write, entry, f"{i}. " if section.numbered else "")
            pdf.ln(0.8)
    pdf.ln(2)
    write(doc.fired, 8.5, color=GREY)
    with _OUTPUT_LOCK:
        data = bytes(pdf.output())
        # fpdf2 caches glyph look-ups per subset map for the life of the process (functools.cache
        # on methods): without this every PDF would keep its fonts in memory for ever.
        SubsetMap.pick.cache_clear()
        SubsetMap.get_glyph.cache_clear()
    return data


def _boxed(pdf: _Document, text: str, size: float = 9, padding: float = 2) -> None:
    pdf.set_font(FONT, "", size)
    lines = pdf.lines(text, pdf.epw - 2 * padding, size, "")
    height = 4.6
    box = len(lines) * height + 2 * padding
    if pdf.y + box > pdf.page_break_trigger:
        pdf.add_page()
    pdf.set_fill_color(255, 243, 205)
    pdf.set_draw_color(*BLACK)
    pdf.rect(pdf.l_margin, pdf.y, pdf.epw, box, style="DF")
    pdf.set_text_color(*BLACK)
    pdf.y += padding
    pdf.write_lines(lines, height, pdf.l_margin + padding)
    pdf.y += padding
    pdf.set_xy(pdf.l_margin, pdf.y)


def _pdf_entry(write, entry: Entry, number: str) -> None:
    if entry.tone in URGENCY_RGB:
        write(f"{number}{entry.tag} ({entry.tag_meaning})", 9, bold=True, color=URGENCY_RGB[entry.tone], gap=0.3)
        write(entry.title, 11, bold=True, indent=4, gap=0.5)
    else:
        write(f"{number}{entry.title}", 10.5 if entry.quote or entry.reasons else 10,
              bold=bool(entry.quote or entry.reasons), gap=0.5)
    if entry.safety:
        write(SAFETY_NOTE, 9, bold=True, color=URGENCY_RGB["immediate"], indent=4, gap=0.4)
    if entry.quote:
        write(f"“{entry.quote}”", 10, indent=4, gap=0.5)
    for text in entry.body:
        write(text, 10, indent=4, gap=0.5)
    for note in entry.notes:
        write("Note: " + note, 9.5, indent=4, gap=0.5)
    for detail in entry.details:
        write(detail, 9, color=GREY, indent=8, gap=0.4)
    for reason in entry.reasons:
        write(reason.line(entry.reasons_with_why), 8.5, color=GREY, indent=6, gap=0.6)


__all__ = ["FONT_DIR", "MARKER", "outline_pdf", "printable_text", "to_pdf"]
