"""Step 4b of 5: "what else to find out": the unanswered questions whose answer would change the advice.

The report itself always comes from durable-rules (evaluate.py). For each unanswered question the
rules already engaged with would read, every answer worth trying is decided by the compiled
alternatives in plain Python (compile.Matcher: the alternatives durable-rules was given, with its
semantics, deciding again only the rules that read what the answer changes). What the firing
rules would add is worked out from an index built once per rule base. That the Matcher and the
engine agree is proved by differential tests (tests/test_explore_prefilter.py) instead of being
paid for in every evaluation; `Explorer.thorough` is the reference they compare with, putting
every answer to the engine and building the additions with the report's own functions.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from .compile import Baseline, Firing, Matcher
from .errors import EngineFailure
from .facts import fact_applies
from .model import URGENCIES, AllOf, AnyOf, Atom, Fact, Not, RuleBase
from .report import Change, OpenQuestion, action_urgencies, commitment_numbers, replaced_actions


@dataclass(frozen=True)
class RuleEffect:
    """What one rule adds to a report when it fires, worked out once."""

    commitments: frozenset[int]
    actions: tuple[tuple[str, int, tuple[int, int]], ...]  # (action, urgency index, (rule position, place))
    replaces: frozenset[str]


@dataclass(frozen=True)
class Additions:
    """What an answer would add: commitments, actions, actions made more urgent, and the urgency
    index of each action it names (to rank the questions)."""

    commitments: tuple[int, ...]
    actions: tuple[str, ...]
    raised: tuple[str, ...]
    urgency: Mapping[str, int]

    @property
    def key(self) -> tuple:
        return self.commitments, self.actions, self.raised


Decide = Callable[[str, Any], Iterable[str]]  # (fact, value) -> the rules that would fire, in rule-base order


class Explorer:
    """The index "what else to find out" reads: per rule what it adds, per fact what the rules that
    read it read too, per fact the answers worth trying. Built once per rule base; keeps nothing
    from one evaluation to the next."""

    def __init__(self, rulebase: RuleBase):
        self.rulebase = rulebase
        self._effects = tuple(_effect_of(rulebase, i, rule) for i, rule in enumerate(rulebase.rules))
        reads_with: dict[str, set[str]] = {}
        for rule in rulebase.rules:
            for fact_id in rule.reads:
                reads_with.setdefault(fact_id, set()).update(rule.reads)
        self._reads_with = {fact_id: frozenset(reads) for fact_id, reads in reads_with.items()}
        self._order = {f.id: i for i, f in enumerate(rulebase.input_facts)}
        self._values: dict[str, tuple] = {}  # per fact, the answers worth trying (worked out when first needed)

    def candidates(self, values: Mapping[str, Any], derived: Mapping[str, bool]) -> list[Fact]:
        """Unanswered facts read by a rule that reads an answered fact or a concluded derived fact
        (an "engaged" rule), so the list stays on the situation at hand."""
        engaged: set[str] = set()
        for fact_id in (*values, *(d for d, v in derived.items() if v)):
            engaged |= self._reads_with.get(fact_id, frozenset())
        return [f for f in self.rulebase.input_facts
                if f.id in engaged and f.id not in values and fact_applies(f, values)]

    def foreseen(self, values: Mapping[str, Any], firing: Firing, matcher: Matcher,
                 confirm: Decide | None = None, base: Baseline | None = None) -> tuple[OpenQuestion, ...]:
        """The questions, each answer decided by the Matcher. `confirm`, if given, is asked the
        rules that fire for each answer that changes the advice, and must agree. `base`: the
        engine's run of these facts, if at hand (its encoding is reused)."""
        state = matcher.state(values, firing, base)
        before = state[2]  # the rules firing now, as the Matcher's indices
        base_commitments = commitment_numbers(self.rulebase, firing.fired)
        base_replaced = replaced_actions(self.rulebase, firing.fired)
        base_urgency: dict[str, int] = {}
        base_first: dict[str, tuple[int, int]] = {}
        for i in sorted(before):
            for action, urgency, where in self._effects[i].actions:
                if action in base_replaced:
                    continue
                base_first.setdefault(action, where)
                if urgency < base_urgency.get(action, len(URGENCIES)):
                    base_urgency[action] = urgency

        def decide(fact_id: str, value: Any) -> Additions | None:
            now = matcher.fired_with(state, fact_id, value)
            if now == before:
                return None
            more = sorted(now - before)
            if before <= now and not any(self._effects[i].replaces for i in more):
                added = self._added(more, base_commitments, base_urgency, base_first, base_replaced)
            else:  # a rule stops firing, or takes an action out: the whole report's actions again
                added = self._whole(sorted(now), base_commitments, base_urgency)
            if confirm is not None and (any(added.key) and tuple(confirm(fact_id, value))
                                        != tuple(matcher.rule_ids[i] for i in sorted(now))):
                raise EngineFailure(f"the rules engine and the compiled rules disagree about the answer {fact_id}")
            return added

        return self._questions(values, firing.derived, decide)

    def thorough(self, values: Mapping[str, Any], firing: Firing, run: Decide) -> tuple[OpenQuestion, ...]:
        """The questions with every answer put to `run` (the whole engine), the additions built by
        the report's own functions: the reference the differential tests compare with."""
        base_commitments = commitment_numbers(self.rulebase, firing.fired)
        base_actions = action_urgencies(self.rulebase, firing.fired)
        return self._questions(values, firing.derived, lambda fact_id, value: additions(
            self.rulebase, tuple(run(fact_id, value)), base_commitments, base_actions))

    def _questions(self, values: Mapping[str, Any], derived: Mapping[str, bool],
                   decide: Callable[[str, Any], Additions | None]) -> tuple[OpenQuestion, ...]:
        found: list[tuple[tuple, OpenQuestion]] = []
        for fact in self.candidates(values, derived):
            changes: list[Change] = []
            seen: set[tuple] = set()
            most_urgent = len(URGENCIES)
            for value in self._values_of(fact):
                added = decide(fact.id, value)
                if added is None or not any(added.key) or added.key in seen:
                    continue  # adds nothing, or nothing another answer has not already shown
                seen.add(added.key)
                changes.append(Change(value, _value_label(fact, value), *added.key))
                most_urgent = min([most_urgent, *(added.urgency[a] for a in added.actions + added.raised)])
            if changes:
                rank = (most_urgent, -sum(len(c.adds_commitments) + len(c.adds_actions) for c in changes))
                found.append((rank, OpenQuestion(fact.id, fact.label, fact.question, tuple(changes))))
        found.sort(key=lambda item: (item[0], self._order[item[1].fact]))
        return tuple(q for _, q in found)

    def _values_of(self, fact: Fact) -> tuple:
        values = self._values.get(fact.id)
        if values is None:
            values = self._values[fact.id] = tuple(_probe_values(self.rulebase, fact))
        return values

    def _whole(self, fired: list[int], base_commitments: set[int], base_urgency: Mapping[str, int]) -> Additions:
        """The additions of a whole firing (rule indices in rule-base order) against the base's,
        as `additions` works them out with the report's functions."""
        replaced = set().union(*(self._effects[i].replaces for i in fired))
        commitments: set[int] = set()
        urgency: dict[str, int] = {}  # in the order first recommended
        for i in fired:
            effect = self._effects[i]
            commitments |= effect.commitments
            for action, u, _ in effect.actions:
                if action not in replaced and u < urgency.get(action, len(URGENCIES)):
                    urgency[action] = u
        return Additions(tuple(sorted(commitments - base_commitments)),
                         tuple(a for a in urgency if a not in base_urgency),
                         tuple(a for a in urgency if a in base_urgency and urgency[a] < base_urgency[a]),
                         urgency)

    def _added(self, more: list[int], base_commitments: set[int], base_urgency: Mapping[str, int],
               base_first: Mapping[str, tuple[int, int]], base_replaced: set[str]) -> Additions:
        """The additions when the only change is that the rules `more` fire too, none taking an
        action out: their commitments and actions against the base's (an action a base rule takes
        out stays out). Actions are listed as the report lists them: where each is first
        recommended (the rule in rule-base order, then its place among that rule's actions)."""
        commitments: set[int] = set()
        found: dict[str, tuple[tuple[int, int], int]] = {}  # action -> (first recommended, most urgent)
        for i in more:
            effect = self._effects[i]
            commitments |= effect.commitments
            for action, u, where in effect.actions:
                if action in base_replaced:
                    continue
                if action in found:
                    w, v = found[action]
                    found[action] = (min(w, where), min(u, v))
                else:
                    found[action] = (where, u)
        new = sorted((w, a) for a, (w, _) in found.items() if a not in base_urgency)
        raised = sorted((min(w, base_first[a]), a) for a, (w, u) in found.items()
                        if a in base_urgency and u < base_urgency[a])
        return Additions(tuple(sorted(commitments - base_commitments)), tuple(a for _, a in new),
                         tuple(a for _, a in raised), {a: u for a, (_, u) in found.items()})


def additions(rulebase: RuleBase, fired: Iterable[str], base_commitments: set[int],
              base_actions: Mapping[str, str]) -> Additions:
    """What these rules firing would add to a report whose rules cite `base_commitments` and
    recommend `base_actions` (each with its urgency), with the report's own functions."""
    fired = tuple(fired)
    actions = action_urgencies(rulebase, fired)
    return Additions(tuple(sorted(commitment_numbers(rulebase, fired) - base_commitments)),
                     tuple(a for a in actions if a not in base_actions),
                     tuple(a for a in actions if a in base_actions
                           and URGENCIES.index(actions[a]) < URGENCIES.index(base_actions[a])),
                     {a: URGENCIES.index(u) for a, u in actions.items()})


def _effect_of(rulebase: RuleBase, position: int, rule) -> RuleEffect:
    return RuleEffect(
        frozenset(c.number for c in rule.cites if c.kind == "commitment"),
        tuple((ref.id, URGENCIES.index(ref.urgency or rulebase.actions[ref.id].urgency), (position, place))
              for place, ref in enumerate(rule.actions)),
        frozenset(rule.replaces))


def _value_label(fact: Fact, value: Any) -> str:
    if fact.type == "list":
        return fact.value_label(value[0])
    if fact.type == "enum":
        return fact.value_label(value)
    if fact.type == "bool":
        return "yes" if value else "no"
    return f"{value} {fact.unit}".strip()


def _probe_values(rulebase: RuleBase, fact: Fact) -> list[Any]:
    """The answers worth trying for an unanswered fact: each value; for a number, either side of
    every threshold the rules compare it with."""
    if fact.type == "bool":
        return [True, False]
    if fact.type == "enum":
        return list(fact.value_ids)
    if fact.type == "list":
        return [[v] for v in fact.value_ids]
    thresholds = sorted({a for r in rulebase.rules for a in _thresholds(r.when, fact.id)})
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
