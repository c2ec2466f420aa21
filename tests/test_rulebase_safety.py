"""Safety invariants over the whole rule base: every rule, any facts, not one scenario.

Each invariant is checked three ways: on fact sets generated at random from the vocabulary (with
hypothesis), on every rule's own `fires` examples with the trigger added, and (for the wording)
by scanning every text in the rule base. What is protected, in the terms of vocabulary 0.3:

* imminent danger, a serious threat (intent, a plan, a weapon; named target or not) and self-harm
  with the means at hand: the emergency call is immediate and listed first, citing commitment 9
  (when the danger is an impaired colleague on duty, getting them off duty now is that first
  step, and its advice says when to call emergency services too);
* a mandated report (a child at risk, a dependent adult, a known duty): immediate, listed ahead
  of any consultation, and no text makes it depend on anyone's approval or tells anyone to wait;
* no invented report: for a capable adult with no known duty there is no report_to_authorities;
  the steps are safety, help to report and respecting the choice, and, while the law is not
  known, finding it out today;
* harm to a capable adult by a colleague or a provider: no invented report either, help to report
  outside, and the agency acts on its staff whatever the adult decides;
* duty to warn, a breach of confidentiality, only on its legal basis: the individual's own
  serious threat against someone identifiable, with the basis named in the advice;
* the supervisor involved: consultation goes to the next level, never to the supervisor;
* a romantic or sexual relationship with an individual served: it is ended now, the case is
  transferred, and it is never presented as manageable (no maintain_boundary);
* an impaired colleague on duty now: off duty now, through the person in charge.
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
from tests.support.factgen import agreeing

SAFETY_ACTIONS = ("emergency_response", "report_to_authorities", "duty_to_warn")


# --- generating facts ----------------------------------------------------------------------------

@st.composite
def fact_sets(draw: Callable, rulebase: RuleBase) -> dict[str, Any]:
    """A valid fact set: each fact unknown or given a value of its type; a follow-up only when
    its parent allows it (facts are declared parents first). An age and an "under 18" answer are
    kept consistent, as the intake requires."""
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
    return agreeing(rulebase, facts)


def _without(facts: dict[str, Any], *fact_ids: str) -> dict[str, Any]:
    return {k: v for k, v in facts.items() if k not in fact_ids}


def _abuse(facts: dict[str, Any]) -> dict[str, Any]:
    facts = dict(facts, suspected_abuse=True)
    return facts


def with_trigger(facts: dict[str, Any], trigger: str) -> dict[str, Any]:
    """The same facts with the invariant's situation made true (parents set to allow it, and
    answers that would change the situation taken out)."""
    facts = dict(facts)
    if trigger == "romance":
        facts = _without(facts, "relationship_with")
        kinds = [k for k in facts.get("relationship_kind") or [] if k != "former_client"]
        facts.update(dual_relationship=True, relationship_with="individual",
                     relationship_kind=kinds + (["romantic_or_sexual"] if "romantic_or_sexual" not in kinds else []))
    elif trigger == "mandated_child":
        facts = _abuse(_without(facts, "reporting_duty", "abuse_timing", "individual_age", "individual_is_minor"))
        facts["victim_group"] = "child"
    elif trigger == "mandated_dependent_adult":
        facts = _abuse(_without(facts, "reporting_duty", "abuse_timing", "abuse_type"))
        facts["victim_group"] = "dependent_adult"
    elif trigger == "duty_known":
        facts = _abuse(facts)
        facts["reporting_duty"] = "applies"
    elif trigger == "capable_adult":
        facts = _abuse(_without(facts, "reporting_duty", "individual_age", "individual_is_minor", "abuse_timing"))
        kinds = [k for k in facts.get("who_at_risk") or [] if k != "child"]
        facts.update(victim_group="other_adult")
        if facts.get("alleged_perpetrator") in ("colleague", "provider_or_staff"):
            del facts["alleged_perpetrator"]  # the agency acts on its own staff: staff_harm below
        if "who_at_risk" in facts:
            facts["who_at_risk"] = kinds
    elif trigger == "staff_harm_capable_adult":
        facts = _abuse(_without(facts, "reporting_duty", "individual_age", "individual_is_minor", "abuse_timing"))
        facts.update(victim_group="other_adult", alleged_perpetrator=facts.get("alleged_perpetrator") if facts.get(
            "alleged_perpetrator") in ("colleague", "provider_or_staff") else "colleague")
        if "who_at_risk" in facts:
            facts["who_at_risk"] = [k for k in facts["who_at_risk"] if k != "child"]
    elif trigger == "serious_threat":
        facts.update(threat_to_others=True, threat_serious=True)
    elif trigger == "third_party_threat":
        facts.update(threat_to_others=True, threat_made_by=facts.get("threat_made_by") if facts.get(
            "threat_made_by") in ("someone_close", "someone_else") else "someone_close")
    elif trigger == "self_harm_with_means":
        facts.update(risk_to_self=True, access_to_means=True)
    elif trigger == "colleague_on_duty":
        facts.update(colleague_impairment_suspected=True, impaired_on_duty_now=True)
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


def _colleague_on_duty_is_the_danger(facts: dict[str, Any]) -> bool:
    return bool(facts.get("colleague_impairment_suspected") and facts.get("impaired_on_duty_now")
                and facts.get("harm_caused_by") == "colleague")


def check_emergency(report: Report) -> None:
    first = report.actions[0]
    if report.facts.get("imminent_danger") and _colleague_on_duty_is_the_danger(report.facts) \
            and first.id != "emergency_response":
        # The danger is the impaired colleague at work: stopping their work now is the emergency
        # step, and its advice says when to call emergency services as well.
        assert first.id == "remove_from_duty" and first.urgency == "immediate", report.action_ids
        assert any("emergency services" in note for note in first.notes), first.notes
        assert 9 in report.commitment_numbers, report.commitment_numbers
        return
    assert first.id == "emergency_response", report.action_ids
    assert first.urgency == "immediate"
    assert 9 in report.commitment_numbers, report.commitment_numbers


def check_mandated_report(report: Report) -> None:
    action = report.action("report_to_authorities")
    assert action is not None, report.action_ids
    assert action.urgency == "immediate"
    order = report.action_ids
    position = order.index("report_to_authorities")
    assert all(report.action(a).safety for a in order[:position]), order
    for later in ("consult_supervisor", "escalate_concern", "check_jurisdiction_law"):
        if later in order:
            assert position < order.index(later), order


def check_no_invented_report(report: Report) -> None:
    facts = report.facts
    assert "report_to_authorities" not in report.action_ids, report.action_ids
    assert "support_to_report" in report.action_ids, report.action_ids
    assert report.action("safety_plan") is not None and report.action("safety_plan").urgency == "immediate"
    if facts.get("reporting_duty") is None:
        law = report.action("check_jurisdiction_law")
        assert law is not None and law.urgency == "immediate", report.action_ids


def check_staff_harm_capable_adult(report: Report) -> None:
    """Harm to a capable adult by a colleague or a provider: no invented report, the adult is
    helped to report outside, and the agency acts on its staff (misconduct reported) whatever
    the adult decides; while the law is not known, it is found out today."""
    assert "report_to_authorities" not in report.action_ids, report.action_ids
    assert "support_to_report" in report.action_ids, report.action_ids
    already_raised = report.facts.get("concern_raised") is True and report.facts.get("concern_dismissed") is False
    assert already_raised or "report_misconduct" in report.action_ids, report.action_ids
    if report.facts.get("reporting_duty") is None:
        law = report.action("check_jurisdiction_law")
        assert law is not None and law.urgency == "immediate", report.action_ids


def check_duty_to_warn_has_its_basis(report: Report) -> None:
    """Wherever duty_to_warn appears: the individual's own serious threat against someone who can
    be identified, and the advice names the legal basis."""
    action = report.action("duty_to_warn")
    if action is None:
        return
    facts = report.facts
    assert facts.get("threat_target") == "identifiable_person", facts
    assert facts.get("threat_made_by") in (None, "the_individual"), facts
    assert facts.get("threat_serious") is True or facts.get("access_to_means") is True, facts
    assert any("legal basis" in note for note in action.notes), action.notes


def check_third_party_threat(report: Report) -> None:
    assert "duty_to_warn" not in report.action_ids, report.action_ids
    assert report.action("safety_plan") is not None, report.action_ids


def check_supervisor_involved(report: Report) -> None:
    assert "consult_supervisor" not in report.action_ids, report.action_ids
    assert "escalate_concern" in report.action_ids, report.action_ids


def check_romance(report: Report) -> None:
    end = report.action("end_outside_relationship")
    assert end is not None and end.urgency == "immediate", report.action_ids
    assert "transfer_case" in report.action_ids, report.action_ids
    assert "maintain_boundary" not in report.action_ids, report.action_ids
    assert 7 in report.commitment_numbers and 8 in report.commitment_numbers, report.commitment_numbers


def check_colleague_on_duty(report: Report) -> None:
    action = report.action("remove_from_duty")
    assert action is not None and action.urgency == "immediate", report.action_ids
    if not report.facts.get("suspected_abuse"):
        assert "report_to_authorities" not in report.action_ids, report.action_ids


INVARIANTS = {
    "imminent_danger": check_emergency,
    "serious_threat": check_emergency,
    "self_harm_with_means": check_emergency,
    "mandated_child": check_mandated_report,
    "mandated_dependent_adult": check_mandated_report,
    "duty_known": check_mandated_report,
    "capable_adult": check_no_invented_report,
    "staff_harm_capable_adult": check_staff_harm_capable_adult,
    "third_party_threat": check_third_party_threat,
    "supervisor_involved": check_supervisor_involved,
    "romance": check_romance,
    "colleague_on_duty": check_colleague_on_duty,
}


def check_every_report(report: Report) -> None:
    check_safety_first(report)
    check_duty_to_warn_has_its_basis(report)


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
            check_every_report(report)
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
        check_every_report(report)

    run()


def test_every_generated_report_lists_safety_actions_first(advisor, rulebase):
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(fact_sets(rulebase))
    def run(facts):
        check_every_report(advisor.evaluate(facts, explore=False))

    run()


def test_romance_is_never_managed_by_any_rule(rulebase):
    """Statically too: the rules that meet a romance take maintain_boundary out of the report,
    whichever other rule would recommend it."""
    romance_rules = [r for r in rulebase.rules if r.id.startswith("boundaries.romantic")
                     or r.id == "boundaries.romance_with_family"]
    assert romance_rules
    for rule in romance_rules:
        assert "maintain_boundary" in rule.replaces, rule.id


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
