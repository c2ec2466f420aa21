"""Step 5 of 5: render a report as terminal text, Markdown or JSON.

Renderers only format the outline (present.py), which decides every word and the order: what
comes first on the page is what comes first in practice. Text, Markdown, PDF and the app show the
same words for the same report.
"""
from __future__ import annotations

import json
import re
import textwrap
from typing import Callable

from .model import RuleBase
from .present import SAFETY_NOTE, Entry, Outline, outline
from .report import Report


def to_json(report: Report, rulebase: RuleBase | None = None) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


# --- text ------------------------------------------------------------------------------------

def to_text(report: Report, rulebase: RuleBase, width: int = 88) -> str:
    return outline_text(outline(report, rulebase), width)


def outline_text(doc: Outline, width: int = 88) -> str:
    out: list[str] = []

    def para(text: str, indent: str = "", first: str | None = None) -> None:
        out.append(textwrap.fill(text, width, initial_indent=first if first is not None else indent,
                                 subsequent_indent=indent, break_on_hyphens=False))

    out.append(f"{doc.title.upper()} - {doc.meta}")
    out.append("")
    para(doc.headline)
    para("NOTE: " + doc.disclaimer)
    for section in doc.sections:
        out.extend(["", section.title.upper(), "-" * len(section.title)])
        if section.intro:
            para(section.intro)
        if not section.entries and section.empty:
            para(section.empty)
        for i, entry in enumerate(section.entries, 1):
            _text_entry(para, entry, f"{i}. " if section.numbered else "- ")
    out.extend(["", doc.fired])
    return "\n".join(out) + "\n"


def _text_entry(para: Callable, entry: Entry, bullet: str) -> None:
    indent = " " * (len(bullet) + 1) if bullet[0].isdigit() else "  "
    head = f"[{entry.tag}] {entry.title}" if entry.tone in ("immediate", "soon", "routine") else entry.title
    para(head, indent, bullet.ljust(len(indent)))
    if entry.safety:
        para(SAFETY_NOTE, indent)
    if entry.quote:
        para(f'"{entry.quote}"', indent)
    for text in entry.body:
        para(text, indent)
    for note in entry.notes:
        para("Note: " + note, indent)
    for detail in entry.details:
        para(detail, indent + "  ", indent)
    for reason in entry.reasons:
        para(reason.line(entry.reasons_with_why), indent + "  ", indent + "- ")


# --- Markdown ----------------------------------------------------------------------------------

WORD_JOINER = "\u2060"  # invisible, and not a character a URL or an address can contain
_LINK_STARTS = re.compile(r"(?<=:)(?=//)|(?i:(?<=www))(?=\.)|(?=@)")


def unlinked(text: str) -> str:
    """Text in which no URL or e-mail address can become a link. GitHub-flavoured Markdown (which
    Streamlit and most viewers use) turns https://..., www.... and name@host into live links even
    when their punctuation is backslash-escaped; an invisible word joiner after 'https:', after
    'www' and before '@' leaves the text as it reads but no longer a URL. What a person typed is
    shown as text; a link would invite a click the person never meant to offer."""
    return _LINK_STARTS.sub(WORD_JOINER, text)


def md_escape(text: str) -> str:
    """Escape what Markdown would read as markup (links and URLs included); report text may
    quote what a user typed."""
    for ch in "\\`*_{}[]<>#|":
        text = text.replace(ch, "\\" + ch)
    return unlinked(text)


def to_markdown(report: Report, rulebase: RuleBase, title: str | None = None, stamp: str | None = None) -> str:
    return outline_markdown(outline(report, rulebase, title, stamp))


def outline_markdown(doc: Outline) -> str:
    e = md_escape
    out: list[str] = [f"# {e(doc.title)}", "", e(doc.meta), "", f"**{e(doc.headline)}**", "",
                      f"> {e(doc.disclaimer)}", ""]
    for section in doc.sections:
        out += [f"## {e(section.title)}", ""]
        if section.intro:
            out += [e(section.intro), ""]
        if not section.entries and section.empty:
            out.append(e(section.empty))
        for i, entry in enumerate(section.entries, 1):
            out += _markdown_entry(entry, f"{i}." if section.numbered else "-")
        out.append("")
    out += [e(doc.fired), ""]
    return "\n".join(out)


def _markdown_entry(entry: Entry, bullet: str) -> list[str]:
    e = md_escape
    if entry.tone in ("immediate", "soon", "routine"):
        head = f"{bullet} **{e(entry.tag)}** ({e(entry.tag_meaning)}): **{e(entry.title)}**"
    else:
        head = f"{bullet} **{e(entry.title)}**"
    lines = [head]
    if entry.safety:
        lines.append(f"  - *{e(SAFETY_NOTE)}*")
    if entry.quote:
        lines.append(f"  > {e(entry.quote)}")
    lines += [f"  - {e(text)}" for text in entry.body]
    lines += [f"  - Note: {e(note)}" for note in entry.notes]
    lines += [f"  - {e(detail)}" for detail in entry.details]
    lines += [f"  - *{e(r.line(entry.reasons_with_why))}*" for r in entry.reasons]
    return lines


RENDERERS: dict[str, Callable[[Report, RuleBase], str]] = {
    "text": to_text,
    "markdown": to_markdown,
    "json": to_json,
}

__all__ = ["RENDERERS", "WORD_JOINER", "md_escape", "unlinked", "outline_markdown", "outline_text", "to_json",
           "to_markdown", "to_text"]
