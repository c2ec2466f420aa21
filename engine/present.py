"""The report laid out once, in words: every output (app, text, Markdown, PDF) loops over this.

A report is data (report.py); how it reads is decided here, once: the order of sections, what
comes first, every label, value, urgency word and "why" line. Renderers only choose fonts,
colours and markup, so the same report says the same thing on every screen and on paper.

What comes first is what comes first in practice: the headline names only the immediate safety
steps ("Act now"), then the actions most urgent first, then the commitments that govern the
situation, with those also relevant folded after them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .words import condition_words
from .model import RuleBase
from .report import Because, Change, Report
from .whatif import Difference, FactChange, WhatIf
from .words import ROLE_WORDS, URGENCY_MEANING, URGENCY_WORDS, value_words

NO_RULE_MATCHED = "No rule matched these facts. Consider consulting your supervisor if you are unsure."


@dataclass(frozen=True)
class Reason:
    """One rule's part in an item, in words."""

    rule: str
    title: str
    facts: str  # "Suspected abuse or neglect: yes; Who may be harmed: A child (under 18)"
    why: str
    applies_when: str  # the rule's condition in plain words

    def line(self, with_why: bool = True) -> str:
        return (f"because rule {self.rule} ({self.facts or 'no facts'})"
                + (f": {self.why}" if self.why and with_why else ""))


@dataclass(frozen=True)
class Entry:
    """One item of a section: an action, a commitment, a tension, a question, a fact."""

    title: str
    tag: str = ""  # "IMMEDIATE", "Commitment 19", "Tension"
    tone: str = "info"  # immediate | soon | routine | governing | also_relevant | tension | info
    tag_meaning: str = ""  # "before anything else, today"
    quote: str = ""  # the Code's exact words
    body: tuple[str, ...] = ()  # guidance, an explanation
    notes: tuple[str, ...] = ()  # what the rules add for this situation
    reasons: tuple[Reason, ...] = ()
    reasons_with_why: bool = True
    details: tuple[str, ...] = ()  # sub-points: what each answer would change
    safety: bool = False  # needs no one's approval, never delayed


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    entries: tuple[Entry, ...]
    empty: str = ""  # said when there are no entries
    intro: str = ""
    numbered: bool = False
    folded: bool = False  # shown collapsed where the medium allows


@dataclass(frozen=True)
class Outline:
    title: str
    meta: str  # rule-base version and stamp
    headline: str
    urgent: bool  # the headline calls for immediate action
    disclaimer: str
    sections: tuple[Section, ...]
    fired: str

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


SAFETY_NOTE = "Safety step: needs no one's approval; never delay it."


def headline(report: Report) -> str:
    """One line that says what matters most: only immediate safety steps are "act now"."""
    safety_now = [a.label for a in report.actions if a.urgency == "immediate" and a.safety]
    if safety_now:
        return "Act now: " + "; ".join(safety_now) + "."
    if report.actions:
        return f"First step: {report.actions[0].label}."
    if report.commitments:
        return "No action is recommended. Commitments at stake: " + \
            ", ".join(str(c.number) for c in report.commitments) + "."
    return NO_RULE_MATCHED


def is_urgent(report: Report) -> bool:
    return any(a.urgency == "immediate" for a in report.actions)


def reasons(rulebase: RuleBase, items: tuple[Because, ...], fired: tuple[str, ...] = ()) -> tuple[Reason, ...]:
    return tuple(Reason(b.rule, b.title, facts_words(rulebase, b.facts, fired), b.why,
                        condition_words(rulebase, rulebase.rule(b.rule).when)) for b in items)


def facts_words(rulebase: RuleBase, facts: Any, fired: tuple[str, ...] = ()) -> str:
    """The facts behind a reason; a concluded fact names the rules that concluded it, so every
    step of a chain is explained."""
    def words(fact_id: str, value: Any) -> str:
        fact = rulebase.facts[fact_id]
        text = f"{fact.label}: {value_words(fact, value)}"
        if fact.derived and value:
            by = [r for r in fired if fact_id in rulebase.rule(r).concludes]
            if by:
                text += " (by rule " + ", ".join(by) + ")"
        return text
    return "; ".join(words(k, v) for k, v in facts.items())


def change_words(rulebase: RuleBase, change: Change) -> str:
    """What one answer would change, in labels: 'adds “Call emergency services…”'."""
    parts = []
    if change.adds_actions:
        parts.append("adds " + "; ".join(f"“{rulebase.actions[a].label}”" for a in change.adds_actions))
    if change.raises_urgency:
        parts.append("makes more urgent " + "; ".join(f"“{rulebase.actions[a].label}”"
                                                       for a in change.raises_urgency))
    if change.adds_commitments:
        parts.append("brings in " + ", ".join(
            f"commitment {n} ({rulebase.code.commitment(n).title})" for n in change.adds_commitments))
    return "; ".join(parts)


def unexplored_areas(rulebase: RuleBase, report: Report) -> tuple[str, ...]:
    """Intake areas with no answer at all: "what else to find out" can say nothing about them."""
    answered = {rulebase.facts[f].group for f in report.facts}
    return tuple(g.title for g in rulebase.groups if g.id not in answered)


def _actions(rulebase: RuleBase, report: Report) -> Section:
    entries = tuple(Entry(
        title=a.label, tag=URGENCY_WORDS[a.urgency], tone=a.urgency, tag_meaning=URGENCY_MEANING[a.urgency],
        body=(a.guidance,), notes=a.notes, reasons=reasons(rulebase, a.because, report.fired_rules), reasons_with_why=False,
        safety=a.safety) for a in report.actions)
    return Section("actions", "What to do, most urgent first", entries,
                   empty="No action is recommended by the rules for these facts.", numbered=True)


def _commitments(rulebase: RuleBase, items: tuple, role: str, fired: tuple[str, ...]) -> tuple[Entry, ...]:
    return tuple(Entry(
        title=f"{c.number}. {c.title} ({c.section})", tag=f"Commitment {c.number}", tone=role,
        tag_meaning=ROLE_WORDS[role], quote=c.text, reasons=reasons(rulebase, c.because, fired)) for c in items)


def _to_find_out(rulebase: RuleBase, report: Report) -> Section:
    entries = tuple(Entry(
        title=q.question,
        details=tuple(f"If {value_words(rulebase.facts[q.fact], c.value)}: {change_words(rulebase, c)}"
                      for c in q.changes)) for q in report.to_find_out)
    unexplored = unexplored_areas(rulebase, report)
    intro = ("Not explored yet, so not considered here: " + "; ".join(unexplored) + "."
             if unexplored else "")
    empty = ("No single unanswered question in the areas you answered would change this advice."
             if report.facts else "Nothing has been answered yet, so nothing can be said about what would change.")
    return Section("to_find_out", "What else to find out", entries, empty=empty, intro=intro)


def outline(report: Report, rulebase: RuleBase, title: str | None = None,
            stamp: str | None = None) -> Outline:
    """The whole report, in order and in words."""
    code = rulebase.code
    meta = f"NACM Code of Ethics decision support, rules version {report.version} ({report.sha256[:12]})"
    if stamp:
        meta += f", {stamp}"
    sections = [_actions(rulebase, report)]
    if report.replaced:
        sections.append(Section("replaced", "Not recommended in this situation", tuple(Entry(
            title=r.label, body=("General advice would suggest this; here a more specific rule takes it out.",),
            reasons=reasons(rulebase, r.because, report.fired_rules), reasons_with_why=False) for r in report.replaced),
            folded=True))
    sections += [
        Section("governing", "Commitments that govern this situation",
                _commitments(rulebase, report.governing, "governing", report.fired_rules),
                empty="None of the Code's commitments was reached by the rules for these facts."
                if not report.commitments else "No commitment governs on its own; see those also relevant."),
    ]
    if report.also_relevant:
        sections.append(Section("also_relevant", "Also relevant",
                                _commitments(rulebase, report.also_relevant, "also_relevant", report.fired_rules), folded=True))
    if report.tensions:
        sections.append(Section("tensions", "What pulls against what", tuple(Entry(
            title=f"{a}. {code.commitment(a).title} and {b}. {code.commitment(b).title}", tag="Tension",
            tone="tension", body=(t.explanation,), reasons=reasons(rulebase, t.because, report.fired_rules), reasons_with_why=False)
            for t in report.tensions for a, b in [t.between])))
    if report.purposes:
        sections.append(Section("purposes", "Purposes of case management served", tuple(
            Entry(title=f"{p.number}. {p.title}", quote=p.text) for p in report.purposes), folded=True))
    sections.append(Section("questions", "Questions for reflection",
                            tuple(Entry(title=q) for q in report.questions),
                            empty="The rules raise no particular question here; your supervisor is always"
                                  " there to ask."))
    sections.append(_to_find_out(rulebase, report))
    sections.append(Section("facts", "Facts as understood", tuple(Entry(
        title=f"{rulebase.facts[f].label}: {value_words(rulebase.facts[f], v)}"
        + (" (implied by a follow-up answer)" if f in report.implied_facts else ""))
        for f, v in report.facts.items()), empty="(none given)"))
    return Outline(title=title or "Ethics consultation report", meta=meta, headline=headline(report),
                   urgent=is_urgent(report), disclaimer=report.disclaimer, sections=tuple(sections),
                   fired="Rules that fired: " + (", ".join(report.fired_rules) or "none"))


# --- what if: each difference, the change that caused it, the rules behind it ----------------------

@dataclass(frozen=True)
class ExplainedDifference:
    """One difference of a what-if, in words."""

    tag: str  # "ADDED", "REMOVED", "MORE URGENT", "LESS URGENT"
    tone: str  # added | removed | more | less
    kind: str  # action | commitment | tension
    what: str  # "“Call emergency services…”", "19. Title", "between 19. Title and 18. Title"
    urgency: str  # "SOON → IMMEDIATE" for a change of urgency, else ""
    cause: str  # "Because Imminent danger: no → yes." / "No single change gives it: …"
    rules: tuple[str, ...]  # one sentence per rule behind it, with the facts it read
    rule_names: tuple[str, ...]  # "safety.imminent_danger (Someone may be seriously harmed soon)"
    rules_how: str  # "now asks for it", "asked for it before and no longer applies", …

    def line(self) -> str:
        """The difference as one plain line, its rules by name (the cause is said above it)."""
        head = f"{self.tag}: {self.kind} {self.what}" + (f" ({self.urgency})" if self.urgency else "")
        before = " before" if self.tone in ("removed", "less") and "takes it out" not in self.rules_how else ""
        rules = (f" Rule{'s' if len(self.rule_names) > 1 else ''} behind it{before}: {'; '.join(self.rule_names)}."
                 if self.rule_names else "")
        return f"{head}.{rules}"


TAGS = {"added": "ADDED", "removed": "REMOVED", "more": "MORE URGENT", "less": "LESS URGENT"}


def fact_change_words(rulebase: RuleBase, change: FactChange) -> str:
    """'Imminent danger: no → yes', with the follow-up answers that changed with it."""
    def one(fact_id: str, before: Any, after: Any) -> str:
        fact = rulebase.facts[fact_id]
        return f"{fact.label}: {value_words(fact, before)} → {value_words(fact, after)}"

    first, *follow = change.changes
    text = one(*first)
    if follow:
        text += " (with the follow-up answer" + ("s " if len(follow) > 1 else " ") + "; ".join(one(*c) for c in follow) + ")"
    return text


def _difference_what(rulebase: RuleBase, d: Difference) -> tuple[str, str]:
    code = rulebase.code
    if d.kind.endswith("action") or d.kind.endswith("urgent"):
        action = rulebase.actions.get(d.item)
        return "action", f"“{action.label if action else d.item}”"
    if d.kind.endswith("commitment"):
        return "commitment", f"{d.item}. {code.commitment(d.item).title}"
    a, b = d.item
    return "tension", f"between {a}. {code.commitment(a).title} and {b}. {code.commitment(b).title}"


def _known(rulebase: RuleBase, facts: Any) -> dict:
    """The facts a rule read that were known (or concluded): what it stood on."""
    return {f: v for f, v in facts.items() if (v if rulebase.facts[f].derived else v is not None)}


def explained_difference(rulebase: RuleBase, d: Difference) -> ExplainedDifference:
    tone = d.kind.split("_")[0]
    kind, what = _difference_what(rulebase, d)
    urgency = f"{URGENCY_WORDS[d.before]} → {URGENCY_WORDS[d.after]}" if d.before and d.after else ""
    if len(d.caused_by) == 1:
        cause = f"Because {fact_change_words(rulebase, d.caused_by[0])}."
    elif d.caused_by:
        cause = ("Each of these changes alone gives it: "
                 + "; ".join(fact_change_words(rulebase, c) for c in d.caused_by) + ".")
    else:
        cause = "No single change gives it: only the changes together do."
    verbs = {"action": ("now asks for it", "asked for it before and no longer applies"),
             "commitment": ("now cites it", "cited it before and no longer applies"),
             "tension": ("now notes it", "noted it before and no longer applies")}[kind]
    how = verbs[tone not in ("added", "more")]
    behind = d.because
    if d.taken_out_by:
        behind, how = d.taken_out_by, "takes it out in this situation"

    def sentence(b: Because) -> str:
        facts = facts_words(rulebase, _known(rulebase, b.facts))
        return f"Rule {b.rule} ({b.title}) {how}" + (f", on {facts}" if facts else "") + "."

    return ExplainedDifference(TAGS[tone], tone, kind, what, urgency, cause, tuple(sentence(b) for b in behind),
                               tuple(f"{b.rule} ({b.title})" for b in behind), how)


def what_if_words(rulebase: RuleBase, whatif: WhatIf) -> tuple[ExplainedDifference, ...]:
    """Every difference of a what-if in words, most consequential first."""
    return tuple(explained_difference(rulebase, d) for d in whatif.differences)


def what_if_groups(rulebase: RuleBase, whatif: WhatIf) -> tuple[tuple[str, tuple[ExplainedDifference, ...]], ...]:
    """The differences under the change that causes them ("Because Imminent danger: no → yes."),
    in the order the changes are first met; what only the changes together give comes last."""
    groups: dict[str, list[ExplainedDifference]] = {}
    for explained in what_if_words(rulebase, whatif):
        groups.setdefault(explained.cause, []).append(explained)
    together = [c for c in groups if c.startswith("No single change")]
    ordered = [c for c in groups if c not in together] + together
    return tuple((cause, tuple(groups[cause])) for cause in ordered)


def what_if_text(rulebase: RuleBase, whatif: WhatIf, origin: str = "") -> str:
    """A what-if as plain text, to keep as a note of the consultation it started from."""
    lines = ["What if" + (f" (from {origin})" if origin else "") + ": "
             + ("; ".join(fact_change_words(rulebase, c) for c in whatif.changes) or "nothing changed") + "."]
    groups = what_if_groups(rulebase, whatif)
    if not groups:
        lines.append("These changes make no difference to the advice.")
    for cause, items in groups:
        lines.append(cause)
        lines += [f"- {e.line()}" for e in items]
    return "\n".join(lines)
