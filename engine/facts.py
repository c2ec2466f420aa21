"""The facts of one scenario, checked against the fact vocabulary.

Used by evaluation (the facts a user gives), by validation (the example facts beside each rule)
and by scenarios. Values are normalised (lists deduplicated and put in vocabulary order) and a
follow-up answer implies its parent: giving relationship_kind means dual_relationship is true.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from .conditions import holds
from .errors import FactsError, Issue, did_you_mean
from .messages import say, value_problem
from .model import Fact, RuleBase, condition_facts, shown, value_kind
from .words import facts_condition_words
from .yamlio import line_at


@dataclass(frozen=True)
class CheckedFacts:
    values: Mapping[str, Any]  # known facts only, in vocabulary order, values normalised
    implied: tuple[str, ...]  # facts we set because a follow-up answer implies them


def check_facts(rulebase: RuleBase, facts: Any, source: str | None = None,
                location: tuple = ()) -> CheckedFacts:
    """Check facts against the vocabulary; raise FactsError listing every problem.

    `source` and `location` name where the facts came from (a scenario file and the path of its
    `facts:` mapping) so that messages carry file and line.
    """
    def problem(message: str, fact_id: Any = None) -> Issue:
        line = line_at(facts, (fact_id,)) if fact_id is not None else getattr(facts, "line", None)
        key = None if fact_id is None else _key_words(fact_id)
        field = ".".join([*map(str, location), key]) if key else (".".join(map(str, location)) or None)
        return Issue(message, file=source, line=line, field=field)

    if facts is None:
        facts = {}
    if not isinstance(facts, Mapping):
        raise FactsError(problem(f"facts must be a mapping of fact id to value, got {value_kind(facts)}"))
    input_ids = [f.id for f in rulebase.input_facts]
    if len(facts) > len(input_ids):  # each fact may be given once: more keys cannot all be facts
        raise FactsError(problem(f"{len(facts):,} facts given, but the vocabulary has only {len(input_ids)}"))
    issues: list[Issue] = []
    values: dict[str, Any] = {}
    for fact_id, value in facts.items():
        fact = rulebase.facts.get(fact_id) if isinstance(fact_id, str) else None
        if fact is None:
            issues.append(problem(f"unknown fact '{_key_words(fact_id)}'{did_you_mean(fact_id, input_ids)}",
                                  fact_id))
            continue
        if fact.derived:
            issues.append(problem(f"'{fact_id}' is concluded by the rules and cannot be given", fact_id))
            continue
        if value is None:
            continue  # null means "not known", like leaving it out
        normalised, message = _normalise(fact, value)
        if message:
            issues.append(problem(message, fact_id))
        elif normalised is not None:
            values[fact_id] = normalised
    if issues:
        raise FactsError(issues)
    implied = _apply_follow_ups(rulebase, values, issues, problem)
    _check_agreement(rulebase, values, issues, problem)
    if issues:
        raise FactsError(issues)
    ordered = {f.id: values[f.id] for f in rulebase.input_facts if f.id in values}
    return CheckedFacts(ordered, implied)


def _key_words(key: Any, limit: int = 60) -> str:
    """A key as given, for a message: a long one cut short (it is someone's input, not a fact id)."""
    text = key if isinstance(key, str) else shown(key)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _normalise(fact: Fact, value: Any) -> tuple[Any, str | None]:
    """The value in its one canonical form; a retired "not sure" value becomes not known (None)."""
    if isinstance(value, str) and value in fact.unanswered:
        return None, None
    if fact.type == "list":
        if not isinstance(value, (list, tuple)):
            return None, (f"'{fact.id}' is a list of values ({', '.join(fact.value_ids)}),"
                          f" got {shown(value)}")
        value = [item for item in value if not (isinstance(item, str) and item in fact.unanswered)]
        for item in value:
            message = value_problem(fact, item)
            if message:
                return None, message
        return [v for v in fact.value_ids if v in value], None
    message = value_problem(fact, value)
    return (None, message) if message else (value, None)


def _apply_follow_ups(rulebase: RuleBase, values: dict[str, Any], issues: list[Issue], problem) -> tuple[str, ...]:
    """A follow-up answer implies its parent (relationship_kind given -> dual_relationship true);
    a follow-up given while its parent says it does not apply is a contradiction."""
    implied: list[str] = []
    changed = True
    while changed:  # an implied parent may itself be a follow-up whose parent is then implied
        changed = False
        for fact in rulebase.input_facts:
            for parent_id, accepted in fact.ask_if if fact.id in values else ():
                parent = rulebase.facts[parent_id]
                if values.get(parent_id) is None and parent.type in ("bool", "enum") and len(accepted) == 1:
                    values[parent_id] = accepted[0]
                    implied.append(parent_id)
                    changed = True
    for fact in rulebase.input_facts:
        for parent_id, accepted in fact.ask_if if fact.id in values else ():
            current = values.get(parent_id)
            if current is not None and not _parent_allows(current, accepted):
                shown = " or ".join(show_value(v) for v in accepted)
                issues.append(problem(f"'{fact.id}' applies only when '{parent_id}' is {shown}, but it is"
                                      f" {show_value(current)}", fact.id))
    return tuple(implied)


def _check_agreement(rulebase: RuleBase, values: Mapping[str, Any], issues: list[Issue], problem) -> None:
    """A yes/no answer that disagrees with the condition it must agree with (facts.yaml
    `agrees_with`: "under 18" and an age, with the age of majority a named parameter) is a
    contradiction, not two facts: refused once every fact the condition reads is known."""
    for fact in rulebase.agreeing_facts:
        said = values.get(fact.id)
        if not isinstance(said, bool):
            continue
        reads = condition_facts(fact.agrees_with)
        if any(values.get(r) is None for r in reads) or holds(fact.agrees_with, values) == said:
            continue
        others = ", ".join(f"'{r}' is {show_value(values[r])}" for r in reads)
        issues.append(problem(say("disagrees", fact=fact.id, said=show_value(said), others=others,
                                  words=facts_condition_words(rulebase.facts, fact.agrees_with)), fact.id))


def _parent_allows(current: Any, accepted: tuple) -> bool:
    """A list parent allows its follow-up when it contains any accepted value; others when equal to one."""
    if isinstance(current, list):
        return any(v in current for v in accepted)
    return current in accepted


def show_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def fact_applies(fact: Fact, values: Mapping[str, Any]) -> bool:
    """Whether a fact's question should be asked, given the answers so far (its ask_if holds)."""
    for parent_id, accepted in fact.ask_if:
        current = values.get(parent_id)
        if current is None or not _parent_allows(current, accepted):
            return False
    return True
