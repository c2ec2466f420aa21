"""The guided intake, generated from the fact vocabulary: pure helpers, no Streamlit.

Areas first (the vocabulary's groups), then the questions of the chosen areas; a follow-up is
asked right below the answer that makes it matter (its ask_if holds, engine.fact_applies).
"Not sure" is never "no": it leaves the fact out of the facts, which the engine reads as
"not known".
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

from engine import fact_applies
from engine.model import Fact, RuleBase
from engine.words import value_words  # noqa: F401 - the one wording of a value, used by the pages

YES, NO, NOT_SURE = "Yes", "No", "Not sure"
BOOL_CHOICES = (YES, NO, NOT_SURE)
NONE_OF_THESE = "__none__"  # the list-fact choice that says "none of these" (a known empty list)
NONE_OF_THESE_LABEL = "None of these"


def top_level(rulebase: RuleBase, group_id: str) -> list[Fact]:
    """The questions an area asks first: its facts that follow up on nothing."""
    return [f for f in rulebase.input_facts if f.group == group_id and not f.ask_if]


def follow_ups(rulebase: RuleBase, fact_id: str) -> list[Fact]:
    """The follow-up questions shown under a fact: those whose first ask_if condition names it."""
    return [f for f in rulebase.input_facts if f.ask_if and f.ask_if[0][0] == fact_id]


def walk(rulebase: RuleBase, areas: Iterable[str], answer: Callable[[Fact, int], Any]) -> dict[str, Any]:
    """Go through the intake in the order it is shown, and return the facts it gives.

    `answer(fact, depth)` gives a fact's value (None: not sure / not answered); in the app it
    draws the question's widget. Follow-ups are visited only when they apply given the answers
    so far, so a follow-up whose parent became "no" leaves the facts.
    """
    chosen = set(areas)
    facts: dict[str, Any] = {}

    def visit(fact: Fact, depth: int) -> None:
        value = answer(fact, depth)
        if value is not None:
            facts[fact.id] = value
        for child in follow_ups(rulebase, fact.id):
            if fact_applies(child, facts):
                visit(child, depth + 1)

    for group in rulebase.groups:
        if group.id in chosen:
            for fact in top_level(rulebase, group.id):
                visit(fact, 0)
    return facts


def collect(rulebase: RuleBase, areas: Iterable[str], widget_values: Mapping[str, Any]) -> dict[str, Any]:
    """The facts given by widget values (fact id -> what the widget holds), as the form shows them."""
    return walk(rulebase, areas, lambda fact, _depth: from_widget(fact, widget_values.get(fact.id)))


def from_widget(fact: Fact, shown: Any) -> Any:
    """A widget's value as a fact value; None for "not sure" / unanswered."""
    if shown is None:
        return None
    if fact.type == "bool":
        return {YES: True, NO: False}.get(shown)
    if fact.type == "enum":
        return shown if shown in fact.value_ids else None
    if fact.type == "list":
        chosen = [v for v in fact.value_ids if v in shown]
        if chosen:
            return chosen
        return [] if NONE_OF_THESE in shown else None
    if fact.type == "int":
        return int(shown)
    raise ValueError(f"unknown fact type {fact.type}")


def to_widget(fact: Fact, value: Any) -> Any:
    """A fact value as the widget shows it (the inverse of from_widget)."""
    if fact.type == "bool":
        return NOT_SURE if value is None else (YES if value else NO)
    if fact.type == "enum":
        return NOT_SURE if value is None else value
    if fact.type == "list":
        if value is None:
            return []
        return list(value) if value else [NONE_OF_THESE]
    return value


def areas_of(rulebase: RuleBase, facts: Mapping[str, Any]) -> list[str]:
    """The areas (group ids, in vocabulary order) that the given facts belong to."""
    used = {rulebase.facts[f].group for f in facts if f in rulebase.facts}
    return [g.id for g in rulebase.groups if g.id in used]


