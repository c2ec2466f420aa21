"""Step 3 of 5: compile a checked rule base into durable-rules, and run facts through it.

This module is the only one that knows durable-rules. Everything it does is shaped by what the
engine is known to get wrong (see STYLE.md in the project's shared notes):

* Facts are encoded so that every test is an equality on a field that is always present, with
  0 or 1 as its value: ``gift_value__token: 1``. Negation is pushed down to the tests, so the
  engine never sees ``$nex``, a bare ``$neq`` on a missing key, or a loosely typed comparison.
  Only int facts use ``$lt``/``$gt``, always on a number, always guarded by ``f__known``.
* Every pattern starts with ``t == "scenario"``, so the engine's own state object can never match
  (it would loop forever with the GIL held).
* Each shard (one durable ruleset) holds at most MAX_RULES_PER_SHARD rules and MAX_TESTS_PER_SHARD
  tests, well inside the envelope that held in probes; derived facts are stratified into layers,
  and a layer sees the conclusions of the layers below it.
* Every shard has a catch-all sentinel rule. A fact that matches no rule leaves a session that
  cannot be deleted without corrupting the heap, and would leak one of the 1,024 session slots;
  with the sentinel every fact is handled, and the sentinel's firing proves the shard ran.
* One Host per compiled rule base, with its background timer threads never started; one lock
  around assert -> collect -> delete; a fresh session id per evaluation, deleted in ``finally``.
* An engine error code (such as 303) poisons the instance: its sessions are not deleted (that
  corrupts the heap after a 303) and the program refuses further work, so the caller recompiles.
"""
from __future__ import annotations

import itertools
import threading
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import durable.engine as durable
import durable_rules_engine

from .errors import EngineFailure, Issue, RuleBaseError
from .model import AllOf, AnyOf, Atom, Condition, Fact, Not, Rule, RuleBase, derivation_layers

MAX_RULES_PER_SHARD = 64
MAX_TESTS_PER_SHARD = 400
MAX_TESTS_PER_RULE = 200  # beyond this one rule alone would leave the tested envelope
SENTINEL = "__every_scenario"
SCENARIO_TYPE = {"t": "scenario"}


class _QuietHost(durable.Host):
    """A Host without the background dispatch threads: they run actions on their own thread and
    crashed when sessions were not deleted. We evaluate synchronously, so they have no work."""

    def _run(self) -> None:  # noqa: D401 - overriding a private hook of durable-rules 2.0.28
        return None


# --- encoding ---------------------------------------------------------------------------------

def flag(fact_id: str, value: Any) -> str:
    """The 0/1 field that says a fact has a value: 'gift_value__token', 'dual_relationship__true'."""
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"{fact_id}__{value}"


def known_flag(fact_id: str) -> str:
    return f"{fact_id}__known"


def encode_facts(facts_by_id: Mapping[str, Fact], values: Mapping[str, Any],
                 derived: Mapping[str, bool]) -> dict[str, Any]:
    """The one object asserted into the engine: every field present, every flag 0 or 1."""
    encoded: dict[str, Any] = dict(SCENARIO_TYPE)
    for fact in facts_by_id.values():
        if fact.derived:
            encoded[flag(fact.id, True)] = int(bool(derived.get(fact.id, False)))
            continue
        value = values.get(fact.id)
        encoded[known_flag(fact.id)] = int(value is not None)
        if fact.type == "bool":
            encoded[flag(fact.id, True)] = int(value is True)
            encoded[flag(fact.id, False)] = int(value is False)
        elif fact.type == "enum":
            for v in fact.value_ids:
                encoded[flag(fact.id, v)] = int(value == v)
        elif fact.type == "list":
            present = set(value or ())
            for v in fact.value_ids:
                encoded[flag(fact.id, v)] = int(v in present)
        elif fact.type == "int" and value is not None:
            encoded[fact.id] = int(value)
    return encoded


_NEGATED_COMPARISON = {"$gt": "$lte", "$gte": "$lt", "$lt": "$gte", "$lte": "$gt"}
_COMPARISON = {"gt": "$gt", "gte": "$gte", "lt": "$lt", "lte": "$lte"}


def _join(op: str, items: list[dict]) -> dict:
    return items[0] if len(items) == 1 else {op: items}


def compile_atom(atom: Atom, fact: Fact, positive: bool = True) -> dict:
    one, zero = (1, 0) if positive else (0, 1)
    if atom.op in ("known", "unknown"):
        wanted = (atom.op == "known") == positive
        return {known_flag(atom.fact): int(wanted)}
    if fact.type == "int":
        return _compile_int_atom(atom, positive)
    if atom.op == "equals":
        return {flag(atom.fact, atom.value): one}
    tests = [{flag(atom.fact, v): one} for v in atom.value]
    # one_of / contains_any: any flag set; contains_all: every flag set. Negation swaps them.
    any_of = atom.op in ("one_of", "contains_any")
    return _join("$or" if any_of == positive else "$and", tests)


def _compile_int_atom(atom: Atom, positive: bool) -> dict:
    unknown = {known_flag(atom.fact): 0}
    if atom.op in ("equals", "one_of"):
        values = [atom.value] if atom.op == "equals" else list(atom.value)
        if positive:
            return _join("$or", [{atom.fact: v} for v in values])
        return {"$or": [unknown, _join("$and", [{"$neq": {atom.fact: v}} for v in values])]}
    op = _COMPARISON[atom.op]
    if positive:
        return {"$and": [{known_flag(atom.fact): 1}, {op: {atom.fact: atom.value}}]}
    return {"$or": [unknown, {_NEGATED_COMPARISON[op]: {atom.fact: atom.value}}]}


def compile_condition(cond: Condition, facts: Mapping[str, Fact], positive: bool = True) -> dict:
    """A durable-rules expression for a condition; `not` is pushed down to the tests."""
    if isinstance(cond, Atom):
        return compile_atom(cond, facts[cond.fact], positive)
    if isinstance(cond, Not):
        return compile_condition(cond.item, facts, not positive)
    parts = [compile_condition(item, facts, positive) for item in cond.items]
    conjunction = isinstance(cond, AllOf) == positive
    return _join("$and" if conjunction else "$or", parts)


def count_tests(expression: Any) -> int:
    if isinstance(expression, dict):
        if len(expression) == 1 and next(iter(expression)) in ("$and", "$or"):
            return sum(count_tests(e) for e in next(iter(expression.values())))
        return 1
    return 0


def rule_pattern(rule: Rule, facts: Mapping[str, Fact]) -> dict:
    expression = compile_condition(rule.when, facts)
    return {"all": [{"m": {"$and": [dict(SCENARIO_TYPE), expression]}}]}


# --- the program ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Shard:
    name: str
    layer: int
    rule_ids: tuple[str, ...]


@dataclass(frozen=True)
class Firing:
    """What the engine concluded for one set of facts."""

    fired: tuple[str, ...]  # rule ids, in rule-base order
    derived: Mapping[str, bool]


def plan_shards(rulebase: RuleBase, prefix: str) -> tuple[list[Shard], dict[str, dict]]:
    """Group rules by layer, then into shards small enough for the engine; refuse oversized rules."""
    layers = derivation_layers(rulebase.rules)
    patterns: dict[str, dict] = {}
    issues = []
    for rule in rulebase.rules:
        pattern = rule_pattern(rule, rulebase.facts)
        size = count_tests(pattern["all"][0]["m"])
        if size > MAX_TESTS_PER_RULE:
            issues.append(Issue(
                f"its condition compiles to {size} tests, more than the {MAX_TESTS_PER_RULE} the rules"
                " engine is known to handle safely; split it into smaller rules",
                file=rule.file, line=rule.line, owner=f"rule {rule.id}", field="when"))
        patterns[rule.id] = pattern
    if issues:
        raise RuleBaseError(issues)
    shards: list[Shard] = []
    for layer in sorted(set(layers.values())):
        current: list[str] = []
        tests = 0
        for rule in rulebase.rules:
            if layers[rule.id] != layer:
                continue
            size = count_tests(patterns[rule.id]["all"][0]["m"])
            if current and (len(current) >= MAX_RULES_PER_SHARD or tests + size > MAX_TESTS_PER_SHARD):
                shards.append(Shard(f"{prefix}_{len(shards)}", layer, tuple(current)))
                current, tests = [], 0
            current.append(rule.id)
            tests += size
        if current:
            shards.append(Shard(f"{prefix}_{len(shards)}", layer, tuple(current)))
    return shards, patterns


class Program:
    """A rule base compiled into one durable-rules Host. Safe to share between threads."""

    def __init__(self, rulebase: RuleBase):
        self.rulebase = rulebase
        prefix = "nacm_" + uuid.uuid4().hex[:12]
        self.shards, patterns = plan_shards(rulebase, prefix)
        self._order = {rule.id: i for i, rule in enumerate(rulebase.rules)}
        self._concludes = {rule.id: rule.concludes for rule in rulebase.rules}
        self._lock = threading.Lock()
        self._sessions = itertools.count(1)
        self._fired: list[str] = []
        self._action_errors: list[str] = []
        self.broken: str | None = None
        definitions: dict[str, dict] = {}
        for shard in self.shards:
            body: dict[str, dict] = {}
            for index, rule_id in enumerate(shard.rule_ids):
                body[f"r{index}"] = dict(patterns[rule_id], run=self._action(rule_id))
            body[SENTINEL] = {"all": [{"m": dict(SCENARIO_TYPE)}], "run": self._action(SENTINEL)}
            definitions[shard.name] = body
        self._host = _QuietHost()
        try:
            self._host.register_rulesets(definitions)
        except Exception as exc:  # the engine reports a malformed definition as a bare code
            raise EngineFailure(f"the rules engine refused the compiled rules: {exc}") from exc
        self.layers = sorted({s.layer for s in self.shards})

    def _action(self, rule_id: str) -> Callable[[Any], None]:
        """The callback a rule runs when it fires. It only records; errors are kept, not lost."""

        def record(c: Any) -> None:  # durable-rules calls actions with one argument
            try:
                self._fired.append(rule_id)
            except BaseException as exc:  # pragma: no cover - appending cannot fail in practice
                self._action_errors.append(f"{rule_id}: {exc!r}")

        return record

    def run(self, values: Mapping[str, Any]) -> Firing:
        """Every rule whose condition holds for these (already checked) facts, with chaining."""
        with self._lock:
            if self.broken:
                raise EngineFailure(f"this compiled rule base is unusable after an engine error: {self.broken}")
            sid = f"s{next(self._sessions)}"
            derived: dict[str, bool] = {}
            fired: list[str] = []
            for layer in self.layers:
                encoded = encode_facts(self.rulebase.facts, values, derived)
                layer_fired: list[str] = []
                for shard in self.shards:
                    if shard.layer == layer:
                        layer_fired.extend(self._fire(shard, encoded, sid))
                for rule_id in layer_fired:
                    for fact_id in self._concludes[rule_id]:
                        derived[fact_id] = True
                fired.extend(layer_fired)
            complete = {f.id: derived.get(f.id, False) for f in self.rulebase.derived_facts}
            return Firing(tuple(sorted(set(fired), key=self._order.__getitem__)), complete)

    def _fire(self, shard: Shard, encoded: dict, sid: str) -> list[str]:
        self._fired = []
        self._action_errors = []
        session_created = False
        fact = dict(encoded, sid=sid)
        try:
            state = self._host.assert_fact(shard.name, fact)
            session_created = True
        except durable.MessageNotHandledException:
            # Cannot happen with the sentinel. If it does, the session can be neither used nor
            # safely deleted, so this instance is retired.
            self.broken = f"{shard.name}: the scenario was not handled by any rule"
            raise EngineFailure(f"shard {shard.name}: the scenario was not handled by any rule")
        except durable_rules_engine.error as exc:
            self.broken = f"{shard.name}: {exc}"
            raise EngineFailure(f"the rules engine failed on shard {shard.name}: {exc}") from exc
        finally:
            if session_created and not self.broken:
                self._host.delete_state(shard.name, sid)
        if isinstance(state, dict) and state.get("exception"):
            raise EngineFailure(f"a rule action failed in shard {shard.name}: {state['exception']}")
        if self._action_errors:
            raise EngineFailure(f"a rule action failed: {self._action_errors[0]}")
        if SENTINEL not in self._fired:
            raise EngineFailure(f"shard {shard.name} did not run (its sentinel rule did not fire)")
        # A rule whose condition holds in two ways (both sides of an `any`) fires once per way.
        return list(dict.fromkeys(r for r in self._fired if r != SENTINEL))
