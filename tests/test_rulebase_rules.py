"""Every rule tested both ways: it fires on each of its `fires` examples and stays silent on each
of its `silent` near misses. Also: the fact and action ids that are a public contract are all
still there, and every fact the rules could ask about has a question and help to ask it with."""
from __future__ import annotations

import pytest

import engine
from engine.authoring import PUBLIC_ACTIONS, PUBLIC_DERIVED, PUBLIC_FACTS
from tests.conftest import RULES_DIR

RULE_IDS = [rule.id for rule in engine.load_rulebase(RULES_DIR).rules]


@pytest.fixture(scope="module")
def rules_by_id(rulebase):
    return {rule.id: rule for rule in rulebase.rules}


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_has_examples_both_ways(rules_by_id, rule_id):
    rule = rules_by_id[rule_id]
    assert rule.fires, f"{rule_id} has no 'fires' example"
    assert rule.silent, f"{rule_id} has no 'silent' (near miss) example"


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_fires_on_its_fires_examples(advisor, rules_by_id, rule_id):
    for example in rules_by_id[rule_id].fires:
        report = advisor.evaluate(dict(example), explore=False)
        assert rule_id in report.fired_rules, f"{rule_id} did not fire on {dict(example)}"


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_stays_silent_on_its_near_misses(advisor, rules_by_id, rule_id):
    for example in rules_by_id[rule_id].silent:
        report = advisor.evaluate(dict(example), explore=False)
        assert rule_id not in report.fired_rules, f"{rule_id} fired on its near miss {dict(example)}"


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_is_readable(rules_by_id, rule_id):
    rule = rules_by_id[rule_id]
    assert rule.title and rule.title[0].isupper()
    assert all(c.why for c in rule.cites)
    assert all(t.why for t in rule.tensions)
    assert rule.cites or rule.actions or rule.concludes, rule_id


# The ids saved scenarios and the app rely on are data of the authoring checks (engine/authoring.py).
CONTRACT_FACTS, CONTRACT_DERIVED, CONTRACT_ACTIONS = PUBLIC_FACTS, PUBLIC_DERIVED, PUBLIC_ACTIONS


def test_contract_fact_and_value_ids_are_all_still_there(rulebase):
    for fact_id, values in CONTRACT_FACTS.items():
        assert fact_id in rulebase.facts and not rulebase.facts[fact_id].derived, fact_id
        fact = rulebase.facts[fact_id]
        # A retired "not sure" value stays accepted in saved scenarios, read as not known.
        assert set(values) <= set(fact.value_ids) | set(fact.unanswered), fact_id
    for fact_id in CONTRACT_DERIVED:
        assert fact_id in rulebase.facts and rulebase.facts[fact_id].derived, fact_id


def test_retired_not_sure_values_are_accepted_and_read_as_not_known(advisor):
    checked = advisor.check({"suspected_abuse": True, "reporting_duty": "not_sure",
                             "alleged_perpetrator": "unknown"})
    assert dict(checked.values) == {"suspected_abuse": True}
    assert advisor.evaluate({"suspected_abuse": True, "reporting_duty": "not_sure"}).to_dict() == \
        advisor.evaluate({"suspected_abuse": True}).to_dict()


def test_contract_action_ids_are_all_still_there(rulebase):
    assert set(CONTRACT_ACTIONS) <= set(rulebase.actions)


def test_every_new_fact_has_a_question_and_help(rulebase):
    for fact in rulebase.input_facts:
        assert fact.question.endswith("?"), fact.id
        if fact.id not in CONTRACT_FACTS:
            assert fact.help, f"new fact {fact.id} has no help text"


def test_every_fact_is_read_by_some_rule(rulebase):
    read = {f for rule in rulebase.rules for f in rule.reads}
    unread = [f.id for f in rulebase.input_facts if f.id not in read]
    assert not unread, f"facts no rule reads: {unread}"


def test_every_action_is_recommended_by_some_rule(rulebase):
    used = {a.id for rule in rulebase.rules for a in rule.actions}
    assert not set(rulebase.actions) - used, sorted(set(rulebase.actions) - used)


def test_every_commitment_and_purpose_is_cited(rulebase):
    cited = {(c.kind, c.number) for rule in rulebase.rules for c in rule.cites}
    for n in range(1, 29):
        assert ("commitment", n) in cited, n
    for n in range(1, 5):
        assert ("purpose", n) in cited, n


REQUIRED_TENSIONS = [(18, 19), (2, 9), (2, 19), (20, 21), (7, 11), (2, 13), (12, 20)]


@pytest.mark.parametrize("pair", REQUIRED_TENSIONS)
def test_required_tension_is_explained(rulebase, pair):
    explained = [t for rule in rulebase.rules for t in rule.tensions if t.between == pair]
    assert explained, f"no rule explains the tension {pair}"
    assert all(len(t.why.split()) >= 8 for t in explained), pair


def test_version_is_raised(rulebase):
    major, minor, *_ = (int(x) for x in rulebase.version.split("."))
    assert (major, minor) >= (0, 2)
