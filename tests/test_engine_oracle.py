"""durable-rules and an independent plain-Python oracle agree, on the real rules and on 1,000."""
from __future__ import annotations

import random

import pytest

import engine
from engine.report import build_report
from engine.scenarios import read_scenarios
from tests.conftest import SCENARIOS_DIR
from tests.support import oracle
from tests.support.bigrules import generate
from tests.support.factgen import random_facts


def oracle_report(advisor: engine.Advisor, facts: dict) -> dict:
    checked = advisor.check(facts)
    fired, derived = oracle.fire(advisor.rulebase, checked.values)
    return build_report(advisor.rulebase, checked.values, checked.implied, fired, derived).to_dict()


def engine_report(advisor: engine.Advisor, facts: dict) -> dict:
    return advisor.evaluate(facts, explore=False).to_dict()


def test_every_scenario_gets_the_same_report_from_engine_and_oracle(advisor):
    scenarios = read_scenarios(SCENARIOS_DIR, advisor.rulebase)
    assert scenarios, "the scenario library is empty"
    for scenario in scenarios:
        facts = dict(scenario.facts.values)
        assert engine_report(advisor, facts) == oracle_report(advisor, facts), scenario.id


def test_every_rule_example_gets_the_same_report(advisor):
    for rule in advisor.rulebase.rules:
        for facts in (*rule.fires, *rule.silent):
            assert engine_report(advisor, dict(facts)) == oracle_report(advisor, dict(facts)), rule.id


@pytest.mark.parametrize("density", [0.1, 0.3, 0.7])
def test_generated_fact_sets_get_the_same_report(advisor, density):
    rng = random.Random(int(density * 1000))
    for _ in range(300):
        facts = random_facts(advisor.rulebase, rng, density)
        assert engine_report(advisor, facts) == oracle_report(advisor, facts), facts


@pytest.fixture(scope="module")
def big_advisor(tmp_path_factory):
    return engine.load(generate(tmp_path_factory.mktemp("big"), 1000))


def test_a_generated_base_of_1000_rules_compiles_into_small_shards(big_advisor):
    program = big_advisor._program
    assert len(big_advisor.rulebase.rules) >= 1000
    assert len(program.shards) >= 16
    assert max(len(s.rule_ids) for s in program.shards) <= 64
    assert len({s.layer for s in program.shards}) >= 2  # derived facts chain across layers


@pytest.mark.parametrize("density", [0.05, 0.25, 0.6, 0.95])
def test_a_generated_base_of_1000_rules_agrees_with_the_oracle(big_advisor, density):
    rng = random.Random(int(density * 100) + 1)
    fired_counts = []
    for _ in range(40):
        facts = random_facts(big_advisor.rulebase, rng, density)
        got, want = engine_report(big_advisor, facts), oracle_report(big_advisor, facts)
        assert got == want, facts
        fired_counts.append(len(got["fired_rules"]))
    assert max(fired_counts) > 20  # the comparison is not between two empty reports
