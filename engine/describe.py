"""The rule base in plain words: a rule explained, coverage of the Code, the vocabulary as docs.

Used by the command line (`explain`, `coverage`, `vocabulary`) and by the app's library page, so
that both say the same thing in the same words.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from .model import Rule, RuleBase
from .words import condition_words
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
