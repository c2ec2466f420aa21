"""Training exercises: score the commitments and actions a trainee names for a scenario, and the
urgency they give each action.

The rule, stated once (the app's Train and class pages print SCORING_RULE):

- a point for each commitment the scenario says must be named (`expected.commitments.must`) and
  for each action it expects (`expected.actions`), when the trainee names it;
- when the trainee marks urgency (now / soon / routine), a second point for each expected action
  marked with the urgency the scenario expects: knowing what to do first is half of knowing what
  to do;
- extras (a commitment or action the scenario does not expect) take no points: they are shown as
  "extra (defensible?)", for discussion, since a practitioner may defend one. Many of them are
  guessing, though: more than half as many extras as expected items keeps an answer from passing.
  The scenario's `may` commitments are defensible either way and are not extras;
- an action on the scenario's must-not list fails the exercise, whatever the score, and is
  flagged first;
- passed: no must-not action, at least PASS_MARK of the points, and not too many extras. A
  scenario that expects nothing scores 1 of 1 for naming nothing.

Order feedback ("this before that") is given only when the trainee can act on it: when they named
both actions of a pair the scenario orders and marked the second more urgent than the first.

Pure: no Streamlit, no engine run. Pass the scenario's report (from Advisor.evaluate) to have the
feedback quote the rules' reasons.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from .model import URGENCIES, RuleBase
from .report import Report
from .scenarios import Scenario

SCORING_RULE = (
    "A point for each expected commitment and each expected action you name, and a second point for each"
    " expected action you mark with its expected urgency (now, soon or routine). Extras, the items the"
    " scenario does not expect, take no points: they are for discussion, since one may be defensible, but"
    " more than half as many extras as expected items is guessing and does not pass. Commitments the"
    " scenario marks as \"may\" are defensible either way. Naming an action on the scenario's must-not"
    " list fails the exercise, whatever the score."
)
PASS_MARK = 0.75  # the share of the points, with no must-not pick and not too many extras
URGENCY_CHOICES = {"immediate": "Now", "soon": "Soon", "routine": "Routine"}  # what a trainee marks


def urgency_word(urgency: str | None) -> str:
    return URGENCY_CHOICES.get(urgency or "", "not marked").lower()


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
    score: int  # points
    possible: int  # points possible
    feedback: tuple[str, ...]
    urgency_asked: bool = False
    urgency_right: tuple[str, ...] = ()  # expected actions named with the expected urgency
    urgency_wrong: tuple[tuple[str, str | None, str], ...] = ()  # (action, marked, expected)
    order_problems: tuple[tuple[str, str], ...] = ()  # (first, second) the trainee marked the wrong way round

    @property
    def expected_count(self) -> int:
        return len(self.right_commitments) + len(self.missed_commitments) + len(self.right_actions) \
            + len(self.missed_actions)

    @property
    def found_count(self) -> int:
        return len(self.right_commitments) + len(self.right_actions)

    @property
    def extra_count(self) -> int:
        return len(self.extra_commitments) + len(self.extra_actions)

    @property
    def extras_allowed(self) -> int:
        return max(1, self.expected_count // 2)

    @property
    def fraction(self) -> float:
        return self.score / self.possible if self.possible else 1.0

    @property
    def perfect(self) -> bool:
        return not (self.missed_commitments or self.missed_actions or self.extra_commitments
                    or self.extra_actions or self.urgency_wrong)

    @property
    def passed(self) -> bool:
        return not self.must_not_picked and self.fraction >= PASS_MARK and self.extra_count <= self.extras_allowed

    @property
    def summary(self) -> str:
        """The answer in one line: "3 of 5 expected, 2 extra (defensible?)"."""
        line = f"{self.found_count} of {self.expected_count} expected"
        if self.extra_count:
            line += f", {self.extra_count} extra (defensible?)"
        else:
            line += ", nothing extra"
        return line

    @property
    def urgency_summary(self) -> str | None:
        """How the urgencies went, or None when urgency was not asked or no expected action was named."""
        named = len(self.urgency_right) + len(self.urgency_wrong)
        if not self.urgency_asked or not named:
            return None
        return (f"urgency right for {len(self.urgency_right)} of the {named} expected"
                f" action{'s' if named != 1 else ''} you named")

    @property
    def verdict(self) -> str:
        if self.must_not_picked:
            return "Not passed: you named an action that must not be taken here"
        if self.perfect:
            return "Perfect: everything expected, at the right urgency, nothing extra"
        if self.passed:
            return "Passed, with something to review"
        if self.fraction >= PASS_MARK:
            return "Not passed yet: many extras look like guessing; which of them can you defend?"
        return "Not passed yet: review what you missed"


def score_exercise(scenario: Scenario, rulebase: RuleBase, commitments: Iterable[int],
                   actions: Iterable[str] | Mapping[str, str | None], report: Report | None = None) -> ExerciseResult:
    """Score a trainee's answer; `actions` is a list of action ids or, when urgency is asked, a
    mapping of action id to the urgency marked (None: not marked). Raise ValueError for a
    commitment, action or urgency that does not exist."""
    urgency_asked = isinstance(actions, Mapping)
    marked: dict[str, str | None] = dict(actions) if urgency_asked else {a: None for a in actions}
    chosen_c = sorted(set(commitments))
    chosen_a = list(marked)
    known_numbers = {c.number for c in rulebase.code.commitments}
    unknown = [str(n) for n in chosen_c if n not in known_numbers] + \
              [a for a in chosen_a if a not in rulebase.actions] + \
              [str(u) for u in marked.values() if u is not None and u not in URGENCIES]
    if unknown:
        raise ValueError("not in the Code, the action catalogue or the urgencies: " + ", ".join(unknown))
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
    urgency_right = tuple(a for a in right_a if urgency_asked and marked[a] == expected_actions[a])
    urgency_wrong = tuple((a, marked[a], expected_actions[a]) for a in right_a
                          if urgency_asked and marked[a] != expected_actions[a])

    expected_items = len(must) + len(expected_actions)
    possible = expected_items + (len(expected_actions) if urgency_asked else 0)
    extra = len(extra_c) + len(extra_a)
    if possible:
        score = len(right_c) + len(right_a) + len(urgency_right)
    else:
        score, possible = (1 if not extra else 0), 1

    def rank(a: str) -> int:
        return URGENCIES.index(marked[a]) if marked.get(a) in URGENCIES else len(URGENCIES)

    order_problems = tuple((a, b) for a, b in exp.order
                           if urgency_asked and a in marked and b in marked and rank(b) < rank(a))

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
        urgency = urgency_word(expected_actions[a])
        feedback.append(f"Missed {action(a)} ({urgency})" + (f": {why_a[a]}" if a in why_a else "."))
    for a, given, wanted in urgency_wrong:
        feedback.append(f"Urgency: {action(a)} is expected {urgency_word(wanted)}; you marked it {urgency_word(given)}.")
    for a, b in order_problems:
        feedback.append(f"Order: {action(a)} comes before {action(b)}, but you marked {action(b)} more urgent.")
    for n in extra_c:
        feedback.append(f"Extra (defensible?): {commitment(n)} is not expected here.")
    for a in extra_a:
        if a not in must_not:
            feedback.append(f"Extra (defensible?): {action(a)} is not expected here.")
    for n in optional_c:
        feedback.append(f"Defensible either way: {commitment(n)} (no effect on the score).")
    if right_c or right_a:
        feedback.append(f"Right: {len(right_c)} of {len(must)} commitments and {len(right_a)} of"
                        f" {len(expected_actions)} actions.")
    return ExerciseResult(
        scenario_id=scenario.id, right_commitments=right_c, missed_commitments=missed_c,
        extra_commitments=extra_c, optional_commitments=optional_c, right_actions=right_a,
        missed_actions=missed_a, extra_actions=extra_a, must_not_picked=must_not,
        score=score, possible=possible, feedback=tuple(feedback), urgency_asked=urgency_asked,
        urgency_right=urgency_right, urgency_wrong=urgency_wrong, order_problems=order_problems)
