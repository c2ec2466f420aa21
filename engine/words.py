"""Every value and urgency put into words once, for every output (app, text, Markdown, PDF).

A report, the intake, the rule explanations and the what-if all show a value the same way:
"yes", "not sure", "Family member or caregiver", "79 years". Nothing else words a value.
"""
from __future__ import annotations

from typing import Any

from .model import Fact

NOT_SURE = "not sure"  # the one word for an unanswered question, wherever it is shown
NONE_OF_THESE = "none of these"

URGENCY_WORDS = {"immediate": "IMMEDIATE", "soon": "SOON", "routine": "ROUTINE"}
URGENCY_MEANING = {
    "immediate": "before anything else, today",
    "soon": "before your next contact with the individual",
    "routine": "as part of your ordinary work",
}
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
