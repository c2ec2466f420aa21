"""What the validator says, in the rule author's words.

One table holds every message the validator can give, by kind of mistake, so that the wording is
written (and reviewed) in one place, and docs/RULES.md can list it. Around it: the words for a
value and for a kind of fact (never a Python type name: a trainer writes YAML, not Python),
"did you mean" suggestions drawn from the failing block's own keys and a small list of synonyms
people reach for (`if` for `when`), hints for the common mistakes (several values under `equals`,
a bare `no` that YAML reads as false), and the excerpt of the author's own YAML with a caret
under the problem.
"""
from __future__ import annotations

import datetime
import difflib
from typing import Any, Iterable, Sequence

from .model import Fact, shown

MESSAGES: dict[str, str] = {
    # -- the shape of any document: keys and the kind of value each takes --
    "unknown_key": "unknown key '{key}'{suggestion}",
    "missing_key": "missing required key '{key}'{purpose}",
    "not_a_mapping": "expects a mapping (one 'key: value' per line), got {got}",
    "not_a_list": "expects a list ('- item' lines, or [a, b]), got {got}{hint}",
    "not_text": "expects text, got {got}{hint}",
    "not_yes_no": "expects true or false, got {got}{hint}",
    "not_whole_number": "expects a whole number, got {got}{hint}",
    "not_one_of": "{got} is not one of {allowed}",
    "at_most": "is at most {limit}, got {got}",
    "at_least": "is at least {limit}, got {got}",
    "exactly_items": "takes exactly {limit} items, got {count}",
    "too_few_items": "takes at least {limit} items, got {count}",
    "too_many_items": "takes at most {limit} items, got {count}",
    "does_not_fit": "this value does not fit here, got {got}",
    "document_not_a_mapping": "expected a mapping with {keys}, got {got}",
    # -- ids --
    "bad_id": "{what} '{value}' must be lower case letters, digits and underscores{dots}",
    "duplicate_id": "duplicate {what} '{value}'{first}",
    # -- the Code --
    "purposes_numbered": "purposes must be numbered 1 to {count} in order, got {numbers}",
    "commitments_numbered": "commitments must be numbered 1 to {count} in order across the sections, got {numbers}",
    "empty_text": "text must not be empty",
    "no_commitment": "the Code has no commitment {number} (1-{count})",
    "no_purpose": "the Code has no purpose {number} (1-{count})",
    # -- the fact vocabulary --
    "unknown_group": "unknown group '{group}'{suggestion}",
    "needs_values": "{kind} needs 'values' (value id: label)",
    "takes_no_values": "{kind} takes no 'values'{hint}",
    "number_options_only": "'min', 'max' and 'unit' are for number facts (type 'int') only",
    "min_above_max": "min {min} is greater than max {max}",
    "unanswered_for_choices": "'unanswered' is for facts with values (type 'enum' or 'list') only",
    "unanswered_and_value": "'{value}' is both a value and read as unanswered; keep it in one place",
    "ask_if_self": "a fact cannot be asked only when it is itself known",
    "ask_if_loop": "ask_if loops: {chain}",
    "derived_never_concluded": "no rule concludes it, so it could never be true",
    "derived_never_read": "no rule reads it: use it in a condition or remove it",
    # -- the action catalogue --
    "safety_always_immediate": "a safety action is always immediate",
    "safety_not_supporting": "a safety action comes first; it cannot also be 'supporting'",
    # -- conditions (a rule's `when`) --
    "unknown_fact": "unknown fact '{fact}'{suggestion}",
    "bare_fact_not_yes_no": "'{fact}' alone means '{fact} is true', but '{fact}' is {kind}; write a test such as {example}",
    "not_a_condition": "a condition is a fact id, or a mapping with 'fact' or one of all, any, not; got {got}{hint}",
    "combinator_alone": "'{key}' stands alone in its mapping; move {others} into its own item",
    "combinator_list": "'{key}' takes a non-empty list of conditions{hint}",
    "not_one_condition": "'not' takes one condition: for several, write not: {{any: [...]}} (none of them holds)",
    "condition_key": "unknown key '{key}'{suggestion}; a condition needs 'fact' or one of all, any, not{hint}",
    "condition_key_in_test": "unknown key '{key}'{suggestion}",
    "one_test": "a test on '{fact}' needs exactly one of {ops}{got}",
    "test_not_for_kind": "'{op}' does not apply to '{fact}', {kind}; use one of {ops}{hint}",
    "is_known": "'is' takes 'known' or 'unknown', got {got}{hint}",
    "is_on_derived": "'{fact}' is derived, so it is always known (true when a rule concluded it); test it with 'equals'",
    "equals_one_value": "'equals' takes one value, got a list{hint}",
    "values_list": "'{op}' takes a non-empty list of values of '{fact}'{hint}",
    "compare_number": "'{op}' compares with a whole number, got {got}{hint}",
    "never_holds": "this condition can never hold (its tests contradict each other)",
    "named_condition_broken": "the named condition '{name}' has a problem of its own (see its definition)",
    # -- reuse: named conditions, parameters, agreement, topics --
    "name_taken": "'{name}' is already {other}: a {what} needs a name of its own",
    "definitions_loop": "named conditions loop: {chain}",
    "definition_unused": "no rule uses this named condition: use it in a 'when' or remove it",
    "condition_repeated": "this condition ({words}) is also written out in {others}: name it once under"
                          " 'definitions:' and use its name in each",
    "agrees_with_yes_no": "'agrees_with' is for yes/no facts: the answer must agree with the condition",
    "agrees_with_itself": "'agrees_with' reads the fact itself: give a condition on other facts",
    "agrees_with_derived": "'agrees_with' reads '{fact}', which the rules conclude; give a condition on answers",
    "disagrees": "'{fact}' is {said}, but {others}: the answers disagree ('{fact}' is true exactly when {words})",
    "unknown_topic": "unknown topic '{topic}'{suggestion}; allowed: {allowed}",
    # -- values of facts (conditions, examples, scenarios) --
    "not_true_false": "'{fact}' is true or false, got {got}{hint}",
    "not_a_value": "{got} is not a value of '{fact}'{suggestion}; allowed: {allowed}{hint}",
    "not_a_number": "'{fact}' is a whole number, got {got}{hint}",
    "below_minimum": "'{fact}' is at least {limit}, got {got}",
    "above_maximum": "'{fact}' is at most {limit}, got {got}",
    # -- rules --
    "cite_one": "a citation names exactly one of 'commitment' or 'purpose'",
    "role_for_commitments": "'role' is for commitments: a purpose is served, it does not govern",
    "cited_twice": "{kind} {number} is cited twice",
    "unknown_action": "unknown action '{action}'{suggestion}",
    "action_twice": "action '{action}' is listed twice",
    "leads_not_supporting": ("'leads' puts a supporting step (consulting, the agency's policy, recording) before the "
                             "situation's own steps; '{action}' is not a supporting step, so it needs no 'leads'"),
    "safety_delayed": "'{action}' is a safety action and is always immediate: it must never be delayed"
                      " (remove 'urgency: {urgency}')",
    "replaces_safety": "'{action}' is a safety action: no rule may take it out of a report",
    "recommends_and_replaces": "the rule both recommends and replaces '{action}'",
    "unknown_derived": "unknown derived fact '{fact}'{hint}",
    "concludes_what_it_reads": "a rule cannot conclude '{fact}', which its own condition reads",
    "tension_same": "a tension is between two different commitments",
    "says_nothing": "the rule says nothing: give it cites, actions, concludes, tensions or questions",
    "derived_loop": "derived facts loop: this rule depends, through other rules, on what it concludes",
    "no_rules": "no rules found: add at least one rule file (*.yaml) with a 'rules:' list",
}

# Words people reach for instead of a key the block has: tried before spelling.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "when": ("if", "condition", "conditions", "where", "applies_when", "trigger"),
    "title": ("name", "label", "summary", "heading"),
    "cites": ("cite", "citations", "commitment", "commitments", "refs", "references"),
    "actions": ("action", "recommends", "recommendations", "do", "steps"),
    "concludes": ("conclude", "conclusion", "sets", "derives", "then"),
    "questions": ("question", "reflection", "ask"),
    "tensions": ("tension", "conflicts", "conflict"),
    "examples": ("example", "tests", "cases"),
    "comment": ("comments", "note", "notes", "description", "remarks"),
    "sources": ("source", "reference", "see"),
    "why": ("because", "reason", "explanation", "rationale"),
    "urgency": ("priority_level", "when_to_do", "level"),
    "note": ("comment", "notes", "text"),
    "help": ("hint", "explanation", "description"),
    "values": ("options", "choices", "allowed"),
    "between": ("commitments", "pair"),
    "equals": ("is_equal", "equal", "eq", "value", "=", "=="),
    "one_of": ("in", "any_of", "oneof", "either", "values"),
    "contains_any": ("contains", "includes", "has", "has_any"),
    "contains_all": ("includes_all", "has_all"),
    "gt": ("greater_than", "more_than", "above", ">"),
    "gte": ("at_least", "min", ">="),
    "lt": ("less_than", "below", "under", "<"),
    "lte": ("at_most", "max", "<="),
    "all": ("and", "all_of", "every", "both"),
    "any": ("or", "any_of", "either"),
    "not": ("none", "no", "unless", "except"),
}

# What each required key is for, said when it is missing.
PURPOSES: dict[str, str] = {
    "id": "every item needs an id",
    "title": "a short title that trainers read",
    "when": "the condition under which the rule applies",
    "why": "why it is at stake here, in a sentence",
    "label": "a short name shown in tables and reports",
    "question": "the question that asks for it",
    "guidance": "what to do, in practical terms",
    "urgency": "immediate, soon or routine",
    "between": "two commitment numbers",
    "meaning": "what it means when a rule concludes it",
    "rules": "the list of rules in this file",
}

# Each kind of fact as an author thinks of it (never the Python type).
FACT_KINDS = {
    "bool": "a yes/no fact",
    "enum": "a choice of one value",
    "list": "a choice of several values",
    "int": "a number fact",
}
TEST_EXAMPLES = {
    "bool": "{{fact: {fact}, equals: false}}",
    "enum": "{{fact: {fact}, equals: {value}}} or {{fact: {fact}, one_of: [{value}, ...]}}",
    "list": "{{fact: {fact}, contains_any: [{value}]}}",
    "int": "{{fact: {fact}, gte: 18}}",
}

# How YAML 1.1 reads unquoted words as true and false.
YAML_TRUE = ("yes", "true", "on", "y")
YAML_FALSE = ("no", "false", "off", "n")


def say(message_kind: str, /, **fields: Any) -> str:
    """The message of one kind, filled in; optional parts a caller leaves out read as nothing."""
    return MESSAGES[message_kind].format_map(_Defaults(fields))


class _Defaults(dict):
    def __missing__(self, key: str) -> str:
        return ""  # optional parts (a hint, a suggestion) left out


def got(value: Any) -> str:
    """A value as the author wrote it in YAML: true, 'text', 12, a mapping, a list, nothing."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return f"a date ({value.isoformat()}): write it in quotes to keep it as text"
    if isinstance(value, float):
        return f"{value:g}"
    return shown(value)


def suggestion(word: Any, own: Iterable[str], synonyms: bool = True) -> str:
    """' (did you mean 'x'?)' from the block's own keys: a known synonym first, then spelling."""
    if not isinstance(word, str):
        return ""
    choices = list(own)
    if synonyms:
        lowered = word.lower()
        for target in choices:
            if lowered in SYNONYMS.get(target, ()):
                return f" (did you mean '{target}'?)"
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def kind_of(fact: Fact) -> str:
    return "a derived fact (true or false)" if fact.derived else FACT_KINDS[fact.type]


def test_example(fact: Fact) -> str:
    value = fact.value_ids[0] if fact.value_ids else ""
    return TEST_EXAMPLES[fact.type].format(fact=fact.id, value=value)


def quote_hint(fact: Fact, value: Any) -> str:
    """YAML reads a bare yes/no/on/off as true/false: say so when the fact has such a value."""
    if not isinstance(value, bool) or fact.type not in ("enum", "list"):
        return ""
    words = YAML_TRUE if value else YAML_FALSE
    meant = next((v for v in fact.value_ids if v.lower() in words), None)
    if meant is None:
        return ""
    return f" (YAML reads a bare {meant} as {'true' if value else 'false'}: write '{meant}' in quotes)"


def value_problem(fact: Fact, value: Any) -> str | None:
    """Why a value does not fit a fact, or None when it does. For a list fact, `value` is one item."""
    if fact.type == "bool":
        if not isinstance(value, bool):
            hint = ""
            if isinstance(value, str) and value.lower() in YAML_TRUE + YAML_FALSE:
                hint = f" (write {'true' if value.lower() in YAML_TRUE else 'false'} without quotes)"
            return say("not_true_false", fact=fact.id, got=got(value), hint=hint)
    elif fact.type in ("enum", "list"):
        if not isinstance(value, str) or value not in fact.value_ids:
            return say("not_a_value", got=got(value), fact=fact.id,
                       suggestion=suggestion(value, fact.value_ids, synonyms=False),
                       allowed=", ".join(fact.value_ids), hint=quote_hint(fact, value))
    elif fact.type == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            hint = " (write the number without quotes)" if isinstance(value, str) and value.strip().isdigit() else ""
            return say("not_a_number", fact=fact.id, got=got(value), hint=hint)
        if fact.minimum is not None and value < fact.minimum:
            return say("below_minimum", fact=fact.id, limit=fact.minimum, got=got(value))
        if fact.maximum is not None and value > fact.maximum:
            return say("above_maximum", fact=fact.id, limit=fact.maximum, got=got(value))
    return None


# --- the author's own YAML, with a caret ------------------------------------------------------

def excerpt(lines: Sequence[str], line: int | None, key: str | None = None,
            values: Sequence[str] = (), point: str = "value") -> str:
    """Two lines: the author's line of YAML, and a caret under the problem: under the value (the
    first of its possible spellings found on the line), or under the key."""
    if not line or not 1 <= line <= len(lines):
        return ""
    text = lines[line - 1].expandtabs(4).rstrip("\r\n")
    if len(text) > 160:
        return ""  # a line that long (a folded paragraph) would not help
    value = next((v for v in values if v and _after_key(text, key, v) >= 0), None)
    start, width = _span(text, key, value, point)
    number = str(line)
    return (f"    {number} | {text}\n"
            f"    {' ' * len(number)} | {' ' * start}{'^' * max(1, width)}")


def _after_key(text: str, key: str | None, value: str) -> int:
    """The column of a value on the line, after its key when the key is there."""
    key_at = _find_key(text, key) if key else -1
    at = text.find(value, key_at + len(key) + 1) if key_at >= 0 and key else -1
    return at if at >= 0 else text.find(value)


def _span(text: str, key: str | None, value: str | None, point: str) -> tuple[int, int]:
    """Where the problem is on the line: the value after its key, the key, or the line's start."""
    key_at = _find_key(text, key) if key else -1
    if point == "value" and value:
        at = _after_key(text, key, value)
        if at >= 0:
            return at, len(value)
    if key_at >= 0 and key:
        return key_at, len(key)
    stripped = text.lstrip()
    start = len(text) - len(stripped)
    if stripped.startswith("- "):
        start += 2
        stripped = stripped[2:]
    return start, len(stripped.split(":")[0].split(" ")[0]) or 1


def _find_key(text: str, key: str) -> int:
    """The column of `key:` written as a mapping key (not inside another word)."""
    at = -1
    while True:
        at = text.find(f"{key}:", at + 1)
        if at < 0:
            return -1
        if at == 0 or not (text[at - 1].isalnum() or text[at - 1] == "_"):
            return at


def spellings(value: Any) -> tuple[str, ...]:
    """How a scalar value may be spelled on its YAML line (to put the caret under it)."""
    if isinstance(value, bool):
        words = YAML_TRUE if value else YAML_FALSE
        return tuple(w for word in words for w in (word, word.capitalize(), word.upper()))
    if value is None or isinstance(value, (dict, list, tuple)):
        return ()
    return (str(value),)


def inline(value: Any) -> str:
    """A value as the author would write it inline in YAML: red, true, 12, [a, b]."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(inline(v) for v in value) + "]"
    if isinstance(value, str) and (not value or value.lower() in YAML_TRUE + YAML_FALSE or
                                   any(c in value for c in ":#{}[],&*!|>'\"%@`")):
        return shown(value)
    return str(value)
