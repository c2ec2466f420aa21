"""The supervision record laid out once, as data: who saved it and when, its status, the decision and
outcome, what changed since it was saved, and the notes thread; the Review page, the Markdown and
the PDF export all read this one layout (the export renderers are the engine's, present.py's Outline).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Mapping, Sequence

import engine
from engine.model import URGENCIES, RuleBase
from engine.present import Entry, Outline, Section, outline
from engine.report import Report, ReportDiff
from engine.words import value_words

from .intake import areas_of
from .storage import Consultation, Note

STATUS_WORDS = {"new": "New", "discussed": "Discussed", "closed": "Closed"}
STATUS_HELP = {"new": "saved, not yet discussed", "discussed": "talked through in supervision",
               "closed": "decided, and the outcome recorded"}
NOT_GIVEN = "not given"


def when(iso: str | None) -> str:
    """A stored UTC timestamp as people read it: 2025-03-01 10:30 UTC."""
    return (iso[:16].replace("T", " ") + " UTC") if iso else ""


def topics(rulebase: RuleBase, facts: Mapping[str, Any]) -> list[str]:
    """The areas of the intake a consultation's answers belong to (group ids, vocabulary order)."""
    return areas_of(rulebase, facts)


def topic_titles(rulebase: RuleBase, facts: Mapping[str, Any]) -> list[str]:
    titles = {g.id: g.title for g in rulebase.groups}
    return [titles[g] for g in topics(rulebase, facts)]


def saved_report(record: Consultation) -> Report | None:
    """The report as given when the consultation was saved, or None (saved before reports were kept)."""
    if not record.saved_report:
        return None
    try:
        return Report.from_dict(record.saved_report)
    except (KeyError, TypeError, ValueError):
        return None


def since_saved(record: Consultation, now: Report) -> ReportDiff | None:
    """What today's rules change in the advice the consultation was given when saved."""
    then = saved_report(record)
    return engine.compare(then, now) if then is not None else None


def change_lines(rulebase: RuleBase, diff: ReportDiff) -> list[str]:
    """The differences in plain words, most consequential first (actions, then commitments)."""
    def action(a: str) -> str:
        return rulebase.actions[a].label if a in rulebase.actions else a

    def commitment(n: int) -> str:
        return f"{n}. {rulebase.code.commitment(n).title}"

    lines = [f"Added action: {action(a)}" for a in diff.added_actions]
    lines += [f"Removed action: {action(a)}" for a in diff.removed_actions]
    for a, before, after in diff.urgency_changes:
        more = URGENCIES.index(after) < URGENCIES.index(before)
        lines.append(f"{'More' if more else 'Less'} urgent: {action(a)} ({before} → {after})")
    lines += [f"Added commitment: {commitment(n)}" for n in diff.added_commitments]
    lines += [f"Removed commitment: {commitment(n)}" for n in diff.removed_commitments]
    lines += [f"Added tension: commitments {a} and {b}" for a, b in diff.added_tensions]
    lines += [f"Removed tension: commitments {a} and {b}" for a, b in diff.removed_tensions]
    for fact_id, before, after in diff.changed_facts:
        if fact_id in rulebase.facts:
            fact = rulebase.facts[fact_id]
            lines.append(f"Read differently: {fact.label}: {value_words(fact, before)} → {value_words(fact, after)}")
    return lines


def versions(record: Consultation, now: Report) -> str:
    """Which rules then and now: by version, or by sha256 when the version was not raised."""
    if record.rules_version != now.version:
        return f"version {record.rules_version} → {now.version}"
    return f"version {now.version}, {record.rules_sha256[:12]} → {now.sha256[:12]}"


def change_summary(record: Consultation, now: Report, diff: ReportDiff | None) -> str:
    if diff is None:
        return ("This consultation was saved before reports were kept with it, so what changed cannot be shown;"
                " the report is derived again with today's rules.")
    if record.rules_sha256 == now.sha256:
        return "The rules have not changed since it was saved: the advice is the same."
    if diff.is_empty and not diff.changed_facts:
        return (f"The rules have changed since it was saved ({versions(record, now)}),"
                " but the advice for these answers is the same.")
    return (f"The rules have changed since it was saved ({versions(record, now)});"
            " for these answers the advice changed as follows.")


def note_heading(note: Note) -> str:
    heading = f"{note.author or NOT_GIVEN}, {when(note.created_at)}"
    return heading + (f" (edited {when(note.edited_at)})" if note.edited_at else "")


def record_sections(record: Consultation, notes: Sequence[Note], now: Report, rulebase: RuleBase,
                    diff: ReportDiff | None) -> tuple[Section, ...]:
    facts = [f"Saved by {record.author or NOT_GIVEN}, {when(record.created_at)}, under rules version "
             f"{record.rules_version} ({record.rules_sha256[:12]})",
             f"Status: {STATUS_WORDS.get(record.status, record.status)} ({STATUS_HELP.get(record.status, '')})"]
    if record.updated_at:
        facts.append(f"Last updated by {record.updated_by or NOT_GIVEN}, {when(record.updated_at)}")
    if titles := topic_titles(rulebase, record.facts):
        facts.append("Topics: " + ", ".join(titles))
    summary = Entry(title="The consultation", details=tuple(facts))
    decision = Entry(title="Decision taken", body=(record.decision or "Not recorded yet.",))
    outcome = Entry(title="Outcome", body=(record.outcome or "Not recorded yet.",))
    changes = Section("since_saved", "What changed since it was saved",
                      tuple(Entry(title=line) for line in (change_lines(rulebase, diff) if diff else ())),
                      intro=change_summary(record, now, diff))
    thread = Section("notes", "Notes from supervision", tuple(
        Entry(title=note_heading(n), body=tuple(line for line in n.text.splitlines() if line.strip()),
              details=(("Before the edit: " + " ".join(n.previous_text.split()),) if n.previous_text else ()))
        for n in notes), empty="No notes yet.")
    return (Section("record", "Supervision record", (summary, decision, outcome)), changes, thread)


def record_outline(record: Consultation, notes: Sequence[Note], now: Report, rulebase: RuleBase,
                   stamp: str | None = None) -> Outline:
    """The whole record as one document: the record, what changed, the notes, then today's report."""
    report_doc = outline(now, rulebase, record.title, stamp)
    sections = record_sections(record, notes, now, rulebase, since_saved(record, now))
    return replace(report_doc, title=f"Supervision record #{record.id}: {record.title}",
                   sections=sections + report_doc.sections)
