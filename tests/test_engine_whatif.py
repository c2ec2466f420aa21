"""What if, explained: each difference put down to the changed fact that gives it alone, with the
rules behind it; what only the changes together give says so (engine/whatif.py, present.py)."""
from __future__ import annotations

import pytest

import engine
from engine.present import what_if_text, what_if_words
from engine.whatif import explain
from tests.support.minirules import CHAIN_RULES, make_rules_dir

RULES = CHAIN_RULES + """\
  - id: w.red
    title: Red
    when: {fact: colour, equals: red}
    cites: [{commitment: 7, why: Red.}]
    actions: [document]
  - id: w.old
    title: Old
    when: {fact: age, gte: 65}
    cites: [{commitment: 18, why: Old.}]
    actions: [consult_supervisor]
  - id: w.both
    title: Red and old
    when:
      all:
        - {fact: colour, equals: red}
        - {fact: age, gte: 65}
    cites: [{commitment: 19, why: Both.}]
    actions: [report_to_authorities]
  - id: w.k1
    title: Kind one
    when: {fact: kinds, contains_any: [k1]}
    actions: [{id: document, urgency: immediate}]
  - id: w.d1
    title: Detail one
    when: {fact: detail, equals: d1}
    actions: [maintain_boundary]
  - id: w.blue
    title: Blue takes documenting out
    when: {fact: colour, equals: blue}
    cites: [{commitment: 7, why: Blue.}]
    actions: [seek_training_or_referral]
    replaces: [document]
"""


@pytest.fixture(scope="module")
def advisor(tmp_path_factory):
    return engine.load(make_rules_dir(tmp_path_factory.mktemp("whatif"), RULES))


def what_if(advisor, before: dict, after: dict):
    def evaluate(facts):
        return advisor.evaluate(facts, explore=False)
    return explain(advisor.rulebase, evaluate, evaluate(before), evaluate(after))


def by_item(whatif):
    return {(d.kind, d.item): d for d in whatif.differences}


def test_with_two_facts_changed_each_difference_names_the_fact_that_caused_it(advisor):
    w = what_if(advisor, {}, {"colour": "red", "age": 70})
    colour, age = w.changes
    assert (colour.fact, age.fact) == ("colour", "age")
    got = by_item(w)
    assert got[("added_action", "document")].caused_by == (colour,)
    assert got[("added_action", "consult_supervisor")].caused_by == (age,)
    assert got[("added_commitment", 7)].caused_by == (colour,)
    assert got[("added_commitment", 18)].caused_by == (age,)
    # Neither change alone reaches the rule that needs both.
    assert got[("added_action", "report_to_authorities")].caused_by == ()
    assert got[("added_commitment", 19)].caused_by == ()
    assert {d.item for d in w.together} == {"report_to_authorities", 19}
    assert [b.rule for b in got[("added_action", "report_to_authorities")].because] == ["w.both"]
    assert [b.rule for b in got[("added_action", "document")].because] == ["w.red"]


def test_a_raised_urgency_names_the_rule_that_raised_it(advisor):
    w = what_if(advisor, {"colour": "red"}, {"colour": "red", "kinds": ["k1"], "age": 70})
    raised = by_item(w)[("more_urgent", "document")]
    assert (raised.before, raised.after) == ("routine", "immediate")
    assert [c.fact for c in raised.caused_by] == ["kinds"]
    assert [b.rule for b in raised.because] == ["w.k1"]  # not w.red, which asks for it routinely


def test_what_goes_names_the_rules_that_asked_for_it_before(advisor):
    w = what_if(advisor, {"colour": "red", "age": 70}, {"colour": "green", "age": 70})
    got = by_item(w)
    assert [b.rule for b in got[("removed_action", "report_to_authorities")].because] == ["w.both"]
    assert got[("removed_action", "report_to_authorities")].caused_by == w.changes
    assert got[("removed_action", "document")].because[0].facts["colour"] == "red"  # as it was


def test_an_action_a_more_specific_rule_takes_out_names_that_rule(advisor):
    w = what_if(advisor, {"colour": "red", "kinds": ["k1"]}, {"colour": "blue", "kinds": ["k1"]})
    removed = by_item(w)[("removed_action", "document")]
    assert [b.rule for b in removed.taken_out_by] == ["w.blue"]
    [words] = [e for e in what_if_words(advisor.rulebase, w) if e.tag == "REMOVED" and e.kind == "action"]
    assert "w.blue" in words.line() and "takes it out" in words.rules[0]
    assert words.cause == "Because Colour: Red → Blue."


def test_a_follow_up_answer_changes_with_its_parent(advisor):
    w = what_if(advisor, {"flag_a": True, "detail": "d1"}, {"flag_a": False})
    [change] = w.changes
    assert change.changes == (("flag_a", True, False), ("detail", "d1", None))
    assert by_item(w)[("removed_action", "maintain_boundary")].caused_by == (change,)


def test_the_words_say_which_change_caused_what_and_the_facts_the_rule_stood_on(advisor):
    w = what_if(advisor, {}, {"colour": "red", "age": 70})
    words = {e.what: e for e in what_if_words(advisor.rulebase, w)}
    label = advisor.rulebase.actions["document"].label
    document = words[f"“{label}”"]
    assert document.tag == "ADDED" and document.cause == "Because Colour: not sure → Red."
    assert document.rules == ("Rule w.red (Red) now asks for it, on Colour: Red.",)
    both = words[f"“{advisor.rulebase.actions['report_to_authorities'].label}”"]
    assert both.cause == "No single change gives it: only the changes together do."
    assert both.rules == ("Rule w.both (Red and old) now asks for it, on Colour: Red; Age: 70 years.",)
    text = what_if_text(advisor.rulebase, w, "saved consultation #4")
    assert text.startswith("What if (from saved consultation #4): Colour: not sure → Red; Age: not sure → 70 years.")
    assert f"\nBecause Colour: not sure → Red.\n- ADDED: action “{label}”. Rule behind it: w.red (Red).\n" in text
    assert text.rstrip().split("\n")[-3] == "No single change gives it: only the changes together do."
    assert "_" not in text.replace("w.", "")  # no ids of facts or actions, only rule names


def test_no_difference_says_so(advisor):
    w = what_if(advisor, {"colour": "green"}, {"colour": "green", "flag_b": True})
    assert w.differences == () and "make no difference" in what_if_text(advisor.rulebase, w)


def test_the_real_rules_explain_a_two_fact_what_if():
    real = engine.load()
    base = {"suspected_abuse": True, "victim_group": "child"}
    after = {**base, "victim_group": "other_adult", "imminent_danger": True}
    w = explain(real.rulebase, lambda f: real.evaluate(f, explore=False), real.evaluate(base), real.evaluate(after))
    got = by_item(w)
    assert [c.fact for c in got[("added_action", "emergency_response")].caused_by] == ["imminent_danger"]
    assert [c.fact for c in got[("removed_action", "report_to_authorities")].caused_by] == ["victim_group"]
    assert all(d.because for d in w.differences)  # every difference names its rules
