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
* Each shard is sent only the fields its own rules read. The engine refuses a fact of more than
  about 255 properties (error 302, measured: 252 held, 256 failed), so shards are planned to stay
  within FIELDS_PER_FACT properties whatever the size of the vocabulary; and every fact and every
  firing round-trips as JSON, so a small fact is also a fast one.
* A shard none of whose alternatives can hold is not asked at all: every alternative that tests
  a flag for 1 is indexed by one such flag (its anchor), and a shard whose anchors are all 0 for
  these facts cannot fire anything but its sentinel. Cost grows with what a scenario touches.
* The engine is driven through its C extension directly (assert, take each action, delete), the
  same calls the Python Host makes without its JSON wrapping and callbacks: a rule "fires" when
  the engine hands out its action, so no Python runs inside the engine at all.
* Every shard has a catch-all sentinel rule. A fact that matches no rule leaves a session that
  cannot be deleted without corrupting the heap, and would leak one of the 1,024 session slots;
  with the sentinel every fact is handled, and the sentinel's firing proves the shard ran.
* One set of engine rulesets per compiled rule base, no background threads; one lock around
  assert -> collect -> delete; a fresh session id per evaluation, deleted in ``finally``.
* An engine error code (such as 303) poisons the instance: its sessions are not deleted (that
  corrupts the heap after a 303) and the program refuses further work, so the caller recompiles.
"""
from __future__ import annotations

import itertools
import json
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import durable_rules_engine

from .errors import EngineFailure, Issue, RuleBaseError
from .conditions import expand
from .model import Atom, Condition, Fact, RuleBase, derivation_layers

MAX_PATTERNS_PER_SHARD = 64  # durable rules (one per alternative of a condition) in one ruleset
MAX_TERMS_PER_RULE = 64  # alternatives of one condition once any/one_of/not are expanded
MAX_TESTS_PER_TERM = 30  # the engine keeps at most 31 expressions in one node
FIELDS_PER_FACT = 200  # properties of one asserted fact (t, sid and flags); the engine refuses ~255
SENTINEL = "__every_scenario"
SCENARIO_TYPE = {"t": "scenario"}


# --- encoding ---------------------------------------------------------------------------------

def flag(fact_id: str, value: Any) -> str:
    """The 0/1 field that says a fact has a value: 'gift_value__token', 'dual_relationship__true'."""
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"{fact_id}__{value}"


def known_flag(fact_id: str) -> str:
    return f"{fact_id}__known"


class Encoder:
    """The facts as 0/1 flags, with every flag name worked out once per rule base: the hot path
    of every evaluation and every probe of "what else to find out" only looks values up."""

    def __init__(self, facts_by_id: Mapping[str, Fact]):
        self._derived: list[tuple[str, str]] = []
        self._bools: list[tuple[str, str, str, str]] = []
        self._choices: list[tuple[str, str, bool, tuple[tuple[str, str], ...]]] = []
        self._ints: list[tuple[str, str]] = []
        for fact in facts_by_id.values():
            if fact.derived:
                self._derived.append((fact.id, flag(fact.id, True)))
            elif fact.type == "bool":
                self._bools.append((fact.id, known_flag(fact.id), flag(fact.id, True), flag(fact.id, False)))
            elif fact.type in ("enum", "list"):
                self._choices.append((fact.id, known_flag(fact.id), fact.type == "list",
                                      tuple((v, flag(fact.id, v)) for v in fact.value_ids)))
            elif fact.type == "int":
                self._ints.append((fact.id, known_flag(fact.id)))
        self._entries = {**{e[0]: ("bool", e) for e in self._bools}, **{e[0]: ("choice", e) for e in self._choices},
                         **{e[0]: ("int", e) for e in self._ints}}
        # The fields that hold a number (an answered number fact's value, under its own id).
        self.number_fields: tuple[str, ...] = tuple(fact_id for fact_id, _ in self._ints)

    def one(self, fact_id: str, value: Any) -> dict[str, Any]:
        """The fields of one answered fact alone, as inputs() would give them (for a probe)."""
        kind, entry = self._entries[fact_id]
        if kind == "bool":
            _, known, true_flag, false_flag = entry
            return {known: 0 if value is None else 1, true_flag: int(value is True), false_flag: int(value is False)}
        if kind == "choice":
            _, known, is_list, options = entry
            present = set(value or ()) if is_list else {value}
            return {known: 0 if value is None else 1, **{name: int(v in present) for v, name in options}}
        return {entry[1]: 0 if value is None else 1, **({fact_id: int(value)} if value is not None else {})}

    def __call__(self, values: Mapping[str, Any], derived: Mapping[str, bool]) -> dict[str, Any]:
        encoded = self.inputs(values)
        encoded.update(self.derived(derived))
        return encoded

    def derived(self, derived: Mapping[str, bool]) -> dict[str, int]:
        """The flags of the derived facts: the only part of the encoding that changes by layer."""
        return {true_flag: 1 if derived.get(fact_id) else 0 for fact_id, true_flag in self._derived}

    def inputs(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The flags of the answered facts (and the type field), the same in every layer."""
        encoded: dict[str, Any] = dict(SCENARIO_TYPE)
        for fact_id, known, true_flag, false_flag in self._bools:
            value = values.get(fact_id)
            encoded[known] = 0 if value is None else 1
            encoded[true_flag] = 1 if value is True else 0
            encoded[false_flag] = 1 if value is False else 0
        for fact_id, known, is_list, options in self._choices:
            value = values.get(fact_id)
            encoded[known] = 0 if value is None else 1
            if is_list:
                present = set(value or ())
                for v, name in options:
                    encoded[name] = 1 if v in present else 0
            else:
                for v, name in options:
                    encoded[name] = 1 if value == v else 0
        for fact_id, known in self._ints:
            value = values.get(fact_id)
            encoded[known] = 0 if value is None else 1
            if value is not None:
                encoded[fact_id] = int(value)
        return encoded


def encode_facts(facts_by_id: Mapping[str, Fact], values: Mapping[str, Any],
                 derived: Mapping[str, bool]) -> dict[str, Any]:
    """The one object asserted into the engine: every field present, every flag 0 or 1 (each
    shard is then sent only its own fields). Programs keep an Encoder; this builds one."""
    return Encoder(facts_by_id)(values, derived)


_NEGATED_COMPARISON = {"$gt": "$lte", "$gte": "$lt", "$lt": "$gte", "$lte": "$gt"}
_COMPARISON = {"gt": "$gt", "gte": "$gte", "lt": "$lt", "lte": "$lte"}

Test = dict  # one durable-rules test on one field, e.g. {"gift_value__token": 1}
Term = tuple  # tests that must all hold (a flat $and)


def atom_terms(atom: Atom, fact: Fact, positive: bool = True) -> list[list[Test]]:
    """An atom (or its negation) as alternatives, each a list of tests that must all hold."""
    return [[_test_of(key) for key in term] for term in _atom_keys(atom, fact, positive)]


def _atom_keys(atom: Atom, fact: Fact, positive: bool) -> list[list[tuple]]:
    """atom_terms, each test written as a hashable key, as the expansion uses them: a flag test
    {'f__x': 1} as ('f__x', 1), a comparison {'$lt': {'age': 18}} as ('$lt', (('age', 18),))."""
    one = 1 if positive else 0
    if atom.op in ("known", "unknown"):
        return [[(known_flag(atom.fact), int((atom.op == "known") == positive))]]
    if fact.type == "int":
        return _int_atom_keys(atom, positive)
    values = [atom.value] if atom.op == "equals" else list(atom.value)
    flags = [(flag(atom.fact, v), one) for v in values]
    # equals / one_of / contains_any hold when any flag is set; contains_all when every flag is.
    # Negation swaps "any" and "all" (and the flags' value).
    any_of = atom.op != "contains_all"
    if any_of == positive:
        return [[f] for f in flags]
    return [flags]


def _int_atom_keys(atom: Atom, positive: bool) -> list[list[tuple]]:
    unknown = (known_flag(atom.fact), 0)
    if atom.op in ("equals", "one_of"):
        values = [atom.value] if atom.op == "equals" else list(atom.value)
        if positive:
            return [[(atom.fact, v)] for v in values]
        return [[unknown], [("$neq", ((atom.fact, v),)) for v in values]]
    op = _COMPARISON[atom.op]
    if positive:
        return [[(known_flag(atom.fact), 1), (op, ((atom.fact, atom.value),))]]
    return [[unknown], [(_NEGATED_COMPARISON[op], ((atom.fact, atom.value),))]]


def condition_terms(cond: Condition, facts: Mapping[str, Fact], positive: bool = True,
                    limit: int = 10_000) -> list[Term]:
    """The condition in disjunctive normal form: alternatives, each a flat list of tests.

    durable-rules handles a flat conjunction of tests well; nested $or/$and inside one pattern
    runs into its limit of 32 expressions per node (error 113) at modest sizes. So each
    alternative becomes a durable rule of its own, and a rule fires when any of its alternatives
    does. The expansion is conditions.expand (the one the validator uses too), with each test
    written as engine tests by atom_terms; duplicate and self-contradictory alternatives are
    dropped as they arise. Past `limit` alternatives the expansion stops and returns more than
    `limit` (the caller refuses the rule). The expansion works on each test's hashable key and
    writes the engine's tests once at the end: comparing dicts while expanding was most of the
    cost of compiling a large rule base.
    """
    def literal(atom: Atom, holds: bool) -> list[list[tuple]]:
        return _atom_keys(atom, facts[atom.fact], holds)

    return [tuple(map(_test_of, term)) for term in expand(cond, literal, positive, limit, _simplify)]


def _test_of(key: tuple) -> Test:
    """The engine's test from its key (see _atom_keys)."""
    name, value = key
    return {name: dict(value)} if name.startswith("$") else {name: value}


def _simplify(terms: list[tuple]) -> list[tuple]:
    """Drop repeated tests within an alternative, then contradictory and repeated alternatives
    (the same tests in another order are the same alternative); first occurrences kept, in order.
    Works on test keys (_atom_keys)."""
    unique: dict[frozenset, tuple] = {}
    for term in terms:
        tests = tuple(dict.fromkeys(term))
        if not _contradicts(tests):
            unique.setdefault(frozenset(tests), tests)
    return list(unique.values())


def _contradicts(tests: tuple) -> bool:
    """Two 0/1 tests on the same flag with different values can never both hold."""
    seen: dict[str, Any] = {}
    for name, value in tests:
        if not name.startswith("$") and seen.setdefault(name, value) != value:
            return True
    return False


def term_pattern(term: Term) -> dict:
    return {"all": [{"m": {"$and": [dict(SCENARIO_TYPE), *term]}}]}


# --- the program ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Shard:
    """One durable ruleset: some rules of one layer, and the only fields their patterns read."""

    name: str
    layer: int
    rule_ids: tuple[str, ...]
    fields: tuple[str, ...]  # sent to this shard, besides t and sid
    anchors: frozenset[str] | None  # flags of which one must be 1 for a rule to fire; None: always ask


@dataclass(frozen=True)
class Firing:
    """What the engine concluded for one set of facts."""

    fired: tuple[str, ...]  # rule ids, in rule-base order
    derived: Mapping[str, bool]


@dataclass(frozen=True)
class Baseline:
    """One run kept shard by shard (what each layer's derived flags were, what each shard fired),
    so that a probe of one more answer asks again only the shards that read what it changes."""

    inputs: Mapping[str, Any]
    raised: frozenset[str]  # the input flags that are 1 (the answers' flags do not change between layers)
    layer_derived: Mapping[int, Mapping[str, int]]
    results: Mapping[str, tuple[str, ...]]
    firing: Firing
    owner: Any = field(compare=False, repr=False)  # the Program that ran it


def term_fields(term: Term) -> set[str]:
    """The fact fields one alternative's tests read."""
    fields = set()
    for test in term:
        (key, value), = test.items()
        fields.update(value) if key.startswith("$") else fields.add(key)
    return fields


def term_anchor(term: Term) -> str | None:
    """A flag this alternative needs to be 1, if it has one: without it the alternative cannot hold."""
    for test in term:
        (key, value), = test.items()
        if not key.startswith("$") and value == 1:
            return key
    return None


def _shard_anchors(terms: list[Term]) -> frozenset[str] | None:
    anchors = [term_anchor(t) for t in terms]
    return None if None in anchors else frozenset(anchors)


# Properties every asserted fact carries besides the shard's own fields.
_FIXED_PROPERTIES = len(SCENARIO_TYPE) + 1  # t, sid


def plan_shards(rulebase: RuleBase, prefix: str) -> tuple[list[Shard], dict[str, list[Term]]]:
    """Group rules by layer, then into shards the engine can take: at most MAX_PATTERNS_PER_SHARD
    alternatives and FIELDS_PER_FACT properties each. Refuse, by rule, what no shard could hold."""
    layers = derivation_layers(rulebase.rules)
    terms: dict[str, list[Term]] = {}
    fields: dict[str, set[str]] = {}
    budget = FIELDS_PER_FACT - _FIXED_PROPERTIES
    issues = []
    for rule in rulebase.rules:
        rule_terms = condition_terms(rule.when, rulebase.facts, limit=MAX_TERMS_PER_RULE)
        rule_fields = set().union(*map(term_fields, rule_terms)) if rule_terms else set()
        problem = None
        if len(rule_terms) > MAX_TERMS_PER_RULE:
            problem = (f"its condition has more than {MAX_TERMS_PER_RULE} alternative ways to hold once"
                       " 'any', 'one_of' and 'not' are expanded, more than the rules engine is known to"
                       " handle safely; split it into smaller rules")
        elif any(len(t) > MAX_TESTS_PER_TERM for t in rule_terms):
            problem = f"its condition needs more than {MAX_TESTS_PER_TERM} tests to hold at once; split it"
        elif len(rule_fields) > budget:
            problem = (f"its condition reads {len(rule_fields)} answer fields, more than the {budget} the"
                       " rules engine takes in one fact; split it into smaller rules")
        if problem:
            issues.append(Issue(problem, file=rule.file, line=rule.line, owner=f"rule {rule.id}",
                                field="when"))
        terms[rule.id], fields[rule.id] = rule_terms, rule_fields
    if issues:
        raise RuleBaseError(issues)
    shards: list[Shard] = []

    def close(layer: int, rule_ids: list[str], shard_fields: set[str]) -> None:
        shard_terms = [t for r in rule_ids for t in terms[r]]
        shards.append(Shard(f"{prefix}_{len(shards)}", layer, tuple(rule_ids),
                            tuple(sorted(shard_fields)), _shard_anchors(shard_terms)))

    for layer in sorted(set(layers.values())):
        current: list[str] = []
        current_fields: set[str] = set()
        size = 0
        for rule in rulebase.rules:
            if layers[rule.id] != layer:
                continue
            n = max(1, len(terms[rule.id]))
            wider = current_fields | fields[rule.id]
            if current and (size + n > MAX_PATTERNS_PER_SHARD or len(wider) > budget):
                close(layer, current, current_fields)
                current, current_fields, size = [], set(), 0
                wider = set(fields[rule.id])
            current.append(rule.id)
            current_fields = wider
            size += n
        if current:
            close(layer, current, current_fields)
    return shards, terms


_COMPARE = {"$lt": int.__lt__, "$lte": int.__le__, "$gt": int.__gt__, "$gte": int.__ge__, "$neq": int.__ne__}


class Matcher:
    """The compiled alternatives in plain Python, each as two bit masks (the flags that must be 1,
    those that must be 0) and any numeric tests, to tell cheaply whether facts that differ from an
    evaluated set in one answer would fire other rules. "What else to find out" (explore.py) asks
    it of every candidate answer instead of the engine; differential tests, and Advisor's
    confirm=True, hold it to what the engine fires. It reads the same
    compiled alternatives the engine was given, with the engine's semantics (a test on a number
    that is not known is false, as the engine's $neq on a missing key is)."""

    def __init__(self, rulebase: RuleBase, terms: Mapping[str, list[Term]], layers: Mapping[str, int],
                 encoder: Encoder):
        self._encoder = encoder
        self._bit: dict[str, int] = {}
        self.rule_ids = tuple(r.id for r in rulebase.rules)
        index = self._index = {rule_id: i for i, rule_id in enumerate(self.rule_ids)}
        self._alternatives: list[tuple[tuple[int, int, tuple], ...]] = []
        readers: dict[str, list[int]] = {}  # field -> rules whose alternatives test it
        for rule in rulebase.rules:
            alternatives = []
            for term in terms[rule.id]:
                ones = zeros = 0
                numeric = []
                for test in term:
                    (key, value), = test.items()
                    if key.startswith("$"):
                        (field, number), = value.items()
                        numeric.append((field, _COMPARE[key], number))
                        readers.setdefault(field, []).append(index[rule.id])
                        continue
                    readers.setdefault(key, []).append(index[rule.id])
                    if isinstance(value, int) and not isinstance(value, bool) and value in (0, 1) and "__" in key:
                        if value:
                            ones |= self._bit_of(key)
                        else:
                            zeros |= self._bit_of(key)
                    else:  # equality with a number
                        numeric.append((key, int.__eq__, value))
                alternatives.append((ones, zeros, tuple(numeric)))
            self._alternatives.append(tuple(alternatives))
        self._layer = [layers[rule_id] for rule_id in self.rule_ids]
        self._concludes = [tuple(flag(d, True) for d in rulebase.rule(r).concludes) for r in self.rule_ids]
        self._answers: dict[tuple, tuple] = {}
        # field -> (layer, rule) of the rules that test it: the rules an answer makes decide again
        self._readers_by_layer = {name: tuple(sorted({(self._layer[r], r) for r in rules}))
                                  for name, rules in readers.items()}
        self._concluders: dict[str, list[int]] = {}
        for i, flags in enumerate(self._concludes):
            for f in flags:
                self._concluders.setdefault(f, []).append(i)

    def _bit_of(self, name: str) -> int:
        return self._bit.setdefault(name, 1 << len(self._bit))

    def state(self, values: Mapping[str, Any], firing: "Firing",
              base: "Baseline | None" = None) -> tuple[int, dict[str, int], frozenset[int]]:
        """The bits and numbers of an evaluated fact set, and the rules that fired for it
        (`base`: the engine's run of these facts, whose encoded inputs and raised flags are reused)."""
        if base is None:
            inputs = self._encoder.inputs(values)
            raised: Iterable[str] = (name for name, v in inputs.items() if v == 1)
        else:
            inputs, raised = base.inputs, base.raised
        bit_of = self._bit
        bits = 0
        for name in raised:
            bit = bit_of.get(name)
            if bit is not None:
                bits |= bit
        for name, v in self._encoder.derived(firing.derived).items():
            if v == 1 and name in bit_of:
                bits |= bit_of[name]
        numbers = {name: inputs[name] for name in self._encoder.number_fields if name in inputs}
        return bits, numbers, frozenset(self._index[rule_id] for rule_id in firing.fired)

    def _holds(self, rule: int, bits: int, numbers: Mapping[str, int]) -> bool:
        for ones, zeros, numeric in self._alternatives[rule]:
            if bits & ones == ones and not bits & zeros and all(
                    field in numbers and test(numbers[field], n) for field, test, n in numeric):
                return True
        return False

    def _answer(self, fact_id: str, value: Any) -> tuple[tuple[str, int, bool], tuple[tuple[str, int], ...]]:
        """One answer's fields, worked out once: (name, bit, set?) for the flags the rules test,
        (name, number) for the numbers."""
        key = (fact_id, tuple(value) if isinstance(value, list) else value)
        answer = self._answers.get(key)
        if answer is None:
            flags, numbers = [], []
            for name, v in self._encoder.one(fact_id, value).items():
                if name in self._bit:
                    flags.append((name, self._bit[name], bool(v)))
                elif "__" not in name:
                    numbers.append((name, v))
            answer = self._answers[key] = (tuple(flags), tuple(numbers))
        return answer

    def fired_with(self, state: tuple[int, dict[str, int], frozenset[int]], fact_id: str, value: Any) -> frozenset[int]:
        """The rules that fire once one more fact is answered: only the rules that read what the
        answer changes are decided again, layer by layer, with the derived facts that follow."""
        bits, numbers, fired = state
        flags, answer_numbers = self._answer(fact_id, value)
        changed: set[str] = set()
        for name, bit, on in flags:
            if bool(bits & bit) != on:
                bits ^= bit
                changed.add(name)
        if answer_numbers:
            numbers = dict(numbers)
            for name, v in answer_numbers:
                if numbers.get(name) != v:
                    numbers[name] = v
                    changed.add(name)
        if not changed:
            return fired
        fired = set(fired)
        pending: dict[int, set[int]] = {}  # layer -> the rules to decide again there
        for name in changed:
            for layer, r in self._readers_by_layer.get(name, ()):
                pending.setdefault(layer, set()).add(r)
        while pending:
            layer = min(pending)
            for r in sorted(pending.pop(layer)):
                if self._holds(r, bits, numbers) != (r in fired):
                    fired.symmetric_difference_update((r,))
                    for name in self._concludes[r]:  # read only by later layers
                        now = any(c in fired for c in self._concluders[name])
                        if name in self._bit and bool(bits & self._bit[name]) != now:
                            bits ^= self._bit[name]
                            for later, reader in self._readers_by_layer.get(name, ()):
                                pending.setdefault(later, set()).add(reader)
        return frozenset(fired)


def rule_names(message: str) -> list[str]:
    """The rule names of one action message, '{"r3_0":{"m":{...the fact...}}}'. The engine names
    one rule per message; reading its name without decoding the fact it echoes saves the JSON
    decoder most of its work. Anything else is decoded in full."""
    if message.startswith('{"'):
        end = message.find('"', 2)
        if end > 2 and message.startswith('":{"m":', end) and message.count('":{"m":') == 1:
            return [message[2:end]]
    return list(json.loads(message))


class CEngine:
    """The durable-rules C extension calls this module makes, in one place (tests inject faults here).

    These are the calls `durable.engine.Host` makes itself, without its JSON wrapping of every
    call, its Python action callbacks and its timer threads (which crashed when sessions were not
    deleted)."""

    create_ruleset = staticmethod(durable_rules_engine.create_ruleset)
    assert_fact = staticmethod(durable_rules_engine.assert_fact)
    start_action_for_state = staticmethod(durable_rules_engine.start_action_for_state)
    complete_and_start_action = staticmethod(durable_rules_engine.complete_and_start_action)
    delete_state = staticmethod(durable_rules_engine.delete_state)


_HANDLED = 0  # durable_rules_engine.assert_fact's first result: 1 not handled, 2 already observed


class Program:
    """A rule base compiled into durable-rules rulesets. Safe to share between threads."""

    def __init__(self, rulebase: RuleBase):
        self.rulebase = rulebase
        prefix = "nacm_" + uuid.uuid4().hex[:12]
        self.shards, terms = plan_shards(rulebase, prefix)
        self._order = {rule.id: i for i, rule in enumerate(rulebase.rules)}
        self._concludes = {rule.id: rule.concludes for rule in rulebase.rules}
        self._lock = threading.Lock()
        self._sessions = itertools.count(1)
        self.broken: str | None = None
        self._engine = CEngine()
        self._handles: dict[str, int] = {}
        self._rule_of: dict[str, dict[str, str]] = {}  # shard -> durable rule name -> rule id
        for shard in self.shards:
            body: dict[str, dict] = {}
            names: dict[str, str] = {}
            for index, rule_id in enumerate(shard.rule_ids):
                for alternative, term in enumerate(terms[rule_id]):
                    body[f"r{index}_{alternative}"] = term_pattern(term)
                    names[f"r{index}_{alternative}"] = rule_id
            body[SENTINEL] = {"all": [{"m": dict(SCENARIO_TYPE)}]}
            names[SENTINEL] = SENTINEL
            try:
                self._handles[shard.name] = self._engine.create_ruleset(shard.name, json.dumps(body))
            except Exception as exc:  # the engine reports a malformed definition as a bare code
                raise EngineFailure(f"the rules engine refused the compiled rules: {exc}") from exc
            self._rule_of[shard.name] = names
        self._encode = Encoder(rulebase.facts)
        self.matcher = Matcher(rulebase, terms, derivation_layers(rulebase.rules), self._encode)
        self.layers = sorted({s.layer for s in self.shards})
        self._by_layer = {layer: [s for s in self.shards if s.layer == layer] for layer in self.layers}
        self._field_sets = {s.name: frozenset(s.fields) for s in self.shards}

    def run(self, values: Mapping[str, Any], memo: dict | None = None) -> Firing:
        """Every rule whose condition holds for these (already checked) facts, with chaining.

        A shard's answer depends only on the fields it is sent, so `memo` (one dict per group of
        related runs) keeps the engine's answer per shard and fields, and a run asks the engine
        only what an earlier one did not."""
        return self.baseline(values, memo).firing

    def baseline(self, values: Mapping[str, Any], memo: dict | None = None) -> "Baseline":
        """A run, with the engine's answer shard by shard kept for probes of one more answer."""
        with self._lock:
            self._refuse_if_broken()
            inputs = self._encode.inputs(values)
            return self._layers(inputs, {k for k, v in inputs.items() if v == 1}, None, frozenset(), memo)

    def probe(self, base: "Baseline", fact_id: str, value: Any, memo: dict | None = None) -> Firing:
        """The run for the base's facts with one more answer: only the shards that read a field the
        answer changes (or a derived fact that then changes) are asked again; the others' answers
        are the base's, since a shard's answer depends only on the fields it is sent."""
        with self._lock:
            self._refuse_if_broken()
            changes = self._encode.one(fact_id, value)
            inputs = {**base.inputs, **changes}
            raised = (base.raised - changes.keys()) | {k for k, v in changes.items() if v == 1}
            if base.owner is not self:  # the base came from a retired instance
                return self._layers(inputs, raised, None, frozenset(), memo).firing
            changed = frozenset(k for k, v in changes.items() if base.inputs.get(k) != v)
            return self._layers(inputs, raised, base, changed, memo).firing

    def _refuse_if_broken(self) -> None:
        if self.broken:
            raise EngineFailure(f"this compiled rule base is unusable after an engine error: {self.broken}")

    def _layers(self, inputs: dict[str, Any], raised_inputs: set[str], base: "Baseline | None",
                changed: frozenset[str], memo: dict | None) -> "Baseline":
        sid = f"s{next(self._sessions)}"
        derived: dict[str, bool] = {}
        fired: list[str] = []
        by_layer: dict[int, dict[str, int]] = {}
        results: dict[str, tuple[str, ...]] = {}
        for layer in self.layers:
            layer_derived = by_layer[layer] = self._encode.derived(derived)
            encoded = raised = None  # worked out only if a shard of this layer is asked
            if base is not None:
                before = base.layer_derived[layer]
                changed_here = changed | {k for k, v in layer_derived.items() if before.get(k) != v}
            layer_fired: list[str] = []
            for shard in self._by_layer[layer]:
                if base is not None and self._field_sets[shard.name].isdisjoint(changed_here):
                    results[shard.name] = shard_fired = base.results[shard.name]  # nothing it reads changed
                    layer_fired.extend(shard_fired)
                    continue
                if encoded is None:
                    encoded = {**inputs, **layer_derived}
                    raised = raised_inputs | {k for k, v in layer_derived.items() if v == 1}
                if shard.anchors is not None and shard.anchors.isdisjoint(raised):
                    shard_fired = ()  # no alternative of this shard can hold
                else:
                    sent = tuple((f, encoded[f]) for f in shard.fields if f in encoded)
                    key = (shard.name, sent)
                    if memo is not None and key in memo:
                        shard_fired = memo[key]
                    else:
                        shard_fired = self._fire(shard, sent, sid)
                        if memo is not None:
                            memo[key] = shard_fired
                results[shard.name] = shard_fired
                layer_fired.extend(shard_fired)
            for rule_id in layer_fired:
                for fact_id in self._concludes[rule_id]:
                    derived[fact_id] = True
            fired.extend(layer_fired)
        complete = {f.id: derived.get(f.id, False) for f in self.rulebase.derived_facts}
        firing = Firing(tuple(sorted(set(fired), key=self._order.__getitem__)), complete)
        return Baseline(inputs, frozenset(raised_inputs), by_layer, results, firing, self)

    def _fire(self, shard: Shard, sent: tuple, sid: str) -> tuple[str, ...]:
        """Assert one fact into one shard, take every action the engine hands out, delete the session."""
        handle = self._handles[shard.name]
        names = self._rule_of[shard.name]
        fact = json.dumps({**SCENARIO_TYPE, "sid": sid, **dict(sent)})
        fired: list[str] = []
        session_created = drained = False
        try:
            code, state = self._engine.assert_fact(handle, fact)
            if code != _HANDLED:
                # Cannot happen with the sentinel and a fresh session id. If it does, the session
                # can be neither used nor safely deleted, so this instance is retired.
                self.broken = f"{shard.name}: the engine did not handle the scenario (code {code})"
                raise EngineFailure(f"shard {shard.name}: the engine did not handle the scenario (code {code})")
            session_created = True
            message = self._engine.start_action_for_state(handle, state)
            message = message[1] if message else None
            while message:
                fired.extend(rule_names(message))
                message = self._engine.complete_and_start_action(handle, state)
            drained = True
        except durable_rules_engine.error as exc:
            self.broken = f"{shard.name}: {exc}"
            raise EngineFailure(f"the rules engine failed on shard {shard.name}: {exc}") from exc
        finally:
            if session_created and not drained and not self.broken:
                # Deleting a session whose actions were not all taken corrupts the heap (probed:
                # "double free"); keep it, and retire the instance like after an engine error.
                self.broken = f"{shard.name}: interrupted before the engine had handed out every action"
            if session_created and not self.broken:
                self._engine.delete_state(handle, sid)
        unknown = [name for name in fired if name not in names]
        if unknown:
            raise EngineFailure(f"shard {shard.name}: the engine fired a rule it was not given: {unknown[0]}")
        if SENTINEL not in fired:
            raise EngineFailure(f"shard {shard.name} did not run (its sentinel rule did not fire)")
        # A rule whose condition holds in two ways (both sides of an `any`) fires once per way.
        return tuple(dict.fromkeys(names[n] for n in fired if n != SENTINEL))
