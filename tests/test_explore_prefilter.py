"""'What else to find out' is decided by the compiled alternatives, and must equal the engine's.

The compiled alternatives, in plain Python (compile.Matcher), foresee which rules an extra answer
would fire, and the report's "what else to find out" is built from that foresight without asking
durable-rules again. These differential tests prove it equal to putting every candidate answer to
the whole engine: on every scenario, on generated fact sets for the real rules, and on a generated
base of 1,000 rules with numbers, enums, lists and chains of derived facts; and, answer by answer,
that the engine asked only the shards an answer changes fires exactly the rules foreseen.
"""
from __future__ import annotations

import random

import pytest

import engine
from engine.scenarios import read_scenarios
from tests.conftest import SCENARIOS_DIR
from tests.support.bigrules import generate
from tests.support.factgen import random_facts


def both_ways(advisor: engine.Advisor, facts: dict) -> tuple:
    checked = advisor.check(facts)
    firing = advisor._run(checked.values)
    return (advisor._open_questions(checked, firing, foresee=True),
            advisor._open_questions(checked, firing, foresee=False))


def test_every_scenario_gets_the_same_questions_foreseen_and_from_the_engine(advisor):
    asked = 0
    for scenario in read_scenarios(SCENARIOS_DIR, advisor.rulebase):
        quick, thorough = both_ways(advisor, dict(scenario.facts.values))
        assert quick == thorough, scenario.id
        asked += len(quick)
    assert asked > 50  # the comparison is not between empty lists


def test_the_engine_asked_only_the_changed_shards_confirms_every_answer_foreseen(advisor):
    """confirm=True puts each answer that changes the advice to durable-rules (Program.probe) and
    refuses to report on any disagreement; on every scenario it agrees and changes nothing."""
    for scenario in read_scenarios(SCENARIOS_DIR, advisor.rulebase):
        checked = advisor.check(dict(scenario.facts.values))
        base = advisor._program.baseline(checked.values)
        assert (advisor._open_questions(checked, base, confirm=True)
                == advisor._open_questions(checked, base.firing)), scenario.id


def test_the_report_says_what_else_to_find_out_from_the_foresight(advisor):
    shown = 0
    for scenario in list(read_scenarios(SCENARIOS_DIR, advisor.rulebase))[:20]:
        checked = advisor.check(dict(scenario.facts.values))
        to_find_out = advisor.evaluate(dict(scenario.facts.values)).to_find_out
        assert to_find_out == advisor._open_questions(checked, advisor._run(checked.values), foresee=False)
        shown += len(to_find_out)
    assert shown > 10


def test_confirming_needs_the_engine_baseline(advisor):
    checked = advisor.check({})
    with pytest.raises(ValueError):
        advisor._open_questions(checked, advisor._run(checked.values), confirm=True)


@pytest.mark.parametrize("density", [0.05, 0.2, 0.3, 0.5])
def test_generated_fact_sets_get_the_same_questions(advisor, density):
    """Order included: actions made more urgent are listed where they are first recommended (the
    rule, then its place among the rule's actions), as the whole report lists them."""
    rng = random.Random(int(density * 100))
    for _ in range(150):
        facts = random_facts(advisor.rulebase, rng, density)
        quick, thorough = both_ways(advisor, facts)
        assert quick == thorough, facts


@pytest.fixture(scope="module")
def big_advisor(tmp_path_factory):
    return engine.load(generate(tmp_path_factory.mktemp("big"), 1000))


def foreseen_and_fired(advisor: engine.Advisor, values: dict, fact, value) -> tuple | None:
    matcher = advisor._program.matcher
    state = matcher.state(values, advisor._run(values))
    try:
        checked = advisor.check({**values, fact.id: value})
    except engine.FactsError:
        return None  # an answer the intake would not allow here (a follow-up whose parent says no)
    if checked.implied:
        return None  # the answer implies a parent: more than one answer changes
    foreseen = tuple(matcher.rule_ids[i] for i in sorted(matcher.fired_with(state, fact.id, value)))
    return foreseen, advisor._run(checked.values).fired


@pytest.mark.parametrize("density", [0.05, 0.3])
def test_a_generated_base_of_1000_rules_gets_the_same_questions_and_foresight(big_advisor, density):
    """Its rules cite every commitment and action at once, so it shows no questions; what the
    Matcher foresees for every extra answer is checked against the engine instead."""
    rng = random.Random(int(density * 100) + 7)
    compared = changed = 0
    for _ in range(6):
        facts = random_facts(big_advisor.rulebase, rng, density)
        quick, thorough = both_ways(big_advisor, facts)
        assert quick == thorough, facts
        values = dict(big_advisor.check(facts).values)
        base = big_advisor._run(values).fired
        for fact in big_advisor.rulebase.input_facts:
            if fact.id in values:
                continue
            for value in big_advisor._explorer._values_of(fact)[:4]:
                pair = foreseen_and_fired(big_advisor, values, fact, value)
                if pair:
                    assert pair[0] == pair[1], (facts, fact.id, value)
                    compared += 1
                    changed += pair[1] != base
    assert compared > 100 and changed > 50


def test_the_matcher_foresees_exactly_what_the_engine_fires(advisor):
    """Every single extra answer to every third scenario: the foreseen rules are the engine's."""
    compared = 0
    for scenario in read_scenarios(SCENARIOS_DIR, advisor.rulebase)[::3]:
        values = dict(scenario.facts.values)
        for fact in advisor.rulebase.input_facts:
            if fact.id not in values:
                for value in advisor._explorer._values_of(fact):
                    pair = foreseen_and_fired(advisor, values, fact, value)
                    if pair:
                        assert pair[0] == pair[1], (scenario.id, fact.id, value)
                        compared += 1
    assert compared > 1000
