"""Step 4 of 5: check a scenario's facts, run them through the compiled rules, build the report.

`Advisor` is the object the CLI and the app hold: compiled once, evaluated many times, safe to
share between threads, and keeping nothing from one evaluation to the next.
"""
from __future__ import annotations

import threading
from typing import Any, Mapping

from .compile import Firing, Program
from .errors import EngineFailure
from .facts import CheckedFacts, check_facts, fact_applies
from .model import URGENCIES, AllOf, AnyOf, Atom, Fact, Not, RuleBase
from .report import (
    Change, OpenQuestion, Report, action_urgencies, build_report, commitment_numbers,
)


MAX_REBUILDS = 3  # each retired instance stays in memory (freeing it could corrupt the heap)


class Advisor:
    """A compiled rule base: `evaluate(facts)` gives a Report."""

    def __init__(self, rulebase: RuleBase):
        self.rulebase = rulebase
        self._program = Program(rulebase)
        self._recompile_lock = threading.Lock()
        self._rebuilds = 0

    @property
    def version(self) -> str:
        return self.rulebase.version

    @property
    def sha256(self) -> str:
        return self.rulebase.sha256

    def check(self, facts: Any, source: str | None = None, location: tuple = ()) -> CheckedFacts:
        return check_facts(self.rulebase, facts, source, location)

    def evaluate(self, facts: Any, *, explore: bool = True, source: str | None = None,
                 location: tuple = ()) -> Report:
        """The report for one scenario. explore=False skips "what else to find out"."""
        checked = self.check(facts, source, location)
        firing = self._run(checked.values)
        open_questions = self._open_questions(checked, firing) if explore else ()
        return build_report(self.rulebase, checked.values, checked.implied, firing.fired,
                            firing.derived, open_questions)

    def _run(self, values: Mapping[str, Any], memo: dict | None = None) -> Firing:
        program = self._program
        try:
            return program.run(values, memo)
        except EngineFailure:
            if not program.broken:
                raise
            # The instance is poisoned (see compile.py); build a fresh one and try once more.
            with self._recompile_lock:
                if self._program is program:
                    if self._rebuilds >= MAX_REBUILDS:
                        raise EngineFailure("the rules engine failed repeatedly; restart the program"
                                            f" (last error: {program.broken})") from None
                    self._rebuilds += 1
                    self._program = Program(self.rulebase)
            return self._program.run(values)  # the memo belongs to the retired instance

    # --- what else to find out ------------------------------------------------------------

    def _open_questions(self, checked: CheckedFacts, firing: Firing) -> tuple[OpenQuestion, ...]:
        """Unanswered facts that the rules already engaged with would read, and what each answer adds.

        Only rules that read at least one answered fact (or a concluded derived fact) are
        "engaged", so the list stays on the situation at hand instead of every possible dilemma.
        """
        rb = self.rulebase
        values = checked.values
        live = set(values) | {d for d, v in firing.derived.items() if v}
        engaged = [r for r in rb.rules if live & set(r.reads)]
        candidates = [f for f in rb.input_facts
                      if f.id not in values and fact_applies(f, values)
                      and any(f.id in r.reads for r in engaged)]
        memo: dict = {}  # shards whose fields a probe leaves unchanged are not asked again
        base_commitments = commitment_numbers(rb, firing.fired)
        base_actions = action_urgencies(rb, firing.fired)
        found: list[tuple[tuple, OpenQuestion]] = []
        for fact in candidates:
            changes: list[Change] = []
            seen: set[tuple] = set()
            most_urgent = len(URGENCIES)
            for value in self._probe_values(fact):
                trial = self._run({**values, fact.id: value}, memo)
                commitments = commitment_numbers(rb, trial.fired)
                actions = action_urgencies(rb, trial.fired)
                added_c = tuple(sorted(commitments - base_commitments))
                added_a = tuple(a for a in actions if a not in base_actions)
                raised = tuple(a for a in actions if a in base_actions
                               and URGENCIES.index(actions[a]) < URGENCIES.index(base_actions[a]))
                key = (added_c, added_a, raised)
                if any(key) and key not in seen:
                    seen.add(key)
                    label = (fact.value_label(value[0]) if fact.type == "list"
                             else fact.value_label(value) if fact.type == "enum"
                             else ("yes" if value else "no") if fact.type == "bool"
                             else f"{value} {fact.unit}".strip())
                    changes.append(Change(value, label, added_c, added_a, raised))
                    most_urgent = min([most_urgent, *(URGENCIES.index(actions[a]) for a in added_a + raised)])
            if changes:
                rank = (most_urgent, -sum(len(c.adds_commitments) + len(c.adds_actions) for c in changes))
                found.append((rank, OpenQuestion(fact.id, fact.label, fact.question, tuple(changes))))
        order = {f.id: i for i, f in enumerate(rb.input_facts)}
        found.sort(key=lambda item: (item[0], order[item[1].fact]))
        return tuple(q for _, q in found)

    def _probe_values(self, fact: Fact) -> list[Any]:
        if fact.type == "bool":
            return [True, False]
        if fact.type == "enum":
            return list(fact.value_ids)
        if fact.type == "list":
            return [[v] for v in fact.value_ids]
        thresholds = sorted({a for r in self.rulebase.rules for a in _thresholds(r.when, fact.id)})
        points = sorted({t + d for t in thresholds for d in (-1, 0, 1)})
        return [p for p in points if (fact.minimum is None or p >= fact.minimum)
                and (fact.maximum is None or p <= fact.maximum)]


def _thresholds(cond: Any, fact_id: str) -> list[int]:
    if isinstance(cond, Atom):
        if cond.fact != fact_id or cond.op in ("known", "unknown"):
            return []
        return list(cond.value) if isinstance(cond.value, tuple) else [cond.value]
    if isinstance(cond, Not):
        return _thresholds(cond.item, fact_id)
    if isinstance(cond, (AllOf, AnyOf)):
        return [t for item in cond.items for t in _thresholds(item, fact_id)]
    return []
