"""The rule base in plain words: a rule explained, coverage of the Code, the vocabulary as docs.

Used by the command line (`explain`, `coverage`, `vocabulary`) and by the app's library page, so
that both say the same thing in the same words.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from .model import Rule, RuleBase
from .words import LEADS_WORDS, ROLE_WORDS, URGENCY_MEANING, URGENCY_WORDS, condition_words
from .scenarios import ScenarioResult


def explain_rule(rulebase: RuleBase, rule: Rule, fired_by: Sequence[str] = ()) -> str:
    lines = [f"Rule {rule.id}: {rule.title}",
             f"  defined in {rule.file}:{rule.line}, priority {rule.priority} (0-100, higher comes first)",
             f"  applies when {condition_words(rulebase, rule.when)}."]
    concluders = {d: [r.id for r in rulebase.rules if d in r.concludes] for d in rule.reads
                  if rulebase.facts[d].derived}
    for derived, by in concluders.items():
        lines.append(f"  '{rulebase.facts[derived].label}' is concluded by {', '.join(by)}.")
    for cite in rule.cites:
        if cite.kind == "commitment":
            c = rulebase.code.commitment(cite.number)
            lines.append(f"  cites commitment {c.number} ({c.title}): {cite.why}")
        else:
            p = rulebase.code.purpose(cite.number)
            lines.append(f"  cites purpose {p.number} ({p.title}): {cite.why}")
    for ref in rule.actions:
        action = rulebase.actions[ref.id]
        urgency = ref.urgency or action.urgency
        override = "" if ref.urgency is None else " (this rule sets the urgency)"
        override += f" ({LEADS_WORDS})" if ref.leads else ""
        lines.append(f"  recommends {ref.id}, {urgency}{override}: {action.label}"
                     + (f". Note: {ref.note}" if ref.note else ""))
    for fact_id in rule.concludes:
        lines.append(f"  concludes '{rulebase.facts[fact_id].label}' ({fact_id}), which other rules read.")
    for t in rule.tensions:
        lines.append(f"  notes a tension between {t.between[0]} and {t.between[1]}: {t.why}")
    for q in rule.questions:
        lines.append(f"  asks: {q}")
    if rule.comment:
        lines.append(f"  comment: {rule.comment}")
    for s in rule.sources:
        lines.append(f"  source: {s}")
    if fired_by:
        lines.append(f"  fires in scenarios: {', '.join(fired_by)}")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class RuleWords:
    """A rule in plain words for people (the Library): facts and actions by their labels, never by
    their ids. explain_rule is the authors' version, with ids, for the command line."""

    title: str
    applies_when: str
    cites: tuple[str, ...]  # "19. Legal and regulatory duties (governs this situation): why"
    recommends: tuple[str, ...]  # "Report to protective services… (IMMEDIATE: before anything else, today). Note"
    takes_out: tuple[str, ...]  # labels of the actions it replaces
    concludes: tuple[str, ...]  # labels of the derived facts it concludes
    tensions: tuple[str, ...]
    questions: tuple[str, ...]
    where: str  # "rules/abuse.yaml, line 12; rule abuse.child, priority 80"

    def lines(self) -> tuple[str, ...]:
        out = [f"Applies when {self.applies_when}."]
        out += [f"Cites {c}" for c in self.cites]
        out += [f"Recommends: {r}" for r in self.recommends]
        out += [f"Takes out: {t} (general advice that would mislead here)." for t in self.takes_out]
        out += [f"Concludes: {c}, which other rules read." for c in self.concludes]
        out += [f"Tension between {t}" for t in self.tensions]
        out += [f"Asks: {q}" for q in self.questions]
        return tuple(out)


def rule_words(rulebase: RuleBase, rule: Rule) -> RuleWords:
    code = rulebase.code
    cites = []
    for cite in rule.cites:
        if cite.kind == "commitment":
            item, role = code.commitment(cite.number), ("governing" if cite.governs else "also_relevant")
            cites.append(f"commitment {item.number}. {item.title} ({ROLE_WORDS[role].lower()}): {cite.why}")
        else:
            item = code.purpose(cite.number)
            cites.append(f"purpose {item.number}. {item.title}: {cite.why}")
    recommends = []
    for ref in rule.actions:
        action = rulebase.actions[ref.id]
        urgency = ref.urgency or action.urgency
        recommends.append(f"{action.label} ({URGENCY_WORDS[urgency]}: {URGENCY_MEANING[urgency]}"
                          f"{'; ' + LEADS_WORDS if ref.leads else ''})"
                          + (f". {ref.note}" if ref.note else "."))
    tensions = [f"{a}. {code.commitment(a).title} and {b}. {code.commitment(b).title}: {t.why}"
                for t in rule.tensions for a, b in [t.between]]
    return RuleWords(
        title=rule.title, applies_when=condition_words(rulebase, rule.when), cites=tuple(cites),
        recommends=tuple(recommends), takes_out=tuple(rulebase.actions[a].label for a in rule.replaces),
        concludes=tuple(rulebase.facts[f].label for f in rule.concludes), tensions=tuple(tensions),
        questions=rule.questions,
        where=f"{rule.file}, line {rule.line}; rule {rule.id}, priority {rule.priority} (higher comes first)")


@dataclass(frozen=True)
class CoverageRow:
    kind: str  # "commitment" or "purpose"
    number: int
    title: str
    rules: tuple[str, ...]
    scenarios: tuple[str, ...]


@dataclass(frozen=True)
class Coverage:
    rows: tuple[CoverageRow, ...]
    rules_never_fired: tuple[str, ...]
    scenario_count: int

    @property
    def empty_rows(self) -> tuple[CoverageRow, ...]:
        return tuple(r for r in self.rows if not r.rules or (self.scenario_count and not r.scenarios))


def coverage(rulebase: RuleBase, results: Iterable[ScenarioResult]) -> Coverage:
    results = list(results)
    rows = []
    for kind, items in (("commitment", rulebase.code.commitments), ("purpose", rulebase.code.purposes)):
        for item in items:
            citing = tuple(r.id for r in rulebase.rules
                           if any(c.kind == kind and c.number == item.number for c in r.cites))
            if kind == "commitment":
                reached = tuple(res.scenario.id for res in results if item.number in res.report.commitment_numbers)
            else:
                reached = tuple(res.scenario.id for res in results
                                if item.number in {p.number for p in res.report.purposes})
            rows.append(CoverageRow(kind, item.number, item.title, citing, reached))
    fired = {r for res in results for r in res.report.fired_rules}
    never = tuple(r.id for r in rulebase.rules if r.id not in fired)
    return Coverage(tuple(rows), never, len(results))


def coverage_text(cov: Coverage) -> str:
    lines = [f"{'':12} {'title':44} {'rules':>5} {'scenarios':>9}"]
    for row in cov.rows:
        name = f"{row.kind[0].upper()}{row.number:<3}" if row.kind == "purpose" else f"{row.number:<4}"
        label = f"{'purpose' if row.kind == 'purpose' else 'commitment'} {name}"
        flag = "  <- no rule" if not row.rules else ("  <- no scenario" if cov.scenario_count and not row.scenarios else "")
        lines.append(f"{label:12} {row.title[:44]:44} {len(row.rules):>5} {len(row.scenarios):>9}{flag}")
    lines.append("")
    if cov.rules_never_fired:
        lines.append(f"Rules that no scenario fires ({len(cov.rules_never_fired)}): "
                     + ", ".join(cov.rules_never_fired))
    else:
        lines.append(f"Every rule fires in at least one of the {cov.scenario_count} scenarios.")
    return "\n".join(lines) + "\n"


def vocabulary_markdown(rulebase: RuleBase) -> str:
    """The fact vocabulary and the action catalogue as a reference page, generated from rules/."""
    out = ["# Vocabulary", "",
           "Generated from `rules/facts.yaml` and `rules/actions.yaml` by `nacm-ethics vocabulary`;"
           " do not edit by hand.", "",
           "An unanswered fact means *not known*, which is not the same as *no*.", ""]
    for group in rulebase.groups:
        out += [f"## {group.title}", "", f"*{group.question}*", ""]
        out += ["| fact | type | question | values | asked when |", "|---|---|---|---|---|"]
        for fact in rulebase.input_facts:
            if fact.group != group.id:
                continue
            values = ", ".join(f"`{v}`" for v in fact.value_ids)
            if fact.type == "int":
                values = f"{fact.minimum}-{fact.maximum} {fact.unit}".strip()
            when = "; ".join(f"`{p}` is " + " or ".join(f"`{_plain(v)}`" for v in vs) for p, vs in fact.ask_if)
            out.append(f"| `{fact.id}` | {fact.type} | {fact.question} | {values} | {when} |")
        out.append("")
    out += ["## Derived facts", "", "Concluded by rules, never asked.", "",
            "| fact | meaning |", "|---|---|"]
    out += [f"| `{f.id}` | {f.help} |" for f in rulebase.derived_facts]
    out += ["", "## Actions", "", "| action | urgency | label |", "|---|---|---|"]
    out += [f"| `{a.id}` | {a.urgency}{' (safety)' if a.safety else ''} | {a.label} |"
            for a in rulebase.actions.values()]
    return "\n".join(out) + "\n"


def _plain(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
