"""The rule base as plain, frozen data: what validation produces and everything else reads.

Nothing here knows about YAML or about durable-rules; the compiler, the report and the UI all
work from these types.
"""
from __future__ import annotations


from dataclasses import dataclass, field
from functools import cached_property

from typing import Any, Mapping, Union

from .errors import Issue


URGENCIES = ("immediate", "soon", "routine")
FACT_TYPES = ("bool", "enum", "list", "int")


# --- the Code -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Purpose:
    number: int
    title: str
    text: str


@dataclass(frozen=True)
class Commitment:
    number: int
    section: str  # the section's title, as the Code prints it
    section_id: str
    title: str  # our short title; the Code itself has none
    text: str  # the Code's exact words


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    commitments: tuple[int, ...]


@dataclass(frozen=True)
class Code:
    title: str
    preamble: str  # "As a Case Manager, I commit to:"
    scope: str
    application: str
    source: str
    purposes: tuple[Purpose, ...]
    sections: tuple[Section, ...]
    commitments: tuple[Commitment, ...]

    def commitment(self, number: int) -> Commitment:
        return self._commitments_by_number[number]

    def purpose(self, number: int) -> Purpose:
        return self._purposes_by_number[number]

    @cached_property
    def _commitments_by_number(self) -> dict[int, Commitment]:
        return {c.number: c for c in self.commitments}

    @cached_property
    def _purposes_by_number(self) -> dict[int, Purpose]:
        return {p.number: p for p in self.purposes}


# --- facts ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FactGroup:
    id: str
    title: str
    question: str  # "Does the situation involve ...?" - the first, area-level question
    help: str = ""


@dataclass(frozen=True)
class Fact:
    id: str
    type: str  # one of FACT_TYPES
    group: str
    label: str  # short, for tables and diffs
    question: str  # as a case manager would be asked it
    help: str = ""
    values: tuple[tuple[str, str], ...] = ()  # (id, label) for enum and list facts
    ask_if: tuple[tuple[str, tuple], ...] = ()  # (fact, accepted values): all must hold
    minimum: int | None = None
    maximum: int | None = None
    unit: str = ""
    derived: bool = False  # concluded by rules, never asked
    unanswered: tuple[str, ...] = ()  # retired values accepted in input and read as "not known"
    line: int = field(default=0, compare=False)  # where it is declared in facts.yaml (authoring checks cite it)
    # For a yes/no fact: a condition on other facts it must agree with whenever they are all known
    # ("under 18" and an age); a set of facts where they disagree is refused as a contradiction.
    agrees_with: "Condition | None" = field(default=None, compare=False)

    @property
    def value_ids(self) -> tuple[str, ...]:
        return tuple(v for v, _ in self.values)

    def value_label(self, value_id: str) -> str:
        return dict(self.values).get(value_id, value_id)

    @property
    def is_follow_up(self) -> bool:
        return bool(self.ask_if)


# --- actions ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Action:
    id: str
    label: str
    guidance: str
    urgency: str  # default urgency
    safety: bool = False  # emergency, mandated report, duty to warn: first, never delayed
    # Telling, checking and recording (consult the supervisor, document): listed after the steps
    # that meet the situation itself, within the same urgency.
    supporting: bool = False
    line: int = field(default=0, compare=False)  # where it is declared in actions.yaml


# --- conditions -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Atom:
    """One test on one fact. op is one of OPERATORS; value's type depends on op."""

    fact: str
    op: str
    value: object = None
    parameter: str | None = field(default=None, compare=False)  # the named parameter value came from


@dataclass(frozen=True)
class AllOf:
    items: tuple["Condition", ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple["Condition", ...]


@dataclass(frozen=True)
class Not:
    item: "Condition"


Condition = Union[Atom, AllOf, AnyOf, Not]

# op -> the YAML key that writes it
OPERATORS = {
    "equals": "equals",
    "one_of": "one_of",
    "contains_any": "contains_any",
    "contains_all": "contains_all",
    "known": "is",
    "unknown": "is",
    "gt": "gt",
    "gte": "gte",
    "lt": "lt",
    "lte": "lte",
}
NUMERIC_OPS = ("gt", "gte", "lt", "lte")


def condition_facts(cond: Condition) -> tuple[str, ...]:
    """The fact ids a condition reads, in first-seen order."""
    seen: dict[str, None] = {}

    def walk(c: Condition) -> None:
        if isinstance(c, Atom):
            seen.setdefault(c.fact, None)
        elif isinstance(c, Not):
            walk(c.item)
        else:
            for item in c.items:
                walk(item)

    walk(cond)
    return tuple(seen)


# --- rules ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Citation:
    kind: str  # "commitment" or "purpose"
    number: int
    why: str
    governs: bool = True  # for a commitment: does it govern the situation, or is it also relevant?
    # For a commitment cited with role "fallback": it governs only a report where nothing else
    # does (consultation when you are unsure is the point only when nothing more specific is).
    fallback: bool = False


@dataclass(frozen=True)
class ActionRef:
    id: str
    urgency: str | None = None  # None: the catalogue's default
    note: str = ""
    # A supporting step (consulting, the agency's policy) that comes before the situation's own
    # steps of its urgency: the decision belongs to the supervisor or the agency, so ask first.
    leads: bool = False


@dataclass(frozen=True)
class TensionSpec:
    between: tuple[int, int]  # commitment numbers, lower first
    why: str


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    when: Condition
    file: str
    line: int
    priority: int = 50
    cites: tuple[Citation, ...] = ()
    actions: tuple[ActionRef, ...] = ()
    concludes: tuple[str, ...] = ()
    # Actions this rule takes out of the report: advice meant for the general case that would
    # mislead in this one (consult the supervisor when the supervisor is the concern). Never a
    # safety action; the report says what was replaced and why.
    replaces: tuple[str, ...] = ()
    tensions: tuple[TensionSpec, ...] = ()
    questions: tuple[str, ...] = ()
    comment: str = ""
    sources: tuple[str, ...] = ()
    # Example fact sets beside the rule: it must fire for each of `fires` and stay silent for
    # each of `silent` (a near miss). Tests run them all.
    fires: tuple[Mapping[str, Any], ...] = field(default=(), compare=False, hash=False)
    silent: tuple[Mapping[str, Any], ...] = field(default=(), compare=False, hash=False)
    # The line of each example in its file, by kind ("fires", "silent"): authoring checks cite it.
    example_lines: Mapping[str, tuple[int, ...]] = field(default_factory=dict, compare=False, hash=False)

    @cached_property
    def reads(self) -> tuple[str, ...]:
        """Worked out once: reports and "what else to find out" ask for it thousands of times."""
        return condition_facts(self.when)


# --- reuse: named parameters and conditions, topics ------------------------------------------

@dataclass(frozen=True)
class Parameter:
    """A threshold written once and referred to by name (the age of majority), with its meaning
    and where it comes from, so that a change in the law is one change in one place."""

    id: str
    value: int
    meaning: str
    source: str = ""
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Definition:
    """A named condition: written once under `definitions:`, used by name in any rule's `when`."""

    id: str
    meaning: str
    when: Condition
    file: str = ""
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Topic:
    """A training topic a scenario belongs to (ruleset.yaml `topics:`)."""

    id: str
    title: str


# --- the whole ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class RuleBase:
    name: str
    version: str
    sha256: str
    directory: str
    code: Code
    groups: tuple[FactGroup, ...]
    facts: Mapping[str, Fact]  # input facts first, then derived, in declaration order
    actions: Mapping[str, Action]  # catalogue order
    rules: tuple[Rule, ...]
    files: tuple[str, ...] = field(default=())
    generic_commitments: tuple[int, ...] = ()  # cited as "also relevant" unless a rule says they govern
    parameters: Mapping[str, Parameter] = field(default_factory=dict)
    definitions: Mapping[str, Definition] = field(default_factory=dict)
    topics: tuple[Topic, ...] = ()
    # What the validator points out without refusing the rules (a condition written out in
    # several rules): `nacm-ethics check` shows them as warnings.
    warnings: tuple[Issue, ...] = field(default=(), compare=False)

    def rule(self, rule_id: str) -> Rule:
        return self._rules_by_id[rule_id]

    @cached_property
    def _rules_by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    def position(self, rule_id: str) -> int:
        """Where a rule stands in the rule base (its files in name order, rules in file order)."""
        return self._positions[rule_id]

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {r.id: i for i, r in enumerate(self.rules)}

    @cached_property
    def input_facts(self) -> tuple[Fact, ...]:
        """Worked out once: every check of a set of facts (hundreds while validating) walks it."""
        return tuple(f for f in self.facts.values() if not f.derived)

    @cached_property
    def derived_facts(self) -> tuple[Fact, ...]:
        return tuple(f for f in self.facts.values() if f.derived)

    @cached_property
    def agreeing_facts(self) -> tuple[Fact, ...]:
        """The yes/no facts that must agree with a condition on other answers (agrees_with)."""
        return tuple(f for f in self.input_facts if f.agrees_with is not None)


# --- pure helpers over the model --------------------------------------------------------------

def shown(value: Any, limit: int = 60) -> str:
    """A value for an error message: on one line, cut short, never the whole of a hostile input."""
    import reprlib

    short = reprlib.Repr()
    short.maxlevel, short.maxlist, short.maxdict, short.maxstring, short.maxother = 2, 4, 4, limit, limit
    try:
        text = " ".join(short.repr(value).split())
    except ValueError:  # an integer too long for Python to print
        return "a number too long to show"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def value_kind(value: Any) -> str:
    """What kind of value a person gave, in their words ('a list', 'text'), never the name of
    one of our classes (a YAML list is read as a LineList, which means nothing to anyone)."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple, set, frozenset)):
        return "a list"
    return "a value of another kind"


def derivation_layers(rules: list[Rule] | tuple[Rule, ...]) -> dict[str, int]:
    """Layer of each rule: 0 reads no derived fact; n reads facts concluded in layers below n.

    Raises ValueError(rule id) when concluding loops back, which would make the answer depend on
    firing order.
    """
    concluders: dict[str, list[Rule]] = {}
    for r in rules:
        for d in r.concludes:
            concluders.setdefault(d, []).append(r)
    layers: dict[str, int] = {}
    visiting: set[str] = set()

    def layer(rule: Rule) -> int:
        if rule.id in layers:
            return layers[rule.id]
        if rule.id in visiting:
            raise ValueError(rule.id)
        visiting.add(rule.id)
        below = [layer(c) + 1 for f in rule.reads for c in concluders.get(f, ())]
        visiting.discard(rule.id)
        layers[rule.id] = max(below, default=0)
        return layers[rule.id]

    for r in rules:
        layer(r)
    return layers
