"""Training exercises: score the commitments and actions a trainee names for a scenario.

The rule, stated once (the app's Train page prints SCORING_RULE):

- one point for each commitment the scenario says must be named (`expected.commitments.must`)
  and for each action it expects (`expected.actions`), when the trainee names it;
- one point off for each extra: a commitment or an action the scenario does not expect. The
  scenario's `may` commitments are defensible either way: they neither add nor take away;
- an action on the scenario's must-not list is an extra too, and it is flagged first, in every
  case: naming it fails the exercise whatever the score;
- the score is max(0, right - extra) out of the number of expected items. A scenario that
  expects nothing scores 1 out of 1 for naming nothing.

Pure: no Streamlit, no engine run. Pass the scenario's report (from Advisor.evaluate) to have the
feedback quote the rules' reasons.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .model import RuleBase
from .report import Report
from .scenarios import Scenario

SCORING_RULE = (
    "One point for each expected commitment and each expected action you name; one point off for"
    " each one you name that the scenario does not expect. Commitments the scenario marks as"
    " \"may\" neither add nor take away. Naming an action on the scenario's must-not list fails"
    " the exercise, whatever the score."
)
PASS_MARK = 0.75  # the share of the expected items, with no must-not pick


@dataclass(frozen=True)
class ExerciseResult:
    scenario_id: str
    right_commitments: tuple[int, ...]
    missed_commitments: tuple[int, ...]
    extra_commitments: tuple[int, ...]
    optional_commitments: tuple[int, ...]  # `may` commitments the trainee named: no effect
    right_actions: tuple[str, ...]
    missed_actions: tuple[str, ...]
    extra_actions: tuple[str, ...]  # includes the must-not picks
    must_not_picked: tuple[str, ...]
    score: int
    possible: int
    feedback: tuple[str, ...]

    @property
    def fraction(self) -> float:
        return self.score / self.possible if self.possible else 1.0

    @property
    def perfect(self) -> bool:
        return not (self.missed_commitments or self.missed_actions or self.extra_commitments
                    or self.extra_actions)

    @property
    def passed(self) -> bool:
        return not self.must_not_picked and self.fraction >= PASS_MARK

    @property
    def verdict(self) -> str:
        if self.must_not_picked:
            return "Not passed: you named an action that must not be taken here"
        if self.perfect:
            return "Perfect: everything expected, nothing extra"
        if self.passed:
            return "Passed, with something to review"
        return "Not passed yet: review what you missed"


def score_exercise(scenario: Scenario, rulebase: RuleBase, commitments: Iterable[int],
                   actions: Iterable[str], report: Report | None = None) -> ExerciseResult:
    """Score a trainee's answer; raise ValueError for a commitment or action that does not exist."""
    chosen_c = sorted(set(commitments))
    chosen_a = list(dict.fromkeys(actions))
    known_numbers = {c.number for c in rulebase.code.commitments}
    unknown = [str(n) for n in chosen_c if n not in known_numbers] + \
              [a for a in chosen_a if a not in rulebase.actions]
    if unknown:
        raise ValueError("not in the Code or the action catalogue: " + ", ".join(unknown))
    exp = scenario.expected
    must, may = set(exp.must_commitments), set(exp.may_commitments)
    expected_actions = dict(exp.actions)  # id -> urgency, in file order
    catalogue = list(rulebase.actions)

    right_c = tuple(n for n in chosen_c if n in must)
    missed_c = tuple(sorted(must - set(chosen_c)))
    optional_c = tuple(n for n in chosen_c if n in may)
    extra_c = tuple(n for n in chosen_c if n not in must and n not in may)
    by_catalogue = sorted(chosen_a, key=catalogue.index)
    right_a = tuple(a for a in by_catalogue if a in expected_actions)
    missed_a = tuple(a for a in expected_actions if a not in chosen_a)
    extra_a = tuple(a for a in by_catalogue if a not in expected_actions)
    must_not = tuple(a for a in extra_a if a in exp.must_not)

    possible = len(must) + len(expected_actions)
    right = len(right_c) + len(right_a)
    extra = len(extra_c) + len(extra_a)
    score = max(0, right - extra) if possible else (1 if not extra else 0)
    possible = possible or 1

    code = rulebase.code
    why_c = {c.number: c.because[0].why for c in report.commitments if c.because and c.because[0].why} \
        if report else {}
    why_a = {a.id: (a.notes[0] if a.notes else a.guidance) for a in report.actions} if report else {}

    def commitment(n: int) -> str:
        return f"commitment {n} ({code.commitment(n).title})"

    def action(a: str) -> str:
        return f"“{rulebase.actions[a].label}”"

    feedback: list[str] = []
    for a in must_not:
        feedback.append(f"Must not: {action(a)} should not be done in this situation.")
    for n in missed_c:
        feedback.append(f"Missed {commitment(n)}" + (f": {why_c[n]}" if n in why_c else "."))
    for a in missed_a:
        urgency = expected_actions[a]
        feedback.append(f"Missed {action(a)} ({urgency})" + (f": {why_a[a]}" if a in why_a else "."))
    for n in extra_c:
        feedback.append(f"Not expected here: {commitment(n)}.")
    for a in extra_a:
        if a not in must_not:
            feedback.append(f"Not expected here: {action(a)}.")
    for n in optional_c:
        feedback.append(f"Defensible either way: {commitment(n)} (no effect on the score).")
    if right_c or right_a:
        feedback.append(f"Right: {len(right_c)} of {len(must)} commitments and {len(right_a)} of"
                        f" {len(expected_actions)} actions.")
    order = [f"{action(a)} before {action(b)}" for a, b in exp.order]
    if order:
        feedback.append("Order matters here: " + "; ".join(order) + ".")
    return ExerciseResult(
        scenario_id=scenario.id, right_commitments=right_c, missed_commitments=missed_c,
        extra_commitments=extra_c, optional_commitments=optional_c, right_actions=right_a,
        missed_actions=missed_a, extra_actions=extra_a, must_not_picked=must_not,
        score=score, possible=possible, feedback=tuple(feedback))
