"""Step 5 of 5: render a report as terminal text, Markdown or JSON.

Renderers only format: every word of substance comes from the report, which comes from the rules.
What comes first on the page is what comes first in practice: immediate actions, then the
commitments at stake, then tensions, questions and what else to find out. The disclaimer is
always printed, at the top.
"""
from __future__ import annotations

import json
import textwrap
from typing import Any, Callable

from .report import Because, Report

URGENCY_WORDS = {"immediate": "IMMEDIATE", "soon": "SOON", "routine": "ROUTINE"}
URGENCY_MEANING = {
    "immediate": "before anything else, today",
    "soon": "before your next contact with the individual",
    "routine": "as part of your ordinary work",
}


def to_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def facts_phrase(because: Because, report: Report) -> str:
    return "; ".join(f"{report.label(k)}: {report.words(k, v)}" for k, v in because.facts.items())


def headline(report: Report) -> str:
    """One line that says what matters most."""
    immediate = [a.label for a in report.actions if a.urgency == "immediate"]
    if immediate:
        return "Act now: " + "; ".join(immediate) + "."
    if report.commitments:
        numbers = ", ".join(str(c.number) for c in report.commitments)
        return f"No immediate action. Commitments at stake: {numbers}."
    return "No rule matched these facts. Consider consulting your supervisor if you are unsure."


# --- text ------------------------------------------------------------------------------------

def to_text(report: Report, width: int = 88) -> str:
    out: list[str] = []

    def para(text: str, indent: str = "", first: str | None = None) -> None:
        out.append(textwrap.fill(text, width, initial_indent=first if first is not None else indent,
                                 subsequent_indent=indent, break_on_hyphens=False))

    def heading(title: str) -> None:
        out.extend(["", title.upper(), "-" * len(title)])

    def reasons(items: tuple[Because, ...], indent: str, with_why: bool = True) -> None:
        for b in items:
            para(f"because rule {b.rule} ({facts_phrase(b, report) or 'no facts'})"
                 + (f": {b.why}" if b.why and with_why else ""), indent + "  ", indent + "- ")

    out.append(f"NACM Code of Ethics - decision support report (rules {report.version}, "
               f"{report.sha256[:12]})")
    para("NOTE: " + report.disclaimer)
    out.append("")
    para(headline(report))

    heading("What to do")
    if not report.actions:
        out.append("No action is recommended by the rules for these facts.")
    for i, a in enumerate(report.actions, 1):
        para(f"{i}. [{URGENCY_WORDS[a.urgency]}] {a.label}", "     ")
        para(a.guidance, "     ")
        for note in a.notes:
            para("Note: " + note, "     ")
        reasons(a.because, "     ", with_why=False)

    heading("Commitments at stake")
    if not report.commitments:
        out.append("None of the Code's commitments was reached by the rules for these facts.")
    for c in report.commitments:
        para(f"{c.number}. {c.title} ({c.section})", "    ")
        para(f'"{c.text}"', "      ")
        reasons(c.because, "      ")

    if report.tensions:
        heading("What pulls against what")
        for t in report.tensions:
            a, b = t.between
            para(f"{a} / {b}: {t.explanation}", "  ", "- ")
            reasons(t.because, "    ", with_why=False)

    if report.purposes:
        heading("Purposes of case management served")
        for p in report.purposes:
            para(f'{p.number}. "{p.text}"', "   ")

    if report.questions:
        heading("Questions for reflection")
        for q in report.questions:
            para(q, "  ", "- ")

    if report.to_find_out:
        heading("What else to find out")
        for q in report.to_find_out:
            para(q.question, "  ", "- ")
            for change in q.changes:
                para(f"if {change.value_label}: {change_phrase(change)}", "      ", "    ")

    heading("Facts as understood")
    if not report.facts:
        out.append("(none given)")
    for fact_id, value in report.facts.items():
        implied = " (implied by a follow-up answer)" if fact_id in report.implied_facts else ""
        out.append(f"  {report.label(fact_id)}: {report.words(fact_id, value)}{implied}")
    out.append("")
    out.append("Rules that fired: " + (", ".join(report.fired_rules) or "none"))
    return "\n".join(out) + "\n"


def change_phrase(change: Any) -> str:
    parts = []
    if change.adds_actions:
        parts.append("adds " + ", ".join(change.adds_actions))
    if change.raises_urgency:
        parts.append("makes more urgent " + ", ".join(change.raises_urgency))
    if change.adds_commitments:
        parts.append("brings in commitment" + ("s " if len(change.adds_commitments) > 1 else " ")
                     + ", ".join(map(str, change.adds_commitments)))
    return "; ".join(parts)


# --- Markdown ----------------------------------------------------------------------------------

def _md_escape(text: str) -> str:
    """Escape what Markdown would read as markup; report text may quote what a user typed."""
    for ch in "\\`*_{}[]<>#|":
        text = text.replace(ch, "\\" + ch)
    return text


def to_markdown(report: Report, title: str | None = None, stamp: str | None = None) -> str:
    e = _md_escape
    out: list[str] = [f"# {e(title) if title else 'Ethics consultation report'}", ""]
    meta = f"NACM Code of Ethics decision support, rules version {e(report.version)} (`{report.sha256[:12]}`)"
    if stamp:
        meta += f", {e(stamp)}"
    out += [meta, "", f"> **{e(report.disclaimer)}**", "", f"**{e(headline(report))}**", ""]

    def reasons(items: tuple[Because, ...], with_why: bool = True) -> list[str]:
        return [f"  - *because* rule `{b.rule}` ({e(facts_phrase(b, report) or 'no facts')})"
                + (f": {e(b.why)}" if b.why and with_why else "") for b in items]

    out += ["## What to do", ""]
    if not report.actions:
        out.append("No action is recommended by the rules for these facts.")
    for i, a in enumerate(report.actions, 1):
        out.append(f"{i}. **{URGENCY_WORDS[a.urgency]}** ({URGENCY_MEANING[a.urgency]}): **{e(a.label)}**. "
                   f"{e(a.guidance)}")
        out += [f"  - Note: {e(n)}" for n in a.notes]
        out += reasons(a.because, with_why=False)
    out += ["", "## Commitments at stake", ""]
    if not report.commitments:
        out.append("None of the Code's commitments was reached by the rules for these facts.")
    for c in report.commitments:
        out.append(f"- **{c.number}. {e(c.title)}** ({e(c.section)})")
        out.append(f"  > {e(c.text)}")
        out += reasons(c.because)
    if report.tensions:
        out += ["", "## What pulls against what", ""]
        for t in report.tensions:
            out.append(f"- **{t.between[0]} / {t.between[1]}**: {e(t.explanation)}")
            out += reasons(t.because, with_why=False)
    if report.purposes:
        out += ["", "## Purposes of case management served", ""]
        out += [f"- **{p.number}.** {e(p.text)}" for p in report.purposes]
    if report.questions:
        out += ["", "## Questions for reflection", ""]
        out += [f"- {e(q)}" for q in report.questions]
    if report.to_find_out:
        out += ["", "## What else to find out", ""]
        for q in report.to_find_out:
            out.append(f"- {e(q.question)}")
            out += [f"  - if *{e(c.value_label)}*: {e(change_phrase(c))}" for c in q.changes]
    out += ["", "## Facts as understood", ""]
    if not report.facts:
        out.append("(none given)")
    for fact_id, value in report.facts.items():
        implied = " *(implied by a follow-up answer)*" if fact_id in report.implied_facts else ""
        out.append(f"- {e(report.label(fact_id))}: {e(report.words(fact_id, value))}{implied}")
    out += ["", "Rules that fired: " + (", ".join(f"`{r}`" for r in report.fired_rules) or "none"), ""]
    return "\n".join(out)


RENDERERS: dict[str, Callable[[Report], str]] = {
    "text": to_text,
    "markdown": to_markdown,
    "json": to_json,
}
