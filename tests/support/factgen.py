"""Random but valid fact sets for a rule base: each fact is left unknown or given a value of its type."""
from __future__ import annotations

import random
from typing import Any

from engine.conditions import holds
from engine.facts import fact_applies
from engine.model import RuleBase, condition_facts


def random_facts(rulebase: RuleBase, rng: random.Random, density: float = 0.3) -> dict[str, Any]:
    """A fact set in which each fact is known with probability `density`; follow-ups only when
    their parent allows them, so the set is always valid."""
    facts: dict[str, Any] = {}
    for fact in rulebase.input_facts:  # parents are declared before their follow-ups
        if rng.random() > density or not fact_applies(fact, facts):
            continue
        if fact.type == "bool":
            facts[fact.id] = rng.random() < 0.6
        elif fact.type == "enum":
            facts[fact.id] = rng.choice(fact.value_ids)
        elif fact.type == "list":
            facts[fact.id] = [v for v in fact.value_ids if rng.random() < 0.35]
        else:
            low = fact.minimum if fact.minimum is not None else 0
            high = fact.maximum if fact.maximum is not None else 100
            facts[fact.id] = rng.randint(low, high)
    return agreeing(rulebase, facts)


def agreeing(rulebase: RuleBase, facts: dict[str, Any]) -> dict[str, Any]:
    """The facts with every yes/no answer that has an `agrees_with` condition made to agree with
    it (an "under 18" answer with the age, by the age of majority): the intake refuses a
    contradiction, so a generated fact set must not hold one."""
    for fact in rulebase.input_facts:
        if fact.agrees_with is not None and fact.id in facts and \
                all(facts.get(f) is not None for f in condition_facts(fact.agrees_with)):
            facts[fact.id] = holds(fact.agrees_with, facts)
    return facts
