"""A report as a printable PDF, in the same order and words as the Markdown rendering.

fpdf2 with the bundled DejaVu Sans (engine/fonts/), so that the Code's exact punctuation
(’ – “ ”) prints on any machine: the core PDF fonts only know Latin-1. Like render.py this only
formats; every word of substance comes from the report.
"""
from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from .render import URGENCY_MEANING, URGENCY_WORDS, change_phrase, facts_phrase, headline
from .report import Because, Report

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


def to_pdf(report: Report, title: str | None = None, stamp: str | None = None) -> bytes:
    """The report as PDF bytes; `stamp` (e.g. the export date) is printed under the title and in
    every page's footer, next to the rule-base version."""
    version = f"rules version {report.version} ({report.sha256[:12]})"
    pdf = _Document(version + (f", {stamp}" if stamp else ""))
    pdf.set_title(title or "Ethics consultation report")
    pdf.set_creator("NACM Code of Ethics decision support")
    pdf.add_page()

    def write(text: str, size: float = 10, bold: bool = False, color=BLACK, indent: float = 0,
              gap: float = 1.2) -> None:
        pdf.set_font(FONT, "B" if bold else "", size)
        pdf.set_text_color(*color)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(pdf.epw - indent, size * 0.48, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(gap)

    def heading(text: str) -> None:
        pdf.ln(2.5)
        write(text, 13, bold=True, gap=1.5)

    def reasons(items: tuple[Because, ...], with_why: bool = True) -> None:
        for b in items:
            write(f"because rule {b.rule} ({facts_phrase(b, report) or 'no facts'})"
                  + (f": {b.why}" if b.why and with_why else ""), 8.5, color=GREY, indent=6, gap=0.6)

    write(title or "Ethics consultation report", 17, bold=True, gap=1)
    write(f"NACM Code of Ethics decision support, {version}" + (f", {stamp}" if stamp else ""),
          9, color=GREY, gap=3)

    # The disclaimer, boxed, before anything else.
    pdf.set_font(FONT, "B", 9.5)
    pdf.set_fill_color(255, 243, 205)
    pdf.set_text_color(*BLACK)
    pdf.multi_cell(pdf.epw, 5, report.disclaimer, border=1, fill=True, padding=2, align="L",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    write(headline(report), 12, bold=True,
          color=URGENCY_RGB["immediate"] if any(a.urgency == "immediate" for a in report.actions) else BLACK)

    heading("What to do")
    if not report.actions:
        write("No action is recommended by the rules for these facts.")
    for i, a in enumerate(report.actions, 1):
        write(f"{i}. {URGENCY_WORDS[a.urgency]} ({URGENCY_MEANING[a.urgency]})", 9, bold=True,
              color=URGENCY_RGB[a.urgency], gap=0.3)
        write(a.label, 11, bold=True, indent=4, gap=0.5)
        write(a.guidance, 10, indent=4, gap=0.5)
        for note in a.notes:
            write("Note: " + note, 9.5, indent=4, gap=0.5)
        reasons(a.because, with_why=False)
        pdf.ln(1)

    heading("Commitments at stake")
    if not report.commitments:
        write("None of the Code's commitments was reached by the rules for these facts.")
    for c in report.commitments:
        write(f"{c.number}. {c.title} ({c.section})", 11, bold=True, gap=0.5)
        write(f"“{c.text}”", 10, indent=4, gap=0.5)
        reasons(c.because)
        pdf.ln(1)

    if report.tensions:
        heading("What pulls against what")
        for t in report.tensions:
            write(f"Commitments {t.between[0]} and {t.between[1]}: {t.explanation}", 10, gap=0.5)
            reasons(t.because, with_why=False)
    if report.purposes:
        heading("Purposes of case management served")
        for p in report.purposes:
            write(f"{p.number}. “{p.text}”", 10)
    if report.questions:
        heading("Questions for reflection")
        for q in report.questions:
            write(f"• {q}", 10, indent=2)
    if report.to_find_out:
        heading("What else to find out")
        for q in report.to_find_out:
            write(f"• {q.question}", 10, indent=2, gap=0.4)
            for change in q.changes:
                write(f"if {change.value_label}: {change_phrase(change)}", 9, color=GREY, indent=8, gap=0.4)
            pdf.ln(0.8)

    heading("Facts as understood")
    if not report.facts:
        write("(none given)")
    for fact_id, value in report.facts.items():
        implied = " (implied by a follow-up answer)" if fact_id in report.implied_facts else ""
        write(f"{report.label(fact_id)}: {report.words(fact_id, value)}{implied}", 10, gap=0.4)
    pdf.ln(2)
    write("Rules that fired: " + (", ".join(report.fired_rules) or "none"), 8.5, color=GREY)
    return bytes(pdf.output())
