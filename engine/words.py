"""Every value and urgency put into words once, for every output (app, text, Markdown, PDF).

A report, the intake, the rule explanations and the what-if all show a value the same way:
"yes", "not sure", "Family member or caregiver", "79 years". Nothing else words a value, nor a condition.
"""
from __future__ import annotations

from typing import Any, Mapping

from .model import AllOf, AnyOf, Atom, Condition, Fact, Not, RuleBase

NOT_SURE = "not sure"  # the one word for an unanswered question, wherever it is shown
NONE_OF_THESE = "none of these"

URGENCY_WORDS = {"immediate": "IMMEDIATE", "soon": "SOON", "routine": "ROUTINE"}
URGENCY_MEANING = {
    "immediate": "before anything else, today",
    "soon": "before your next contact with the individual",
    "routine": "as part of your ordinary work",
}
# A rule's supporting step marked `leads: true`: the decision is the supervisor's or the agency's.
LEADS_WORDS = "asked first, before the situation's own steps"
ROLE_WORDS = {"governing": "Governs this situation", "also_relevant": "Also relevant"}


def value_words(fact: Fact, value: Any) -> str:
    """A fact's value as a person reads it. A derived fact is "concluded" or "not concluded"."""
    if fact.derived:
        return "concluded" if value else "not concluded"
    if value is None:
        return NOT_SURE
    if fact.type == "bool":
        return "yes" if value else "no"
    if fact.type == "enum":
        return fact.value_label(value)
    if fact.type == "list":
        return ", ".join(fact.value_label(v) for v in value) if value else NONE_OF_THESE
    return f"{value} {fact.unit}".strip()


# --- conditions in words ------------------------------------------------------------------------

def _value_words(facts: Mapping[str, Fact], fact_id: str, value: object) -> str:
    """One value a condition tests, as value_words says it (quoted when it is a label)."""
    fact = facts[fact_id]
    if fact.type in ("enum", "list"):
        return f"'{value_words(fact, [value] if fact.type == 'list' else value)}'"
    return value_words(fact, value)


def condition_words(rulebase: RuleBase, cond: Condition, negated: bool = False) -> str:
    """A condition as a sentence fragment a trainer can read aloud."""
    return facts_condition_words(rulebase.facts, cond, negated)


def facts_condition_words(facts: Mapping[str, Fact], cond: Condition, negated: bool = False) -> str:
    """condition_words, given only the facts (the validator has no rule base yet)."""
    if isinstance(cond, Not):
        return facts_condition_words(facts, cond.item, not negated)
    if isinstance(cond, (AllOf, AnyOf)):
        joiner = "all of" if isinstance(cond, AllOf) else "any of"
        parts = "; ".join(facts_condition_words(facts, item) for item in cond.items)
        text = f"{joiner} ({parts})"
        return f"not {text}" if negated else text
    return _atom_words(facts, cond, negated)


def _atom_words(facts: Mapping[str, Fact], atom: Atom, negated: bool) -> str:
    label = facts[atom.fact].label.lower()
    values = atom.value if isinstance(atom.value, tuple) else (() if atom.value is None else (atom.value,))
    shown = " or ".join(_value_words(facts, atom.fact, v) for v in values)
    if atom.parameter:
        shown += f" ({atom.parameter.replace('_', ' ')})"
    is_ = "is not" if negated else "is"
    if atom.op == "known":
        return f"{label} {'is not known' if negated else 'is known'}"
    if atom.op == "unknown":
        return f"{label} {'is known' if negated else 'is not known'}"
    if atom.op in ("equals", "one_of"):
        return f"{label} {is_} {shown}"
    if atom.op == "contains_any":
        return f"{label} {'does not include' if negated else 'includes'} {shown}"
    if atom.op == "contains_all":
        both = " and ".join(_value_words(facts, atom.fact, v) for v in values)
        return f"{label} {'does not include all of' if negated else 'includes'} {both}"
    words = {"gt": "more than", "gte": "at least", "lt": "less than", "lte": "at most"}[atom.op]
    return f"{label} {'is not' if negated else 'is'} {words} {shown}"
