"""An independent oracle: the rule semantics in plain Python, for tests only (never the app).

It reads the same validated rules and decides which fire, without durable-rules, without the
compiler's encoding and without the validator's helpers, so that a fault in either shows up as a
disagreement. Semantics, as documented for rule authors:

* an unanswered fact is "not known": every test on it is false except `is: unknown`;
* `not` is plain negation of that; `all` / `any` as usual;
* derived facts are false unless a rule concluded them, and a rule that reads a derived fact is
  decided only after every rule that could conclude it (stratification).
"""
from __future__ import annotations

from typing import Any, Mapping

from engine.model import AllOf, AnyOf, Atom, Not, RuleBase


def holds(cond: Any, facts: Mapping[str, Any], derived: Mapping[str, bool], rulebase: RuleBase) -> bool:
    if isinstance(cond, AllOf):
        return all(holds(c, facts, derived, rulebase) for c in cond.items)
    if isinstance(cond, AnyOf):
        return any(holds(c, facts, derived, rulebase) for c in cond.items)
    if isinstance(cond, Not):
        return not holds(cond.item, facts, derived, rulebase)
    assert isinstance(cond, Atom)
    if rulebase.facts[cond.fact].derived:
        value: Any = bool(derived.get(cond.fact, False))
    else:
        value = facts.get(cond.fact)
    op, want = cond.op, cond.value
    if op == "known":
        return value is not None
    if op == "unknown":
        return value is None
    if value is None:
        return False
    if op == "equals":
        return value is want if isinstance(want, bool) else (not isinstance(value, bool) and value == want)
    if op == "one_of":
        return value in want
    if op == "contains_any":
        return bool(set(value) & set(want))
    if op == "contains_all":
        return set(want) <= set(value)
    if op == "gt":
        return value > want
    if op == "gte":
        return value >= want
    if op == "lt":
        return value < want
    if op == "lte":
        return value <= want
    raise ValueError(f"unknown operator {op}")


def _strata(rulebase: RuleBase) -> list[list[str]]:
    """Rules grouped so that each group only reads derived facts concluded in earlier groups."""
    remaining = {r.id: r for r in rulebase.rules}
    concluders = {}
    for r in rulebase.rules:
        for d in r.concludes:
            concluders.setdefault(d, set()).add(r.id)
    done: set[str] = set()
    strata = []
    while remaining:
        ready = [rid for rid, r in remaining.items()
                 if all(concluders.get(f, set()) <= done for f in r.reads if rulebase.facts[f].derived)]
        if not ready:
            raise ValueError("derived facts loop")
        strata.append(ready)
        done |= set(ready)
        for rid in ready:
            del remaining[rid]
    return strata


def fire(rulebase: RuleBase, facts: Mapping[str, Any]) -> tuple[tuple[str, ...], dict[str, bool]]:
    """(fired rule ids in rule-base order, every derived fact's value)."""
    derived: dict[str, bool] = {}
    fired: set[str] = set()
    by_id = {r.id: r for r in rulebase.rules}
    for stratum in _strata(rulebase):
        for rid in stratum:
            if holds(by_id[rid].when, facts, derived, rulebase):
                fired.add(rid)
        for rid in stratum:
            if rid in fired:
                for d in by_id[rid].concludes:
                    derived[d] = True
    order = [r.id for r in rulebase.rules if r.id in fired]
    return tuple(order), {f.id: derived.get(f.id, False) for f in rulebase.derived_facts}
