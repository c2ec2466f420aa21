"""Safety invariants over the whole rule base: every rule, any facts, not one scenario.

Each invariant is checked three ways: on fact sets generated at random from the vocabulary (with
hypothesis), on every rule's own `fires` examples with the trigger added, and (for the wording)
by scanning every text in the rule base. What is protected:

* imminent danger: the emergency call is immediate and listed first;
* suspected abuse: the report is immediate, listed ahead of any consultation, and no text makes it
  depend on anyone's approval or tells anyone to wait;
* a threat to others: the duty-to-warn step is immediate;
* the supervisor involved: consultation carries a note that sends it to the next level;
* a romantic or sexual relationship with an individual served: the case is transferred and the
  relationship is never presented as manageable (no maintain_boundary).
"""
from __future__ import annotations

import re
from typing import Any, Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.facts import fact_applies
from engine.model import RuleBase
from engine.report import Report

SAFETY_ACTIONS = ("emergency_response", "report_to_authorities", "duty_to_warn")


# --- generating facts ----------------------------------------------------------------------------

@st.composite
def fact_sets(draw: Callable, rulebase: RuleBase) -> dict[str, Any]:
    """A valid fact set: each fact unknown or given a value of its type; a follow-up only when
    its parent allows it (facts are declared parents first)."""
    facts: dict[str, Any] = {}
    for fact in rulebase.input_facts:
        if not fact_applies(fact, facts) or not draw(st.booleans()):
            continue
        if fact.type == "bool":
            facts[fact.id] = draw(st.booleans())
        elif fact.type == "enum":
            facts[fact.id] = draw(st.sampled_from(fact.value_ids))
        elif fact.type == "list":
            facts[fact.id] = draw(st.lists(st.sampled_from(fact.value_ids), unique=True))
        else:
            low = fact.minimum if fact.minimum is not None else 0
            high = fact.maximum if fact.maximum is not None else 120
            facts[fact.id] = draw(st.integers(low, high))
    return facts


def with_trigger(facts: dict[str, Any], trigger: str) -> dict[str, Any]:
    """The same facts with the invariant's trigger made true (parents set to allow it)."""
    facts = dict(facts)
    if trigger == "romance":
        facts["dual_relationship"] = True
        kinds = list(facts.get("relationship_kind") or [])
        facts["relationship_kind"] = kinds + (["romantic_or_sexual"] if "romantic_or_sexual" not in kinds else [])
    else:
        facts[trigger] = True
    return facts


# --- the invariants ----------------------------------------------------------------------------------

def check_safety_first(report: Report) -> None:
    """Holds for every report: safety actions are immediate and come before every other action."""
    seen_other = False
    for action in report.actions:
        if action.safety:
            assert action.urgency == "immediate", action.id
            assert not seen_other, f"{action.id} listed after a non-safety action: {report.action_ids}"
        else:
            seen_other = True


def check_imminent_danger(report: Report) -> None:
    first = report.actions[0]
    assert first.id == "emergency_response", report.action_ids
    assert first.urgency == "immediate"


def check_suspected_abuse(report: Report) -> None:
    action = report.action("report_to_authorities")
    assert action is not None, report.action_ids
    assert action.urgency == "immediate"
    order = report.action_ids
    position = order.index("report_to_authorities")
    assert all(report.action(a).safety for a in order[:position]), order
    for later in ("consult_supervisor", "escalate_concern", "check_jurisdiction_law"):
        if later in order:
            assert position < order.index(later), order


def check_threat_to_others(report: Report) -> None:
    action = report.action("duty_to_warn")
    assert action is not None, report.action_ids
    assert action.urgency == "immediate"
    position = report.action_ids.index("duty_to_warn")
    assert all(report.action(a).safety for a in report.action_ids[:position]), report.action_ids


def check_supervisor_involved(report: Report) -> None:
    action = report.action("consult_supervisor")
    assert action is not None, report.action_ids
    assert any("next level" in note.lower() for note in action.notes), action.notes


def check_romance(report: Report) -> None:
    assert "transfer_case" in report.action_ids, report.action_ids
    assert "maintain_boundary" not in report.action_ids, report.action_ids
    assert 7 in report.commitment_numbers and 8 in report.commitment_numbers, report.commitment_numbers


INVARIANTS = {
    "imminent_danger": check_imminent_danger,
    "suspected_abuse": check_suspected_abuse,
    "threat_to_others": check_threat_to_others,
    "supervisor_involved": check_supervisor_involved,
    "romance": check_romance,
}


@pytest.fixture(scope="module")
def fire_examples(rulebase: RuleBase) -> list[tuple[str, dict[str, Any]]]:
    return [(rule.id, dict(example)) for rule in rulebase.rules for example in rule.fires]


@pytest.mark.parametrize("trigger", sorted(INVARIANTS))
def test_invariant_holds_with_every_rules_fires_examples(advisor, fire_examples, trigger):
    check = INVARIANTS[trigger]
    for rule_id, example in fire_examples:
        report = advisor.evaluate(with_trigger(example, trigger), explore=False)
        try:
            check(report)
            check_safety_first(report)
        except AssertionError as exc:
            raise AssertionError(f"{trigger} with the fires example of {rule_id} {example}: {exc}") from None


@pytest.mark.parametrize("trigger", sorted(INVARIANTS))
def test_invariant_holds_for_generated_facts(advisor, rulebase, trigger):
    check = INVARIANTS[trigger]

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(fact_sets(rulebase))
    def run(facts):
        facts = with_trigger(facts, trigger)
        report = advisor.evaluate(facts, explore=False)
        check(report)
        check_safety_first(report)

    run()


def test_every_generated_report_lists_safety_actions_first(advisor, rulebase):
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(fact_sets(rulebase))
    def run(facts):
        check_safety_first(advisor.evaluate(facts, explore=False))

    run()


def test_romance_is_never_managed_by_any_rule(rulebase):
    """Statically too: every rule recommending maintain_boundary excludes romance in its own
    condition or reads the derived boundary_risk through a rule that does (checked above)."""
    with_boundary = [r for r in rulebase.rules if any(a.id == "maintain_boundary" for a in r.actions)]
    assert with_boundary
    for rule in with_boundary:
        assert "relationship_kind" in rule.reads, f"{rule.id} recommends maintain_boundary without excluding romance"


def test_safety_actions_come_first_in_the_catalogue_and_are_immediate(rulebase):
    actions = list(rulebase.actions.values())
    assert [a.id for a in actions[:3]] == list(SAFETY_ACTIONS)
    assert all(a.safety and a.urgency == "immediate" for a in actions[:3])
    assert not any(a.safety for a in actions[3:])


def test_no_rule_delays_a_safety_action(rulebase):
    for rule in rulebase.rules:
        for ref in rule.actions:
            if ref.id in SAFETY_ACTIONS:
                assert ref.urgency in (None, "immediate"), rule.id


def test_emergency_response_comes_only_from_the_highest_priority_rules(rulebase):
    """So that the emergency call is listed before a report or a warning in every combination."""
    for rule in rulebase.rules:
        if any(a.id == "emergency_response" for a in rule.actions):
            assert rule.priority == 100, rule.id
        elif any(a.id in SAFETY_ACTIONS for a in rule.actions):
            assert rule.priority < 100, rule.id


# --- the words: no approval, no waiting ------------------------------------------------------------

# A sentence is about reporting or an emergency when it mentions one of these...
SAFETY_SUBJECT = re.compile(
    r"\b(report|reporting|reported|emergenc\w*|duty[- ]to[- ]warn|warn\w*|protective services|police|crisis line)\b",
    re.I)
# ...and it must not make the step depend on someone's say-so or tell anyone to hold off...
GATING = [
    re.compile(p, re.I) for p in (
        r"\bapprov\w*", r"\bpermission\b", r"\bsign[- ]?off\b", r"\bgo-ahead\b", r"\bclearance\b",
        r"\bauthori[sz]ation\b", r"\bwait\w*\b", r"\bhold (it )?off\b", r"\bpostpone\w*", r"\bdelay\w*",
        r"\bbefore (you )?(make |making )?(a |the |any |your )?report", r"\bbefore (you )?(call|calling)\b",
        r"\bwhether (or not )?to (report|call|warn)\b", r"\bif (you )?should (report|call|warn)\b",
        r"\bonce (your )?supervisor\b", r"\bsupervisor (agrees|approves|decides|says so)\b",
        r"\buntil (your |the )?(supervisor|manager|agency|team)\b", r"\bfirst (ask|check with|consult)\b",
        r"\b(ask|check with|consult) (your |the )?(supervisor|manager)( first)? (before|whether)\b",
    )
]
# ...unless the sentence says the opposite ("do not wait", "no one's approval", "never delay").
NEGATION = re.compile(r"\b(not|never|no|nobody|nothing|without|regardless|n't|nor)\b|n't\b", re.I)

# Known safe sentences that fall foul of the patterns for innocent reasons, with the reason.
ALLOWED = {
    # The law may make the report depend on what a capable adult wants; that is the law, not a supervisor.
}


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?;])\s+", " ".join(text.split())) if s.strip()]


def rulebase_texts(rulebase: RuleBase) -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    for action in rulebase.actions.values():
        texts += [(f"action {action.id} label", action.label), (f"action {action.id} guidance", action.guidance)]
    for group in rulebase.groups:
        texts += [(f"group {group.id}", group.question), (f"group {group.id} help", group.help)]
    for fact in rulebase.facts.values():
        texts += [(f"fact {fact.id} question", fact.question), (f"fact {fact.id} help", fact.help),
                  (f"fact {fact.id} label", fact.label)]
        texts += [(f"fact {fact.id} value {v}", label) for v, label in fact.values]
    for rule in rulebase.rules:
        where = f"rule {rule.id}"
        texts += [(f"{where} title", rule.title), (f"{where} comment", rule.comment)]
        texts += [(f"{where} cites {c.number}", c.why) for c in rule.cites]
        texts += [(f"{where} note on {a.id}", a.note) for a in rule.actions]
        texts += [(f"{where} tension {t.between}", t.why) for t in rule.tensions]
        texts += [(f"{where} question", q) for q in rule.questions]
    return [(w, t) for w, t in texts if t]


def gating_sentences(text: str) -> list[str]:
    found = []
    for sentence in _sentences(text):
        if sentence in ALLOWED or not SAFETY_SUBJECT.search(sentence):
            continue
        if any(p.search(sentence) for p in GATING) and not NEGATION.search(sentence):
            found.append(sentence)
    return found


def test_no_text_makes_a_report_or_an_emergency_call_wait_for_anyone(rulebase):
    problems = [f"{where}: {s}" for where, text in rulebase_texts(rulebase) for s in gating_sentences(text)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("sentence", [
    "Ask your supervisor whether to report.",
    "Get approval to report from your manager.",
    "Wait for your supervisor before calling protective services.",
    "Make the report once your supervisor agrees.",
    "Consult your supervisor before you make the report.",
    "Hold off on the report until the team meets.",
])
def test_the_scan_catches_gating_wording(sentence):
    assert gating_sentences(sentence), sentence


@pytest.mark.parametrize("sentence", [
    "Do not wait for anyone's approval to report.",
    "A report is not subject to anyone's approval.",
    "Call now; inform your supervisor afterwards.",
    "Tell your supervisor after you have made the report, not instead of it.",
])
def test_the_scan_lets_protective_wording_through(sentence):
    assert not gating_sentences(sentence), sentence


def test_every_note_on_a_safety_action_keeps_it_unconditional_on_people(rulebase):
    """Notes on the three safety actions never name a person whose agreement the step needs."""
    needs_someone = re.compile(r"\b(if|when|once|after) (your |the )?(supervisor|manager|agency|team|colleague)\b"
                               r"\s+(agrees|approves|decides|allows|says)", re.I)
    for rule in rulebase.rules:
        for ref in rule.actions:
            if ref.id in SAFETY_ACTIONS and ref.note:
                assert not needs_someone.search(ref.note), f"{rule.id}: {ref.note}"
