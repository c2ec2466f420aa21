"""The condition language of a rule's `when`: parsing it, expanding it, and what it means.

    parse_condition   YAML -> Atom / AllOf / AnyOf / Not (model.py), each problem reported in the
                      author's words with the path to the offending part
    expand            THE expansion of a condition into alternatives (disjunctive normal form):
                      the validator's never-holds check and the compiler (compile.condition_terms)
                      both expand through it, each with its own literals
    can_ever_hold     whether some facts could make a condition true (static check)
    atom_holds        what one test means for one value of its fact

A condition is a fact id (a yes/no fact that is true), the name of a named condition (a
rule file's `definitions:`), a test `{fact: X, <op>: value}`, or `all: [...]`, `any: [...]`,
`not: ...` over conditions. A number in a test may be the name of a parameter (ruleset.yaml
`parameters:`), such as `{fact: individual_age, lt: age_of_majority}`.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from .messages import got, inline, kind_of, say, suggestion, test_example, value_problem
from .model import NUMERIC_OPS, AllOf, AnyOf, Atom, Condition, Fact, Not

COMBINATORS = ("all", "any", "not")
TEST_KEYS = ("fact", "equals", "one_of", "contains_any", "contains_all", "is", "gt", "gte", "lt", "lte")
ATOM_KEYS = TEST_KEYS + ("comment",)
OPS_BY_TYPE = {
    "bool": ("equals", "is"),
    "enum": ("equals", "one_of", "is"),
    "list": ("contains_any", "contains_all", "is"),
    "int": ("equals", "one_of", "is", "gt", "gte", "lt", "lte"),
}
MAX_DNF_TERMS = 512  # past this the never-holds check is skipped rather than slow

# report(message, path within the condition, point): point "key" puts the caret under the key
# at the end of path, "value" (the default) under its value.
Report = Callable[..., None]


@dataclass(frozen=True)
class Names:
    """What a condition may refer to by name besides facts: named conditions and parameters.

    `resolve(name)` gives a named condition's parsed condition, or None and why not (it loops,
    or has problems of its own). `written`, when given, collects every condition as the author
    wrote it, with its path (a named condition's own parts are not collected where it is used):
    the repeated-condition check reads it."""

    conditions: Sequence[str] = ()
    resolve: Callable[[str], tuple[Condition | None, str | None]] | None = None
    parameters: Mapping[str, int] = field(default_factory=dict)
    written: list | None = None


NO_NAMES = Names()


def _written(names: Names, cond: Condition | None, path: tuple) -> Condition | None:
    if cond is not None and names.written is not None:
        names.written.append((cond, path))
    return cond


def _ops(fact: Fact) -> str:
    return ", ".join(OPS_BY_TYPE[fact.type])


def parse_condition(node: Any, facts: Mapping[str, Fact], report: Report, path: tuple = (),
                    names: Names = NO_NAMES) -> Condition | None:
    """Parse a condition; report(message, path[, point]) for each problem; None when it is unusable."""
    if isinstance(node, str):
        fact = facts.get(node)
        if fact is None and node in names.conditions and names.resolve is not None:
            named, problem = names.resolve(node)
            if named is None:
                report(problem or say("named_condition_broken", name=node), path)
            return named
        if fact is None:
            known = list(facts) + list(names.conditions)
            report(say("unknown_fact", fact=node, suggestion=suggestion(node, known, synonyms=False)), path)
            return None
        if fact.type != "bool":
            report(say("bare_fact_not_yes_no", fact=node, kind=kind_of(fact), example=test_example(fact)), path)
            return None
        return Atom(node, "equals", True)
    if isinstance(node, list) and node:
        report(say("not_a_condition", got=got(node),
                   hint=": put 'all:' (every one holds) or 'any:' (at least one holds) before the list"), path)
        return None
    if not isinstance(node, dict) or not node:
        report(say("not_a_condition", got=got(node)), path)
        return None
    combinators = [k for k in node if k in COMBINATORS]
    if combinators:
        if len(node) != 1:
            others = [k for k in node if k != combinators[0]]
            report(say("combinator_alone", key=combinators[0], others=others), path + (others[0],), "key")
            return None
        key = combinators[0]
        body = node[key]
        if key == "not":
            if isinstance(body, list):
                report(say("not_one_condition"), path + ("not",))
                return None
            inner = parse_condition(body, facts, report, path + ("not",), names)
            return _written(names, Not(inner), path) if inner is not None else None
        if not isinstance(body, list) or not body:
            hint = (": write each condition as a '- ' item under it" if isinstance(body, (str, dict)) and body
                    else "")
            report(say("combinator_list", key=key, hint=hint), path + (key,))
            return None
        items = [parse_condition(item, facts, report, path + (key, i), names) for i, item in enumerate(body)]
        if any(item is None for item in items):
            return None
        return _written(names, AllOf(tuple(items)) if key == "all" else AnyOf(tuple(items)), path)
    if "fact" not in node:
        unknown = next(iter(node))
        hint = ""
        if isinstance(unknown, str) and unknown in facts:
            value = node[unknown]
            hint = (f": to test '{unknown}', write {{fact: {unknown}, equals: {inline(value)}}}"
                    + (f", or just {unknown}" if value is True and facts[unknown].type == "bool" else ""))
        report(say("condition_key", key=unknown,
                   suggestion="" if hint else suggestion(unknown, ATOM_KEYS + COMBINATORS), hint=hint),
               path + (unknown,), "key")
        return None
    return _written(names, _parse_atom(node, facts, report, path, names), path)


def _parse_atom(node: dict, facts: Mapping[str, Fact], report: Report, path: tuple, names: Names) -> Atom | None:
    ok = True
    for key in node:
        if key not in ATOM_KEYS:
            report(say("condition_key_in_test", key=key, suggestion=suggestion(key, ATOM_KEYS)), path + (key,), "key")
            ok = False
    fact_id = node["fact"]
    fact = facts.get(fact_id) if isinstance(fact_id, str) else None
    if fact is None:
        report(say("unknown_fact", fact=fact_id if isinstance(fact_id, str) else got(fact_id),
                   suggestion=suggestion(fact_id, facts, synonyms=False)), path + ("fact",))
        return None
    ops = [k for k in node if k in ATOM_KEYS and k not in ("fact", "comment")]
    if not ops and not ok:
        return None  # the unknown key was the test, misspelt: already said
    if len(ops) != 1:
        report(say("one_test", fact=fact_id, ops=_ops(fact), got=f", got {', '.join(ops)}" if ops else ""), path)
        return None
    key = ops[0]
    value = node[key]
    where = path + (key,)
    if key not in OPS_BY_TYPE[fact.type]:
        report(say("test_not_for_kind", op=key, fact=fact_id, kind=kind_of(fact), ops=_ops(fact),
                   hint=_operator_hint(fact, key)), where, "key")
        return None
    if not ok:
        return None
    if key == "is":
        if value not in ("known", "unknown"):
            hint = f"; to test its value, write equals: {inline(value)}" if isinstance(value, bool) else ""
            report(say("is_known", got=got(value), hint=hint), where)
            return None
        if fact.derived:
            report(say("is_on_derived", fact=fact_id), where)
            return None
        return Atom(fact_id, value)
    parameter = None
    if fact.type == "int" and isinstance(value, str) and value in names.parameters:
        parameter, value = value, names.parameters[value]
    if key == "equals":
        if isinstance(value, list):
            hint = ": for several values write one_of: [...]" if "one_of" in OPS_BY_TYPE[fact.type] else ""
            report(say("equals_one_value", hint=hint), where)
            return None
        problem = value_problem(fact, value)
        if problem:
            report(problem, where)
            return None
        return Atom(fact_id, "equals", value, parameter)
    if key in ("one_of", "contains_any", "contains_all"):
        items = value if isinstance(value, list) else [value] if key != "one_of" else None
        if not items:
            hint = f": write one_of: [{inline(value)}], or equals: {inline(value)}" if key == "one_of" and value else ""
            report(say("values_list", op=key, fact=fact_id, hint=hint), where)
            return None
        problems = [p for p in (value_problem(fact, v) for v in items) if p]
        if problems:
            report(problems[0], where)
            return None
        ordered = tuple(dict.fromkeys(items))
        return Atom(fact_id, key, ordered)
    # numeric comparisons
    if isinstance(value, bool) or not isinstance(value, int):
        hint = " (write the number without quotes)" if isinstance(value, str) and value.strip().isdigit() else ""
        if isinstance(value, str) and not hint:
            close = suggestion(value, names.parameters, synonyms=False)
            hint = (f"; no parameter has that name{close}" if names.parameters
                    else "; a name here must be one of ruleset.yaml's parameters")
        report(say("compare_number", op=key, got=got(value), hint=hint), where)
        return None
    return Atom(fact_id, key, value, parameter)


def _operator_hint(fact: Fact, op: str) -> str:
    """The test that was probably meant, for the common mix-ups."""
    if fact.type == "list" and op in ("equals", "one_of"):
        return ": it holds several values; contains_any is true when any of yours is among them"
    if fact.type == "enum" and op in ("contains_any", "contains_all"):
        return ": it holds one value; one_of is true when it is any of yours"
    if fact.type == "bool" and op == "one_of":
        return ": it is true or false; write equals: true, or just the fact id"
    return ""


# --- the one expansion into alternatives ----------------------------------------------------------

def expand(cond: Condition, literal: Callable[[Atom, bool], list], positive: bool = True,
           limit: int | None = None, simplify: Callable[[list], list] | None = None) -> list:
    """A condition as alternatives (disjunctive normal form): a list of terms, each a tuple of
    literals that must all hold. `literal(atom, positive)` gives the alternatives of one test (or
    of its negation) as a list of terms; negation is pushed down to the tests. `simplify` may drop
    duplicate and self-contradictory terms as they arise. Past `limit` terms the expansion stops
    and returns more than `limit` terms: the caller refuses (or gives up on) the condition."""
    simplify = simplify or (lambda terms: terms)
    if isinstance(cond, Atom):
        return simplify([tuple(term) for term in literal(cond, positive)])
    if isinstance(cond, Not):
        return expand(cond.item, literal, not positive, limit, simplify)
    parts = []
    for item in cond.items:
        part = expand(item, literal, positive, limit, simplify)
        if limit is not None and len(part) > limit:
            return part  # already too many: combining would only grow it
        parts.append(part)
    if isinstance(cond, AllOf) != positive:  # a disjunction (any, or a negated all)
        return simplify([term for part in parts for term in part])
    terms: list = [()]
    for part in parts:
        terms = simplify([a + b for a in terms for b in part])
        if limit is not None and len(terms) > limit:
            return terms
    return terms


def _signed(atom: Atom, positive: bool) -> list[tuple[tuple[Atom, bool], ...]]:
    return [((atom, positive),)]


def literals(cond: Condition, limit: int = MAX_DNF_TERMS) -> list[tuple[tuple[Atom, bool], ...]] | None:
    """The condition's alternatives as (test, holds) pairs; None when there are more than limit."""
    terms = expand(cond, _signed, limit=limit)
    return None if len(terms) > limit else terms


# --- what a condition means -------------------------------------------------------------------------

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


def fact_domain(fact: Fact, thresholds: Sequence[int] = ()) -> list[Any]:
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


def holds(cond: Condition, values: Mapping[str, Any]) -> bool:
    """Whether a condition holds for these facts (absent: not known). For checks on answers, such
    as a yes/no fact's `agrees_with`; evaluation proper is the compiled engine's."""
    if isinstance(cond, Atom):
        value = values.get(cond.fact)
        return atom_holds(cond, tuple(value) if isinstance(value, list) else value)
    if isinstance(cond, Not):
        return not holds(cond.item, values)
    results = (holds(item, values) for item in cond.items)
    return all(results) if isinstance(cond, AllOf) else any(results)


def size(cond: Condition) -> int:
    """How many tests a condition is made of."""
    if isinstance(cond, Atom):
        return 1
    if isinstance(cond, Not):
        return size(cond.item)
    return sum(size(item) for item in cond.items)


def can_ever_hold(cond: Condition, facts: Mapping[str, Fact]) -> bool:
    terms = literals(cond)
    if terms is None:
        return True  # too large to decide cheaply: give it the benefit of the doubt
    for term in terms:
        by_fact: dict[str, list[tuple[Atom, bool]]] = {}
        for atom, positive in term:
            by_fact.setdefault(atom.fact, []).append((atom, positive))
        if all(_satisfiable(facts[f], lits) for f, lits in by_fact.items()):
            return True
    return False


def _satisfiable(fact: Fact, literals_of_fact: list[tuple[Atom, bool]]) -> bool:
    thresholds = tuple(a.value for a, _ in literals_of_fact if a.op in NUMERIC_OPS or
                       (a.op == "equals" and fact.type == "int"))
    thresholds += tuple(v for a, _ in literals_of_fact if a.op == "one_of" and fact.type == "int" for v in a.value)
    return any(all(atom_holds(a, v) == pos for a, pos in literals_of_fact) for v in fact_domain(fact, thresholds))


__all__ = ["ATOM_KEYS", "COMBINATORS", "MAX_DNF_TERMS", "NO_NAMES", "Names", "OPS_BY_TYPE", "TEST_KEYS", "atom_holds",
           "can_ever_hold", "expand", "fact_domain", "holds", "literals", "parse_condition", "size"]
