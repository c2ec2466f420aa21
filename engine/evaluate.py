"""Step 4 of 5: check a scenario's facts, run them through the compiled rules, build the report.

`Advisor` is the object the CLI and the app hold: compiled once, evaluated many times, safe to
share between threads, and keeping nothing from one evaluation to the next.
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Mapping

from .compile import Baseline, Firing, Program
from .errors import EngineFailure
from .facts import CheckedFacts, check_facts, fact_applies
from .model import URGENCIES, AllOf, AnyOf, Atom, Fact, Not, RuleBase
from .report import (
    Change, OpenQuestion, Report, action_urgencies, build_report, commitment_numbers, replaced_actions,
)


MAX_REBUILDS = 3  # each retired instance stays in memory (freeing it could corrupt the heap)


class Advisor:
    """A compiled rule base: `evaluate(facts)` gives a Report."""

    def __init__(self, rulebase: RuleBase):
        self.rulebase = rulebase
        self._program = Program(rulebase)
        self._recompile_lock = threading.Lock()
        self._rebuilds = 0
        self._probes: dict[str, list[Any]] = {}

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
        base = self._engine(lambda program: program.baseline(checked.values))
        firing = base.firing
        open_questions = self._open_questions(checked, base) if explore else ()
        return build_report(self.rulebase, checked.values, checked.implied, firing.fired,
                            firing.derived, open_questions)

    def _run(self, values: Mapping[str, Any], memo: dict | None = None) -> Firing:
        return self._engine(lambda program: program.run(values, memo if program is self._program else None))

    def _probe(self, base: Baseline, fact_id: str, value: Any, memo: dict) -> Firing:
        return self._engine(lambda program: program.probe(base, fact_id, value, memo))

    def _engine(self, call: Callable[[Program], Any]) -> Any:
        """Call the compiled program; if the engine poisoned it (see compile.py), build a fresh one
        and try once more (a probe's base and memo belong to the retired one, which it then knows)."""
        program = self._program
        try:
            return call(program)
        except EngineFailure:
            if not program.broken:
                raise
            with self._recompile_lock:
                if self._program is program:
                    if self._rebuilds >= MAX_REBUILDS:
                        raise EngineFailure("the rules engine failed repeatedly; restart the program"
                                            f" (last error: {program.broken})") from None
                    self._rebuilds += 1
                    self._program = Program(self.rulebase)
            return call(self._program)

    # --- what else to find out ------------------------------------------------------------

    def _open_questions(self, checked: CheckedFacts, base: Baseline | Firing,
                        prefilter: bool = True) -> tuple[OpenQuestion, ...]:
        """Unanswered facts that the rules already engaged with would read, and what each answer adds.

        Only rules that read at least one answered fact (or a concluded derived fact) are
        "engaged", so the list stays on the situation at hand instead of every possible dilemma.

        Each candidate answer is first put to the compiled alternatives in plain Python (the
        program's Matcher, which decides again only the rules that read what the answer
        changes); an answer that would add nothing to the report is not put to the engine. Every
        answer that would is decided by the engine, which must fire exactly the rules the Matcher
        foresaw: anything else is a defect, and no report is given rather than a wrong one.
        Each answer put to the engine asks again only the shards that read what it changes
        (Program.probe). `prefilter=False` runs the whole engine for every candidate answer, as
        before (tests compare the two).
        """
        firing = base.firing if isinstance(base, Baseline) else base
        prefilter = prefilter and isinstance(base, Baseline)
        rb = self.rulebase
        values = checked.values
        live = set(values) | {d for d, v in firing.derived.items() if v}
        engaged_reads = {f for r in rb.rules if not live.isdisjoint(r.reads) for f in r.reads}
        candidates = [f for f in rb.input_facts
                      if f.id not in values and f.id in engaged_reads and fact_applies(f, values)]
        memo: dict = {}  # shards whose fields a probe leaves unchanged are not asked again
        base_commitments = commitment_numbers(rb, firing.fired)
        base_actions = action_urgencies(rb, firing.fired)
        base_replaced = replaced_actions(rb, firing.fired)
        base_first: dict[str, tuple] = {}  # each action: where it is first recommended (rule, place in it)
        for rule_id in firing.fired:
            for place, ref in enumerate(rb.rule(rule_id).actions):
                if ref.id not in base_replaced:
                    base_first.setdefault(ref.id, (rb.position(rule_id), place))
        matcher = self._program.matcher
        state = matcher.state(values, firing)
        found: list[tuple[tuple, OpenQuestion]] = []
        for fact in candidates:
            changes: list[Change] = []
            seen: set[tuple] = set()
            most_urgent = len(URGENCIES)
            for value in self._probe_values(fact):
                if prefilter:  # foreseen in plain Python; put to the engine only if it adds something
                    foreseen = matcher.fired_with(state, fact.id, value)
                    if foreseen == state[2]:
                        continue  # the same rules fire: nothing to add
                    fired = tuple(matcher.rule_ids[i] for i in sorted(foreseen))
                    more = [matcher.rule_ids[i] for i in sorted(foreseen - state[2])]
                    if state[2] <= foreseen and not any(rb.rule(r).replaces for r in more):
                        # only rules added, none taking an action out: what they add is theirs alone
                        added_c, added_a, raised, actions = _additions_of(rb, more, base_commitments, base_actions,
                                                                          base_replaced, base_first)
                    else:
                        added_c, added_a, raised, actions = _additions(rb, fired, base_commitments, base_actions)
                    if not (added_c or added_a or raised) or (added_c, added_a, raised) in seen:
                        continue  # adds nothing, or nothing another value has not already shown
                    trial = self._probe(base, fact.id, value, memo)
                    if trial.fired != fired:
                        raise EngineFailure(f"the rules engine and the compiled rules disagree about the answer"
                                            f" {fact.id}: the engine fired {len(trial.fired)} rules, the compiled"
                                            f" rules {len(fired)}")
                else:
                    trial = self._run({**values, fact.id: value}, memo)
                    added_c, added_a, raised, actions = _additions(rb, trial.fired, base_commitments, base_actions)
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
        """The answers worth trying for an unanswered fact (each value; for a number, either side
        of every threshold the rules compare it with), worked out once per fact."""
        cached = self._probes.get(fact.id)
        if cached is None:
            cached = self._probes[fact.id] = self._probe_values_of(fact)
        return cached

    def _probe_values_of(self, fact: Fact) -> list[Any]:
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


def _additions(rb: RuleBase, fired: tuple[str, ...], base_commitments: set, base_actions: Mapping) -> tuple:
    """What these rules firing would add to a report: commitments, actions, actions made more
    urgent (and every action's urgency)."""
    actions = action_urgencies(rb, fired)
    added_c = tuple(sorted(commitment_numbers(rb, fired) - base_commitments))
    added_a = tuple(a for a in actions if a not in base_actions)
    raised = tuple(a for a in actions if a in base_actions
                   and URGENCIES.index(actions[a]) < URGENCIES.index(base_actions[a]))
    return added_c, added_a, raised, actions


def _additions_of(rb: RuleBase, more: list[str], base_commitments: set, base_actions: Mapping,
                  base_replaced: set, base_first: Mapping[str, tuple]) -> tuple:
    """_additions when the only change is that the rules `more` fire too and none of them takes an
    action out: their commitments and actions against the base's (an action a base rule takes
    out stays out), without working out the whole report's again. Actions are listed in the order
    _additions lists them: where each is first recommended (the rule in rule-base order, then its
    place among that rule's actions)."""
    added_c = tuple(sorted(commitment_numbers(rb, more) - base_commitments))
    actions = dict(base_actions)
    first = dict(base_first)
    for rule_id in more:
        for place, ref in enumerate(rb.rule(rule_id).actions):
            if ref.id in base_replaced:
                continue
            where = (rb.position(rule_id), place)
            first[ref.id] = min(first.get(ref.id, where), where)
            urgency = ref.urgency or rb.actions[ref.id].urgency
            if ref.id not in actions or URGENCIES.index(urgency) < URGENCIES.index(actions[ref.id]):
                actions[ref.id] = urgency
    order = sorted(actions, key=first.__getitem__)
    added_a = tuple(a for a in order if a not in base_actions)
    raised = tuple(a for a in order if a in base_actions
                   and URGENCIES.index(actions[a]) < URGENCIES.index(base_actions[a]))
    return added_c, added_a, raised, {a: actions[a] for a in order}


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
