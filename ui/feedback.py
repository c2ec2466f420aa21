"""Feedback on the advice, summarised for trainers and supervisors: per rule, how often the actions it
recommended were judged not applicable, and why; and both as CSV.

A judgement names the rules that recommended the action when it was made, so a rule is credited
with the judgements on its own advice even after the rule base changes.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Iterable, Sequence

from engine.model import RuleBase

from .record import when
from .storage import Feedback

JUDGEMENT_WORDS = {"planned": "Planned", "done": "Done", "not_applicable": "Not applicable"}
GONE = "(no longer in the rules)"


@dataclass(frozen=True)
class RuleFeedback:
    rule: str
    title: str
    judged: int  # judgements on actions this rule recommended
    not_applicable: int
    reasons: tuple[tuple[str, str], ...]  # (action label, reason), oldest first

    @property
    def share(self) -> float:
        return self.not_applicable / self.judged if self.judged else 0.0


def rule_title(rulebase: RuleBase, rule_id: str) -> str:
    try:
        return rulebase.rule(rule_id).title
    except (KeyError, LookupError):
        return GONE


def action_label(rulebase: RuleBase, action_id: str) -> str:
    return rulebase.actions[action_id].label if action_id in rulebase.actions else action_id


def by_rule(feedback: Iterable[Feedback], rulebase: RuleBase) -> list[RuleFeedback]:
    """Every rule some judgement names, the most often judged not applicable first."""
    judged: dict[str, int] = {}
    not_applicable: dict[str, int] = {}
    reasons: dict[str, list[tuple[str, str]]] = {}
    for item in feedback:
        for rule in item.rules:
            judged[rule] = judged.get(rule, 0) + 1
            if item.judgement == "not_applicable":
                not_applicable[rule] = not_applicable.get(rule, 0) + 1
                reasons.setdefault(rule, []).append((action_label(rulebase, item.action_id), item.reason))
    rows = [RuleFeedback(rule, rule_title(rulebase, rule), judged[rule], not_applicable.get(rule, 0),
                         tuple(reasons.get(rule, ()))) for rule in judged]
    return sorted(rows, key=lambda r: (-r.not_applicable, -r.share, r.rule))


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: typed text starting with = + - @ is never a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return out.getvalue()


def judgements_csv(feedback: Iterable[Feedback], rulebase: RuleBase) -> str:
    """One row per judgement."""
    return csv_text(["consultation", "action", "action_label", "judgement", "reason", "rules", "by", "when"], (
        (f.consultation_id or "", f.action_id, action_label(rulebase, f.action_id), f.judgement, f.reason,
         " ".join(f.rules), f.author, when(f.updated_at)) for f in feedback))


def rules_csv(summary: Iterable[RuleFeedback]) -> str:
    """One row per rule: how often its advice was judged, and judged not applicable, and why."""
    return csv_text(["rule", "title", "judged", "not_applicable", "share_not_applicable", "reasons"], (
        (r.rule, r.title, r.judged, r.not_applicable, f"{r.share:.2f}",
         " | ".join(f"{action}: {reason}" for action, reason in r.reasons)) for r in summary))
