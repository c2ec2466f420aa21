"""Step 3 of 5: compile a checked rule base into durable-rules, and run facts through it.

This module is the only one that knows durable-rules. Everything it does is shaped by what the
engine is known to get wrong (see STYLE.md in the project's shared notes):

* Facts are encoded so that every test is an equality on a field that is always present, with
  0 or 1 as its value: ``gift_value__token: 1``. Negation is pushed down to the tests, so the
  engine never sees ``$nex``, a bare ``$neq`` on a missing key, or a loosely typed comparison.
  Only int facts use ``$lt``/``$gt``, always on a number, always guarded by ``f__known``.
* Every pattern starts with ``t == "scenario"``, so the engine's own state object can never match
  (it would loop forever with the GIL held).
* A condition is expanded into its alternatives (disjunctive normal form) and each alternative
  becomes one durable rule whose pattern is a flat conjunction of tests: nested $or/$and in one
  pattern hit the engine's limit of 32 expressions per node (error 113) at modest sizes. A rule
  fires when any of its alternatives does; firing twice is folded into once.
* Each shard (one durable ruleset) holds at most MAX_PATTERNS_PER_SHARD durable rules, well inside
  the envelope that held in probes; derived facts are stratified into layers, and a layer sees
  the conclusions of the layers below it.
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
import json
import threading
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import durable.engine as durable
import durable_rules_engine

from .errors import EngineFailure, Issue, RuleBaseError
from .model import AllOf, Atom, Condition, Fact, Not, RuleBase, derivation_layers

MAX_PATTERNS_PER_SHARD = 64  # durable rules (one per alternative of a condition) in one ruleset
MAX_TERMS_PER_RULE = 64  # alternatives of one condition once any/one_of/not are expanded
MAX_TESTS_PER_TERM = 30  # the engine keeps at most 31 expressions in one node
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

Test = dict  # one durable-rules test on one field, e.g. {"gift_value__token": 1}
Term = tuple  # tests that must all hold (a flat $and)


def atom_terms(atom: Atom, fact: Fact, positive: bool = True) -> list[list[Test]]:
    """An atom (or its negation) as alternatives, each a list of tests that must all hold."""
    one = 1 if positive else 0
    if atom.op in ("known", "unknown"):
        return [[{known_flag(atom.fact): int((atom.op == "known") == positive)}]]
    if fact.type == "int":
        return _int_atom_terms(atom, positive)
    values = [atom.value] if atom.op == "equals" else list(atom.value)
    flags = [{flag(atom.fact, v): one} for v in values]
    # equals / one_of / contains_any hold when any flag is set; contains_all when every flag is.
    # Negation swaps "any" and "all" (and the flags' value).
    any_of = atom.op != "contains_all"
    if any_of == positive:
        return [[f] for f in flags]
    return [flags]


def _int_atom_terms(atom: Atom, positive: bool) -> list[list[Test]]:
    unknown = {known_flag(atom.fact): 0}
    if atom.op in ("equals", "one_of"):
        values = [atom.value] if atom.op == "equals" else list(atom.value)
        if positive:
            return [[{atom.fact: v}] for v in values]
        return [[unknown], [{"$neq": {atom.fact: v}} for v in values]]
    op = _COMPARISON[atom.op]
    if positive:
        return [[{known_flag(atom.fact): 1}, {op: {atom.fact: atom.value}}]]
    return [[unknown], [{_NEGATED_COMPARISON[op]: {atom.fact: atom.value}}]]


def _contradicts(tests: list[Test]) -> bool:
    """Two 0/1 tests on the same flag with different values can never both hold."""
    seen: dict[str, Any] = {}
    for test in tests:
        (key, value), = test.items()
        if not key.startswith("$"):
            if key in seen and seen[key] != value:
                return True
            seen[key] = value
    return False


def condition_terms(cond: Condition, facts: Mapping[str, Fact], positive: bool = True,
                    limit: int = 10_000) -> list[Term]:
    """The condition in disjunctive normal form: alternatives, each a flat list of tests.

    durable-rules handles a flat conjunction of tests well; nested $or/$and inside one pattern
    runs into its limit of 32 expressions per node (error 113) at modest sizes. So each
    alternative becomes a durable rule of its own, and a rule fires when any of its alternatives
    does. Duplicate and self-contradictory alternatives are dropped as they arise. Past `limit`
    alternatives the expansion stops and returns more than `limit` (the caller refuses the rule).
    """
    if isinstance(cond, Atom):
        return _simplify([tuple(t) for t in atom_terms(cond, facts[cond.fact], positive)])
    if isinstance(cond, Not):
        return condition_terms(cond.item, facts, not positive, limit)
    parts = [condition_terms(item, facts, positive, limit) for item in cond.items]
    if isinstance(cond, AllOf) != positive:  # a disjunction
        return _simplify([t for part in parts for t in part])
    terms: list[Term] = [()]
    for part in parts:
        terms = _simplify([a + b for a in terms for b in part])
        if len(terms) > limit:
            return terms
    return terms


def _simplify(terms: list[Term]) -> list[Term]:
    unique: dict[str, Term] = {}
    for term in terms:
        tests = list({json.dumps(t, sort_keys=True): t for t in term}.values())
        if not _contradicts(tests):
            key = json.dumps(sorted(json.dumps(t, sort_keys=True) for t in tests))
            unique.setdefault(key, tuple(tests))
    return list(unique.values())


def term_pattern(term: Term) -> dict:
    return {"all": [{"m": {"$and": [dict(SCENARIO_TYPE), *term]}}]}


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


def plan_shards(rulebase: RuleBase, prefix: str) -> tuple[list[Shard], dict[str, list[Term]]]:
    """Group rules by layer, then into shards small enough for the engine; refuse oversized rules."""
    layers = derivation_layers(rulebase.rules)
    terms: dict[str, list[Term]] = {}
    issues = []
    for rule in rulebase.rules:
        rule_terms = condition_terms(rule.when, rulebase.facts, limit=MAX_TERMS_PER_RULE)
        if len(rule_terms) > MAX_TERMS_PER_RULE:
            issues.append(Issue(
                f"its condition has more than {MAX_TERMS_PER_RULE} alternative ways to hold once 'any',"
                " 'one_of' and 'not' are expanded, more than the rules engine is known to handle"
                " safely; split it into smaller rules",
                file=rule.file, line=rule.line, owner=f"rule {rule.id}", field="when"))
        elif any(len(t) > MAX_TESTS_PER_TERM for t in rule_terms):
            issues.append(Issue(
                f"its condition needs more than {MAX_TESTS_PER_TERM} tests to hold at once; split it",
                file=rule.file, line=rule.line, owner=f"rule {rule.id}", field="when"))
        terms[rule.id] = rule_terms
    if issues:
        raise RuleBaseError(issues)
    shards: list[Shard] = []
    for layer in sorted(set(layers.values())):
        current: list[str] = []
        size = 0
        for rule in rulebase.rules:
            if layers[rule.id] != layer:
                continue
            n = max(1, len(terms[rule.id]))
            if current and size + n > MAX_PATTERNS_PER_SHARD:
                shards.append(Shard(f"{prefix}_{len(shards)}", layer, tuple(current)))
                current, size = [], 0
            current.append(rule.id)
            size += n
        if current:
            shards.append(Shard(f"{prefix}_{len(shards)}", layer, tuple(current)))
    return shards, terms


class Program:
    """A rule base compiled into one durable-rules Host. Safe to share between threads."""

    def __init__(self, rulebase: RuleBase):
        self.rulebase = rulebase
        prefix = "nacm_" + uuid.uuid4().hex[:12]
        self.shards, terms = plan_shards(rulebase, prefix)
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
                action = self._action(rule_id)
                for alternative, term in enumerate(terms[rule_id]):
                    body[f"r{index}_{alternative}"] = dict(term_pattern(term), run=action)
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
            raise EngineFailure(f"shard {shard.name}: the scenario was not handled by any rule") from None
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
