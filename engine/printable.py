"""A report as a printable PDF: the outline of present.py, in the same order and words as every
other output.

fpdf2 with the bundled DejaVu Sans (engine/fonts/), so that the Code's exact punctuation
(’ – “ ”) prints on any machine: the core PDF fonts only know Latin-1. Like render.py this only
formats; every word of substance comes from the report.
"""
from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from .model import RuleBase
from .present import SAFETY_NOTE, Entry, Outline, outline
from .report import Report

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"
# Urgency is always printed as a word too; the colour only repeats it.
URGENCY_RGB = {"immediate": (176, 0, 32), "soon": (150, 80, 0), "routine": (30, 70, 140)}
GREY = (90, 90, 90)
BLACK = (0, 0, 0)


class _Document(FPDF):
    def __init__(self, footer_text: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self._footer_text = footer_text
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=18)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"{self._footer_text}  ·  page {self.page_no()}/{{nb}}", align="C")


def to_pdf(report: Report, rulebase: RuleBase, title: str | None = None, stamp: str | None = None) -> bytes:
    """The report as PDF bytes; `stamp` (e.g. the export date) is printed under the title and in
    every page's footer, next to the rule-base version."""
    return outline_pdf(outline(report, rulebase, title, stamp))


def outline_pdf(doc: Outline) -> bytes:
    pdf = _Document(doc.meta)
    pdf.set_title(doc.title)
    pdf.set_creator("NACM Code of Ethics decision support")
    pdf.add_page()

    def write(text: str, size: float = 10, bold: bool = False, color=BLACK, indent: float = 0,
              gap: float = 1.2) -> None:
        pdf.set_font(FONT, "B" if bold else "", size)
        pdf.set_text_color(*color)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(pdf.epw - indent, size * 0.48, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(gap)

    write(doc.title, 17, bold=True, gap=1)
    write(doc.meta, 9, color=GREY, gap=3)
    write(doc.headline, 12, bold=True, color=URGENCY_RGB["immediate"] if doc.urgent else BLACK, gap=2)
    # The disclaimer, boxed, right after what to do first.
    pdf.set_font(FONT, "", 9)
    pdf.set_fill_color(255, 243, 205)
    pdf.set_text_color(*BLACK)
    pdf.multi_cell(pdf.epw, 4.6, doc.disclaimer, border=1, fill=True, padding=2, align="L",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
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
    return bytes(pdf.output())


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
