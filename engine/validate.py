"""Step 2 of 5: turn located YAML documents into a checked :class:`RuleBase`, or list every problem.

Two passes. The shape of each document (keys, types) is checked by pydantic models, whose error
locations are mapped back to YAML lines. Then the meaning is checked by hand: references to facts,
values, actions, commitments and purposes; duplicate ids; derived facts that nothing concludes or
nothing reads; chains that loop; conditions that can never hold; safety actions that a rule tries
to delay. Every problem becomes an :class:`Issue` with file, line, owner and field; they are all
reported together.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import replace
from typing import Any, Callable, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import FactsError, Issue, RuleBaseError, did_you_mean
from .facts import check_facts
from .load import Document, RawRuleBase
from .compile import MAX_TERMS_PER_RULE, atom_terms
from .model import (
    NUMERIC_OPS, Action, ActionRef, AllOf, AnyOf, Atom, Citation, Code, Commitment,
    Condition, Fact, FactGroup, Not, Purpose, Rule, RuleBase, Section, TensionSpec, condition_facts, derivation_layers,
    kind_of, shown, value_problem,
)
from .yamlio import line_at

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
RULE_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
COMMITMENT_COUNT = 28
PURPOSE_COUNT = 4
MAX_DNF_TERMS = 512  # past this the never-holds check is skipped rather than slow


# --- document shapes ----------------------------------------------------------------------------

class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class RulesetDoc(StrictModel):
    name: str
    version: str
    description: str = ""
    generic_commitments: list[int] = []
    comment: str = ""


class PurposeDoc(StrictModel):
    number: int
    title: str
    text: str


class CommitmentDoc(StrictModel):
    number: int
    title: str
    text: str
    comment: str = ""


class SectionDoc(StrictModel):
    id: str
    title: str
    commitments: list[CommitmentDoc]


class CodeDoc(StrictModel):
    title: str
    preamble: str
    scope: str
    application: str
    source: str
    purposes: list[PurposeDoc]
    sections: list[SectionDoc]
    comment: str = ""


class GroupDoc(StrictModel):
    id: str
    title: str
    question: str
    help: str = ""


class FactDoc(StrictModel):
    id: str
    group: str
    type: Literal["bool", "enum", "list", "int"]
    label: str
    question: str
    help: str = ""
    values: Optional[dict[str, str]] = None
    ask_if: Optional[dict[str, Any]] = None
    min: Optional[int] = None
    max: Optional[int] = None
    unit: str = ""
    unanswered: list[str] = []  # retired values still accepted in saved scenarios, read as "not known"
    comment: str = ""


class DerivedDoc(StrictModel):
    id: str
    label: str
    meaning: str
    comment: str = ""


class FactsDoc(StrictModel):
    groups: list[GroupDoc]
    facts: list[FactDoc]
    derived: list[DerivedDoc] = []
    comment: str = ""


class ActionDoc(StrictModel):
    id: str
    label: str
    guidance: str
    urgency: Literal["immediate", "soon", "routine"]
    safety: bool = False
    supporting: bool = False
    comment: str = ""


class ActionsDoc(StrictModel):
    actions: list[ActionDoc]
    comment: str = ""


class CiteDoc(StrictModel):
    commitment: Optional[int] = None
    purpose: Optional[int] = None
    role: Optional[Literal["governs", "also"]] = None
    why: str


class ActionRefDoc(StrictModel):
    id: str
    urgency: Optional[Literal["immediate", "soon", "routine"]] = None
    note: str = ""


class TensionDoc(StrictModel):
    between: list[int] = Field(min_length=2, max_length=2)
    why: str


class ExamplesDoc(StrictModel):
    fires: list[dict[str, Any]] = []
    silent: list[dict[str, Any]] = []


class RuleDoc(StrictModel):
    id: str
    title: str
    when: Any
    priority: int = Field(default=50, ge=0, le=100)
    cites: list[CiteDoc] = []
    actions: list[ActionRefDoc] = []
    concludes: list[str] = []
    replaces: list[str] = []
    tensions: list[TensionDoc] = []
    questions: list[str] = []
    comment: str = ""
    sources: list[str] = []
    examples: ExamplesDoc = ExamplesDoc()

    @field_validator("actions", mode="before")
    @classmethod
    def _bare_action_ids(cls, value: Any) -> Any:
        """`actions: [document]` is short for `actions: [{id: document}]`."""
        if isinstance(value, list):
            return [{"id": item} if isinstance(item, str) else item for item in value]
        return value


class RuleFileDoc(StrictModel):
    rules: list[RuleDoc]
    comment: str = ""


def _model_keys(*models: type[BaseModel]) -> set[str]:
    return {name for model in models for name in model.model_fields}


# Which item a location belongs to, by the list it sits in: ("rules", i) -> "rule <id>".
_OWNERS = {
    "rules": "rule", "facts": "fact", "derived": "derived fact", "groups": "group",
    "actions": "action", "purposes": "purpose", "sections": "section", "commitments": "commitment",
}


def _owner_and_field(data: Any, loc: tuple) -> tuple[str | None, str]:
    """Split a location into the item it belongs to and the field inside that item."""
    owner, owner_end, node = None, 0, data
    for i, step in enumerate(loc):
        if isinstance(step, int) and i > 0 and loc[i - 1] in _OWNERS and isinstance(node, list):
            item = node[step] if 0 <= step < len(node) else None
            name = None
            if isinstance(item, dict):
                name = item.get("id", item.get("number"))
            owner = f"{_OWNERS[loc[i - 1]]} {name if name is not None else f'#{step + 1}'}"
            owner_end = i + 1
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
        else:
            node = None
    return owner, _dotted(loc[owner_end:])


def _dotted(path: tuple | list) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def check_shape(doc: Document, model: type[BaseModel], issues: list[Issue]) -> Any:
    """Validate a document's shape; on failure add located issues and return None."""
    if not isinstance(doc.data, dict):
        got = "an empty file" if doc.data is None else kind_of(doc.data)
        issues.append(Issue(f"expected a mapping with keys {sorted(model.model_fields)}, got {got}",
                            file=doc.path, line=getattr(doc.data, "line", None) or 1))
        return None
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        known = _model_keys(*_ALL_MODELS)
        for err in exc.errors():
            loc = tuple(err["loc"])
            owner, field = _owner_and_field(doc.data, loc)
            line = line_at(doc.data, loc)
            kind = err["type"]
            if kind == "extra_forbidden":
                key = loc[-1]
                parent_owner, parent_field = _owner_and_field(doc.data, loc[:-1])
                message = f"unknown key '{key}'{did_you_mean(key, known)}"
                issues.append(Issue(message, doc.path, line, parent_owner, parent_field or None))
                continue
            if kind == "missing":
                key = loc[-1]
                parent_owner, parent_field = _owner_and_field(doc.data, loc[:-1])
                issues.append(Issue(f"missing required key '{key}'", doc.path,
                                    line_at(doc.data, loc[:-1]), parent_owner, parent_field or None))
                continue
            message = err["msg"][0].lower() + err["msg"][1:]
            if kind == "model_type":  # pydantic names the model class ("or instance of CiteDoc")
                message = "input should be a mapping"
            message = message.replace("a valid dictionary", "a mapping")
            if kind.endswith("_type") or kind in ("literal_error", "enum"):
                message += f", got {_show(err.get('input'))}"
            issues.append(Issue(message, doc.path, line, owner, field or None))
        return None


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return shown(value)


_ALL_MODELS = (RulesetDoc, PurposeDoc, CommitmentDoc, SectionDoc, CodeDoc, GroupDoc, FactDoc,
               DerivedDoc, FactsDoc, ActionDoc, ActionsDoc, CiteDoc, ActionRefDoc, TensionDoc,
               RuleDoc, RuleFileDoc)


# --- located helpers ------------------------------------------------------------------------------

class Locator:
    """Builds issues for one document, with lines looked up from the raw YAML by path."""

    def __init__(self, doc: Document, issues: list[Issue]):
        self.doc, self.issues = doc, issues

    def add(self, message: str, loc: tuple, owner: str | None = None, field: str | None = None) -> None:
        if owner is None:
            owner, derived_field = _owner_and_field(self.doc.data, loc)
            field = field if field is not None else (derived_field or None)
        self.issues.append(Issue(message, self.doc.path, line_at(self.doc.data, loc), owner, field))


def _check_id(place: Locator, value: str, loc: tuple, what: str, pattern=ID_PATTERN) -> None:
    if not pattern.match(value):
        place.add(f"{what} '{value}' must be lower case letters, digits and underscores"
                  + (" (dots separate parts)" if pattern is RULE_ID_PATTERN else ""), loc)


# --- the Code -----------------------------------------------------------------------------------

def _build_code(doc: Document, issues: list[Issue]) -> Code | None:
    parsed: CodeDoc | None = check_shape(doc, CodeDoc, issues)
    if parsed is None:
        return None
    place = Locator(doc, issues)
    start = len(issues)
    purposes = tuple(Purpose(p.number, p.title.strip(), p.text.strip()) for p in parsed.purposes)
    numbers = [p.number for p in purposes]
    if numbers != list(range(1, PURPOSE_COUNT + 1)):
        place.add(f"purposes must be numbered 1 to {PURPOSE_COUNT} in order, got {numbers}", ("purposes",))
    commitments: list[Commitment] = []
    sections: list[Section] = []
    seen_sections: set[str] = set()
    for si, s in enumerate(parsed.sections):
        _check_id(place, s.id, ("sections", si, "id"), "section id")
        if s.id in seen_sections:
            place.add(f"duplicate section id '{s.id}'", ("sections", si, "id"))
        seen_sections.add(s.id)
        for c in s.commitments:
            commitments.append(Commitment(c.number, s.title.strip(), s.id, c.title.strip(), c.text.strip()))
        sections.append(Section(s.id, s.title.strip(), tuple(c.number for c in s.commitments)))
    numbers = [c.number for c in commitments]
    if numbers != list(range(1, COMMITMENT_COUNT + 1)):
        place.add(f"commitments must be numbered 1 to {COMMITMENT_COUNT} in order across the sections,"
                  f" got {numbers}", ("sections",))
    for kind, items in (("purposes", parsed.purposes), ("sections", parsed.sections)):
        for i, item in enumerate(items):
            if hasattr(item, "text") and not item.text.strip():
                place.add("text must not be empty", (kind, i, "text"))
    if len(issues) > start:
        return None
    return Code(parsed.title.strip(), parsed.preamble.strip(), parsed.scope.strip(),
                parsed.application.strip(), parsed.source, purposes, tuple(sections), tuple(commitments))


# --- facts --------------------------------------------------------------------------------------

def _build_facts(doc: Document, issues: list[Issue]) -> tuple[tuple[FactGroup, ...], dict[str, Fact]] | None:
    parsed: FactsDoc | None = check_shape(doc, FactsDoc, issues)
    if parsed is None:
        return None
    place = Locator(doc, issues)
    start = len(issues)
    groups: list[FactGroup] = []
    for gi, g in enumerate(parsed.groups):
        _check_id(place, g.id, ("groups", gi, "id"), "group id")
        if any(x.id == g.id for x in groups):
            place.add(f"duplicate group id '{g.id}'", ("groups", gi, "id"))
        groups.append(FactGroup(g.id, g.title.strip(), g.question.strip(), g.help.strip()))
    group_ids = [g.id for g in groups]

    facts: dict[str, Fact] = {}
    first_line: dict[str, tuple] = {}
    for fi, f in enumerate(parsed.facts):
        loc = ("facts", fi)
        _check_id(place, f.id, loc + ("id",), "fact id")
        if f.id in facts:
            place.add(f"duplicate fact id '{f.id}'", loc + ("id",))
        if f.group not in group_ids:
            place.add(f"unknown group '{f.group}'{did_you_mean(f.group, group_ids)}", loc + ("group",))
        values: tuple[tuple[str, str], ...] = ()
        if f.type in ("enum", "list"):
            if not f.values:
                place.add(f"a {f.type} fact needs 'values' (value id: label)", loc)
            else:
                for value_id in f.values:
                    _check_id(place, str(value_id), loc + ("values", value_id), "value id")
                values = tuple((str(k), v) for k, v in f.values.items())
        elif f.values:
            place.add(f"a {f.type} fact takes no 'values'", loc + ("values",))
        if f.type != "int" and (f.min is not None or f.max is not None or f.unit):
            place.add("'min', 'max' and 'unit' are for int facts only", loc)
        if f.type == "int" and f.min is not None and f.max is not None and f.min > f.max:
            place.add(f"min {f.min} is greater than max {f.max}", loc + ("min",))
        for i, alias in enumerate(f.unanswered):
            if f.type not in ("enum", "list"):
                place.add("'unanswered' is for enum and list facts only", loc + ("unanswered", i))
            elif alias in dict(values):
                place.add(f"'{alias}' is both a value and read as unanswered; keep it in one place",
                          loc + ("unanswered", i))
        facts[f.id] = Fact(id=f.id, type=f.type, group=f.group, label=f.label.strip(),
                           question=f.question.strip(), help=f.help.strip(), values=values,
                           minimum=f.min, maximum=f.max, unit=f.unit,
                           unanswered=tuple(f.unanswered))
        first_line[f.id] = loc

    # ask_if is checked once every fact is known, since it may point forward.
    for fi, f in enumerate(parsed.facts):
        if not f.ask_if or f.id not in facts:
            continue
        conditions = []
        for parent_id, accepted in f.ask_if.items():
            loc = ("facts", fi, "ask_if", parent_id)
            parent = facts.get(parent_id)
            if parent is None:
                place.add(f"unknown fact '{parent_id}'{did_you_mean(parent_id, facts)}", loc)
                continue
            if parent_id == f.id:
                place.add("a fact cannot be asked only when it is itself known", loc)
                continue
            accepted_values = tuple(accepted) if isinstance(accepted, list) else (accepted,)
            for value in accepted_values:
                problem = value_problem(parent, value)
                if problem:
                    place.add(problem, loc)
            conditions.append((parent_id, accepted_values))
        facts[f.id] = replace(facts[f.id], ask_if=tuple(conditions))
    _check_ask_if_cycles(facts, place, first_line)

    for di, d in enumerate(parsed.derived):
        loc = ("derived", di)
        _check_id(place, d.id, loc + ("id",), "derived fact id")
        if d.id in facts:
            place.add(f"duplicate fact id '{d.id}' (derived facts share the fact namespace)", loc + ("id",))
        facts[d.id] = Fact(id=d.id, type="bool", group="derived", label=d.label.strip(),
                           question="", help=d.meaning.strip(), derived=True)
        first_line[d.id] = loc
    if len(issues) > start:
        return None
    return tuple(groups), facts


def _check_ask_if_cycles(facts: dict[str, Fact], place: Locator, locs: dict[str, tuple]) -> None:
    for fact in facts.values():
        seen, current = [fact.id], fact
        while current.ask_if:
            parent = current.ask_if[0][0]
            if parent in seen:
                place.add(f"ask_if loops: {' -> '.join(seen + [parent])}", locs[fact.id] + ("ask_if",))
                break
            seen.append(parent)
            current = facts.get(parent)
            if current is None:
                break


# --- actions ------------------------------------------------------------------------------------

def _build_actions(doc: Document, issues: list[Issue]) -> dict[str, Action] | None:
    parsed: ActionsDoc | None = check_shape(doc, ActionsDoc, issues)
    if parsed is None:
        return None
    place = Locator(doc, issues)
    start = len(issues)
    actions: dict[str, Action] = {}
    for ai, a in enumerate(parsed.actions):
        loc = ("actions", ai)
        _check_id(place, a.id, loc + ("id",), "action id")
        if a.id in actions:
            place.add(f"duplicate action id '{a.id}'", loc + ("id",))
        if a.safety and a.urgency != "immediate":
            place.add("a safety action is always immediate", loc + ("urgency",))
        if a.safety and a.supporting:
            place.add("a safety action comes first; it cannot also be 'supporting'", loc + ("supporting",),
                      f"action {a.id}", "supporting")
        actions[a.id] = Action(a.id, a.label.strip(), a.guidance.strip(), a.urgency, a.safety, a.supporting)
    if len(issues) > start:
        return None
    return actions


# --- conditions ---------------------------------------------------------------------------------

_COMBINATORS = ("all", "any", "not")
_ATOM_KEYS = ("fact", "equals", "one_of", "contains_any", "contains_all", "is", "gt", "gte", "lt", "lte",
              "comment")
_OPS_BY_TYPE = {
    "bool": ("equals", "is"),
    "enum": ("equals", "one_of", "is"),
    "list": ("contains_any", "contains_all", "is"),
    "int": ("equals", "one_of", "is", "gt", "gte", "lt", "lte"),
}


def parse_condition(node: Any, facts: dict[str, Fact], report: Callable[[str, tuple], None],
                    path: tuple = ()) -> Condition | None:
    """Parse a condition; report(message, path) for each problem; None when it is unusable."""
    if isinstance(node, str):
        fact = facts.get(node)
        if fact is None:
            report(f"unknown fact '{node}'{did_you_mean(node, facts)}", path)
            return None
        if fact.type != "bool":
            report(f"'{node}' alone means '{node} is true', but '{node}' is a {fact.type} fact;"
                   f" write a test such as {{fact: {node}, {_OPS_BY_TYPE[fact.type][0]}: ...}}", path)
            return None
        return Atom(node, "equals", True)
    if not isinstance(node, dict) or not node:
        report(f"a condition is a fact id, or a mapping with 'fact' or one of {list(_COMBINATORS)},"
               f" got {_show(node)}", path)
        return None
    combinators = [k for k in node if k in _COMBINATORS]
    if combinators:
        if len(node) != 1:
            others = [k for k in node if k != combinators[0]]
            report(f"'{combinators[0]}' stands alone in its mapping; move {others} into its own item",
                   path + (others[0],))
            return None
        key = combinators[0]
        body = node[key]
        if key == "not":
            inner = parse_condition(body, facts, report, path + ("not",))
            return Not(inner) if inner is not None else None
        if not isinstance(body, list) or not body:
            report(f"'{key}' takes a non-empty list of conditions", path + (key,))
            return None
        items = [parse_condition(item, facts, report, path + (key, i)) for i, item in enumerate(body)]
        if any(item is None for item in items):
            return None
        return AllOf(tuple(items)) if key == "all" else AnyOf(tuple(items))
    if "fact" not in node:
        unknown = next(iter(node))
        report(f"unknown key '{unknown}'{did_you_mean(unknown, _ATOM_KEYS + _COMBINATORS)}; a condition"
               f" needs 'fact' or one of {list(_COMBINATORS)}", path + (unknown,))
        return None
    return _parse_atom(node, facts, report, path)


def _parse_atom(node: dict, facts: dict[str, Fact], report: Callable[[str, tuple], None],
                path: tuple) -> Atom | None:
    ok = True
    for key in node:
        if key not in _ATOM_KEYS:
            report(f"unknown key '{key}'{did_you_mean(key, _ATOM_KEYS)}", path + (key,))
            ok = False
    fact_id = node["fact"]
    fact = facts.get(fact_id) if isinstance(fact_id, str) else None
    if fact is None:
        report(f"unknown fact '{fact_id}'{did_you_mean(fact_id, facts)}", path + ("fact",))
        return None
    ops = [k for k in node if k in _ATOM_KEYS and k not in ("fact", "comment")]
    if len(ops) != 1:
        report(f"a test on '{fact_id}' needs exactly one of {list(_OPS_BY_TYPE[fact.type])}"
               + (f", got {ops}" if ops else ""), path)
        return None
    key = ops[0]
    value = node[key]
    where = path + (key,)
    allowed = _OPS_BY_TYPE[fact.type]
    if key not in allowed:
        report(f"'{key}' does not apply to '{fact_id}', a {fact.type} fact; use one of {list(allowed)}", where)
        return None
    if not ok:
        return None
    if key == "is":
        if value not in ("known", "unknown"):
            report(f"'is' takes 'known' or 'unknown', got {shown(value)}", where)
            return None
        if fact.derived:
            report(f"'{fact_id}' is derived, so it is always known (true when a rule concluded it);"
                   " test it with 'equals'", where)
            return None
        return Atom(fact_id, value)
    if key == "equals":
        problem = value_problem(fact, value)
        if problem:
            report(problem, where)
            return None
        return Atom(fact_id, "equals", value)
    if key in ("one_of", "contains_any", "contains_all"):
        items = value if isinstance(value, list) else [value] if key != "one_of" else None
        if not items:
            report(f"'{key}' takes a non-empty list of values of '{fact_id}'", where)
            return None
        problems = [p for p in (value_problem(fact, v) for v in items) if p]
        if problems:
            report(problems[0], where)
            return None
        ordered = tuple(dict.fromkeys(items))
        return Atom(fact_id, key, ordered)
    # numeric comparisons
    if isinstance(value, bool) or not isinstance(value, int):
        report(f"'{key}' compares with a whole number, got {shown(value)}", where)
        return None
    return Atom(fact_id, key, value)


# --- is a condition small enough to expand? -----------------------------------------------------

_SATURATED = 10 ** 9  # counting stops here: a count this large is refused whatever it is exactly


def alternatives_count(cond: Condition, facts: dict[str, Fact], positive: bool = True) -> int:
    """How many alternatives the compiler would write a condition out into, counted from the tree
    without writing any out: 'all' multiplies its items' counts, 'any' adds them ('not' swaps the
    two), an atom counts as the compiler's own alternatives for it (one_of [a, b] is two). An upper
    bound: the compiler then drops duplicate and contradictory alternatives. Saturates at 10^9."""
    if isinstance(cond, Atom):
        return len(atom_terms(cond, facts[cond.fact], positive))
    if isinstance(cond, Not):
        return alternatives_count(cond.item, facts, not positive)
    counts = (alternatives_count(item, facts, positive) for item in cond.items)
    if isinstance(cond, AllOf) == positive:
        total = 1
        for count in counts:
            total = min(total * count, _SATURATED)
        return total
    return min(sum(counts), _SATURATED)


def expansion_problem(cond: Condition, facts: dict[str, Fact]) -> str | None:
    """Why a condition is too large to expand (nested all/any grow as a product), or None. Checked
    before anything expands it: 64 atoms nested five levels deep would otherwise take minutes."""
    count = alternatives_count(cond, facts)
    if count <= MAX_TERMS_PER_RULE:
        return None
    words = f"{count:,}" if count < _SATURATED else "more than a billion"
    return (f"its condition is too large: written out it has {words} alternative ways to hold ('all'"
            f" multiplies them, 'any' and 'one_of' add them), and the rules engine takes at most"
            f" {MAX_TERMS_PER_RULE} per rule; split it into smaller rules")


# --- can a condition ever hold? -----------------------------------------------------------------

def _literals(cond: Condition, positive: bool = True) -> list[list[tuple[Atom, bool]]] | None:
    """Disjunctive normal form as lists of (atom, positive); None when it grows too large."""
    if isinstance(cond, Atom):
        return [[(cond, positive)]]
    if isinstance(cond, Not):
        return _literals(cond.item, not positive)
    conjunctive = isinstance(cond, AllOf) == positive
    parts = [_literals(item, positive) for item in cond.items]
    if any(p is None for p in parts):
        return None
    if not conjunctive:
        terms = [term for part in parts for term in part]
        return terms if len(terms) <= MAX_DNF_TERMS else None
    terms: list[list[tuple[Atom, bool]]] = [[]]
    for part in parts:
        terms = [a + b for a in terms for b in part]
        if len(terms) > MAX_DNF_TERMS:
            return None
    return terms


def atom_holds(atom: Atom, value: Any) -> bool:
    """What an atom means, for one value of its fact (None: not known). Used for static checks."""
    if atom.op == "known":
        return value is not None
    if atom.op == "unknown":
        return value is None
    if value is None:
        return False
    if atom.op == "equals":
        return value == atom.value and type(value) is type(atom.value)
    if atom.op == "one_of":
        return value in atom.value
    if atom.op == "contains_any":
        return any(v in value for v in atom.value)
    if atom.op == "contains_all":
        return all(v in value for v in atom.value)
    threshold = atom.value
    return {"gt": value > threshold, "gte": value >= threshold,
            "lt": value < threshold, "lte": value <= threshold}[atom.op]


def fact_domain(fact: Fact, thresholds: tuple[int, ...] = ()) -> list[Any]:
    """Every value a fact can take that could make a difference to a condition."""
    if fact.derived:
        return [True, False]
    if fact.type == "bool":
        return [None, True, False]
    if fact.type == "enum":
        return [None, *fact.value_ids]
    if fact.type == "list":
        ids = fact.value_ids
        return [None] + [tuple(c) for n in range(len(ids) + 1) for c in itertools.combinations(ids, n)]
    points = {t + d for t in thresholds for d in (-1, 0, 1)}
    if fact.minimum is not None:
        points.add(fact.minimum)
    if fact.maximum is not None:
        points.add(fact.maximum)
    points = {p for p in points if (fact.minimum is None or p >= fact.minimum)
              and (fact.maximum is None or p <= fact.maximum)}
    return [None, *sorted(points)]


def can_ever_hold(cond: Condition, facts: dict[str, Fact]) -> bool:
    terms = _literals(cond)
    if terms is None:
        return True  # too large to decide cheaply: give it the benefit of the doubt
    for term in terms:
        by_fact: dict[str, list[tuple[Atom, bool]]] = {}
        for atom, positive in term:
            by_fact.setdefault(atom.fact, []).append((atom, positive))
        if all(_satisfiable(facts[f], lits) for f, lits in by_fact.items()):
            return True
    return False


def _satisfiable(fact: Fact, literals: list[tuple[Atom, bool]]) -> bool:
    thresholds = tuple(a.value for a, _ in literals if a.op in NUMERIC_OPS or
                       (a.op == "equals" and fact.type == "int"))
    thresholds += tuple(v for a, _ in literals if a.op == "one_of" and fact.type == "int" for v in a.value)
    return any(all(atom_holds(a, v) == pos for a, pos in literals) for v in fact_domain(fact, thresholds))


# --- rules --------------------------------------------------------------------------------------

def _build_rules(docs: tuple[Document, ...], code: Code, facts: dict[str, Fact],
                 actions: dict[str, Action], facts_doc: Document,
                 issues: list[Issue], generic: frozenset[int] = frozenset()) -> tuple[Rule, ...] | None:
    rules: list[Rule] = []
    places: dict[str, tuple[Locator, tuple]] = {}
    start = len(issues)
    commitment_numbers = {c.number for c in code.commitments}
    purpose_numbers = {p.number for p in code.purposes}
    derived_ids = [f.id for f in facts.values() if f.derived]
    for doc in docs:
        parsed: RuleFileDoc | None = check_shape(doc, RuleFileDoc, issues)
        if parsed is None:
            continue
        place = Locator(doc, issues)
        for ri, r in enumerate(parsed.rules):
            loc = ("rules", ri)
            owner = f"rule {r.id}"
            before = len(issues)

            def report(message: str, path: tuple, _loc=loc, _owner=owner, _place=place) -> None:
                _place.add(message, _loc + ("when",) + path, _owner, _dotted(("when",) + path))

            _check_id(place, r.id, loc + ("id",), "rule id", RULE_ID_PATTERN)
            if r.id in places:
                other_place, other_loc = places[r.id]
                first = line_at(other_place.doc.data, other_loc)
                place.add(f"duplicate rule id '{r.id}' (first in {other_place.doc.path}:{first})",
                          loc + ("id",), owner, "id")
            places.setdefault(r.id, (place, loc))
            when = parse_condition(r.when, facts, report)
            too_large = when is not None and expansion_problem(when, facts)
            if too_large:  # refused before anything expands it (can_ever_hold, the compiler)
                report(too_large, ())
            elif when is not None and not can_ever_hold(when, facts):
                report("this condition can never hold (its tests contradict each other)", ())
            cites = []
            for ci, c in enumerate(r.cites):
                cloc = loc + ("cites", ci)
                if (c.commitment is None) == (c.purpose is None):
                    place.add("a citation names exactly one of 'commitment' or 'purpose'", cloc, owner,
                              _dotted(("cites", ci)))
                elif c.commitment is not None and c.commitment not in commitment_numbers:
                    place.add(f"the Code has no commitment {c.commitment} (1-{COMMITMENT_COUNT})",
                              cloc + ("commitment",), owner, _dotted(("cites", ci, "commitment")))
                elif c.purpose is not None and c.purpose not in purpose_numbers:
                    place.add(f"the Code has no purpose {c.purpose} (1-{PURPOSE_COUNT})",
                              cloc + ("purpose",), owner, _dotted(("cites", ci, "purpose")))
                elif c.purpose is not None and c.role is not None:
                    place.add("'role' is for commitments: a purpose is served, it does not govern",
                              cloc + ("role",), owner, _dotted(("cites", ci, "role")))
                else:
                    kind = "commitment" if c.commitment is not None else "purpose"
                    number = c.commitment if c.commitment is not None else c.purpose
                    if any(x.kind == kind and x.number == number for x in cites):
                        place.add(f"{kind} {number} is cited twice", cloc, owner, _dotted(("cites", ci)))
                    governs = kind == "commitment" and ((c.role == "governs") if c.role else number not in generic)
                    cites.append(Citation(kind, number, c.why.strip(), governs))
            refs = []
            for ai, a in enumerate(r.actions):
                aloc = loc + ("actions", ai)
                field = _dotted(("actions", ai, "id"))
                if a.id not in actions:
                    place.add(f"unknown action '{a.id}'{did_you_mean(a.id, actions)}", aloc + ("id",),
                              owner, field)
                    continue
                if any(x.id == a.id for x in refs):
                    place.add(f"action '{a.id}' is listed twice", aloc, owner, field)
                if actions[a.id].safety and a.urgency not in (None, "immediate"):
                    place.add(f"'{a.id}' is a safety action and is always immediate: it must never be"
                              f" delayed (remove 'urgency: {a.urgency}')", aloc + ("urgency",), owner,
                              _dotted(("actions", ai, "urgency")))
                refs.append(ActionRef(a.id, a.urgency, a.note.strip()))
            for xi, x in enumerate(r.replaces):
                xloc, field = loc + ("replaces", xi), _dotted(("replaces", xi))
                if x not in actions:
                    place.add(f"unknown action '{x}'{did_you_mean(x, actions)}", xloc, owner, field)
                elif actions[x].safety:
                    place.add(f"'{x}' is a safety action: no rule may take it out of a report", xloc, owner, field)
                elif any(ref.id == x for ref in refs):
                    place.add(f"the rule both recommends and replaces '{x}'", xloc, owner, field)
            for di, d in enumerate(r.concludes):
                if d not in facts or not facts[d].derived:
                    hint = (" (it is an input fact: only derived facts can be concluded)" if d in facts
                            else did_you_mean(d, derived_ids))
                    place.add(f"unknown derived fact '{d}'{hint}", loc + ("concludes", di), owner,
                              _dotted(("concludes", di)))
                elif when is not None and d in condition_facts(when):
                    place.add(f"a rule cannot conclude '{d}', which its own condition reads",
                              loc + ("concludes", di), owner, _dotted(("concludes", di)))
            tensions = []
            for ti, t in enumerate(r.tensions):
                tloc = loc + ("tensions", ti, "between")
                a, b = t.between
                bad = [n for n in (a, b) if n not in commitment_numbers]
                if bad:
                    place.add(f"the Code has no commitment {bad[0]} (1-{COMMITMENT_COUNT})", tloc, owner,
                              _dotted(("tensions", ti, "between")))
                elif a == b:
                    place.add("a tension is between two different commitments", tloc, owner,
                              _dotted(("tensions", ti, "between")))
                else:
                    tensions.append(TensionSpec((min(a, b), max(a, b)), t.why.strip()))
            if not (r.cites or r.actions or r.concludes or r.tensions or r.questions or r.replaces):
                place.add("the rule says nothing: give it cites, actions, concludes, tensions or questions",
                          loc, owner, None)
            if len(issues) == before and when is not None:
                rules.append(Rule(
                    id=r.id, title=r.title.strip(), when=when, file=doc.path,
                    line=line_at(doc.data, loc) or 0, priority=r.priority, cites=tuple(cites),
                    actions=tuple(refs), concludes=tuple(dict.fromkeys(r.concludes)),
                    replaces=tuple(dict.fromkeys(r.replaces)),
                    tensions=tuple(tensions), questions=tuple(q.strip() for q in r.questions),
                    comment=r.comment.strip(), sources=tuple(r.sources),
                    fires=tuple(doc.data["rules"][ri].get("examples", {}).get("fires", ())),
                    silent=tuple(doc.data["rules"][ri].get("examples", {}).get("silent", ())),
                    example_lines={kind: tuple(line_at(doc.data, loc + ("examples", kind, k)) or 0
                                               for k in range(len(doc.data["rules"][ri].get("examples", {})
                                                                  .get(kind, ()))))
                                   for kind in ("fires", "silent")}))
    if len(issues) > start:
        return None
    _check_derived(rules, facts, places, Locator(facts_doc, issues))
    if len(issues) > start:
        return None
    return tuple(rules)


def _check_derived(rules: list[Rule], facts: dict[str, Fact], places: dict[str, tuple[Locator, tuple]],
                   facts_place: Locator) -> None:
    """Every derived fact is concluded by some rule and read by some rule, and chains never loop."""
    concluded = {d for r in rules for d in r.concludes}
    read = {f for r in rules for f in r.reads}
    declared = [d.get("id") if isinstance(d, dict) else None
                for d in (facts_place.doc.data.get("derived") or [])]
    for fact in facts.values():
        if not fact.derived:
            continue
        loc = ("derived", declared.index(fact.id)) if fact.id in declared else ("derived",)
        if fact.id not in concluded:
            facts_place.add("no rule concludes it, so it could never be true", loc + ("id",),
                            f"derived fact {fact.id}", None)
        if fact.id not in read:
            facts_place.add("no rule reads it: use it in a condition or remove it", loc + ("id",),
                            f"derived fact {fact.id}", None)
    try:
        derivation_layers(rules)
    except ValueError as exc:
        rule_id = str(exc)
        place, loc = places[rule_id]
        place.add("derived facts loop: this rule depends, through other rules, on what it concludes",
                  loc + ("concludes",), f"rule {rule_id}", "concludes")


# --- the whole ----------------------------------------------------------------------------------

def validate(raw: RawRuleBase) -> RuleBase:
    """Check every document; raise RuleBaseError listing every problem found."""
    issues: list[Issue] = []
    ruleset: RulesetDoc | None = check_shape(raw.ruleset, RulesetDoc, issues)
    code = _build_code(raw.code, issues)
    facts_part = _build_facts(raw.facts, issues)
    actions = _build_actions(raw.actions, issues)
    if code is None or facts_part is None or actions is None or ruleset is None:
        # Rules cannot be checked against a vocabulary that is itself broken; still check shapes.
        for doc in raw.rule_files:
            check_shape(doc, RuleFileDoc, issues)
        raise RuleBaseError(issues)
    groups, facts = facts_part
    known = {c.number for c in code.commitments}
    for i, number in enumerate(ruleset.generic_commitments):
        if number not in known:
            issues.append(Issue(f"the Code has no commitment {number} (1-{COMMITMENT_COUNT})",
                                file=raw.ruleset.path, line=line_at(raw.ruleset.data, ("generic_commitments", i)),
                                field=f"generic_commitments.{i}"))
    generic = frozenset(ruleset.generic_commitments)
    rules = _build_rules(raw.rule_files, code, facts, actions, raw.facts, issues, generic)
    if rules is not None and not rules:
        issues.append(Issue("no rules found: add at least one rule file (*.yaml) with a 'rules:' list",
                            file=str(raw.directory)))
    if issues or rules is None:
        raise RuleBaseError(issues)
    rulebase = RuleBase(name=ruleset.name, version=ruleset.version, sha256=raw.sha256,
                        directory=str(raw.directory), code=code, groups=groups, facts=facts,
                        actions=actions, rules=rules, generic_commitments=tuple(sorted(generic)),
                        files=tuple(d.path for d in (raw.ruleset, raw.code, raw.facts, raw.actions,
                                                     *raw.rule_files)))
    return _with_checked_examples(rulebase)


def _with_checked_examples(rulebase: RuleBase) -> RuleBase:
    """Check each rule's example facts against the vocabulary; store them normalised."""
    issues: list[Issue] = []
    rules = []
    for rule in rulebase.rules:
        checked: dict[str, list] = {"fires": [], "silent": []}
        for kind in checked:
            for i, example in enumerate(getattr(rule, kind)):
                try:
                    checked[kind].append(check_facts(rulebase, example, rule.file, (f"examples.{kind}[{i}]",)).values)
                except FactsError as exc:
                    issues.extend(replace(x, owner=f"rule {rule.id}") for x in exc.issues)
        rules.append(replace(rule, fires=tuple(checked["fires"]), silent=tuple(checked["silent"])))
    if issues:
        raise RuleBaseError(issues)
    return replace(rulebase, rules=tuple(rules))


__all__ = ["validate", "parse_condition", "can_ever_hold", "atom_holds", "fact_domain", "alternatives_count",
           "expansion_problem"]
