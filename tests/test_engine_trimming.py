"""Each shard gets only its own fields, shards that cannot fire are not asked, probes reuse answers.

The engine refuses a fact of more than about 255 properties (error 302). These tests build a
vocabulary far past that (500 yes/no facts) and check that every shard's fact stays inside the
planned budget, that the answers are the oracle's, and that the engine is asked only what it must.
"""
from __future__ import annotations

import random

import pytest
import yaml

import engine
from engine import compile as compiled
from engine.compile import FIELDS_PER_FACT, CEngine
from tests.support import oracle
from tests.support.minirules import make_rules_dir

N_FACTS = 500


def _wide_vocabulary() -> str:
    facts = [{"id": f"f{i}", "group": "g", "type": "bool", "label": f"F{i}", "question": f"F{i}?"}
             for i in range(N_FACTS)]
    return yaml.safe_dump({"groups": [{"id": "g", "title": "G", "question": "G?"}], "facts": facts})


def _wide_rules(rng: random.Random) -> str:
    rules = []
    for i in range(120):
        reads = rng.sample(range(N_FACTS), 6)
        atoms = [f"f{n}" for n in reads]  # positive tests: every alternative has an anchor flag
        rules.append({"id": f"wide.r{i}", "title": f"Wide {i}", "when": {"all": atoms[:3]} if i % 2 else
                      {"any": atoms[:2]}, "actions": ["document"],
                      "cites": [{"commitment": rng.randint(1, 28), "why": "generated"}]})
    return yaml.safe_dump({"rules": rules})


@pytest.fixture(scope="module")
def wide(tmp_path_factory):
    rng = random.Random(5)
    folder = make_rules_dir(tmp_path_factory.mktemp("wide"), _wide_rules(rng), _wide_vocabulary())
    return engine.load(folder)


def test_a_vocabulary_of_500_facts_compiles_into_shards_within_the_engines_fact_limit(wide):
    program = wide._program
    assert len(wide.rulebase.input_facts) == N_FACTS
    every_flag = len(compiled.encode_facts(wide.rulebase.facts, {}, {}))  # the untrimmed fact
    assert every_flag > 255  # far past what the engine takes in one fact
    for shard in program.shards:
        assert len(shard.fields) + 2 <= FIELDS_PER_FACT, (shard.name, len(shard.fields))


def test_wide_fact_sets_get_the_oracles_answer(wide):
    rng = random.Random(11)
    for _ in range(150):
        facts = {f"f{i}": rng.random() < 0.5 for i in rng.sample(range(N_FACTS), rng.randint(0, 120))}
        fired, _ = oracle.fire(wide.rulebase, wide.check(facts).values)
        assert wide.evaluate(facts, explore=False).fired_rules == fired


def test_a_shard_none_of_whose_rules_can_hold_is_not_asked(wide, monkeypatch):
    asked = []
    real = CEngine.assert_fact

    def counting(handle, fact):
        asked.append(handle)
        return real(handle, fact)

    monkeypatch.setattr(wide._program._engine, "assert_fact", counting)
    wide.evaluate({}, explore=False)
    nothing = len(asked)
    asked.clear()
    wide.evaluate({f"f{i}": True for i in range(N_FACTS)}, explore=False)
    everything = len(asked)
    assert all(s.anchors is not None for s in wide._program.shards)
    assert nothing == 0 < everything == len(wide._program.shards)


def test_the_real_rule_base_sends_each_shard_only_the_fields_its_rules_read(advisor):
    program = advisor._program
    sent: list[dict] = []
    real = CEngine.assert_fact

    def recording(handle, fact):
        sent.append(yaml.safe_load(fact))
        return real(handle, fact)

    original = program._engine.assert_fact
    program._engine.assert_fact = recording
    try:
        advisor.evaluate({"suspected_abuse": True, "victim_group": "child", "gift_offered": True}, explore=False)
    finally:
        program._engine.assert_fact = original
    assert sent
    widest = max(len(f) for f in sent)
    assert widest <= FIELDS_PER_FACT
    all_flags = len(compiled.encode_facts(advisor.rulebase.facts, {}, {}))
    assert widest < all_flags  # trimmed: no shard is sent every flag


def test_what_else_to_find_out_gets_the_same_answer_with_and_without_the_memo(advisor):
    from engine.scenarios import read_scenarios
    from tests.conftest import SCENARIOS_DIR

    for scenario in read_scenarios(SCENARIOS_DIR, advisor.rulebase)[::4]:
        values = dict(scenario.facts.values)
        with_memo = advisor.evaluate(values).to_dict()["to_find_out"]
        fresh = engine.Advisor(advisor.rulebase)
        # every probe asks the engine afresh: no memo, and every shard, not only those the answer touches
        fresh._probe = lambda base, fact_id, value, memo, _run=fresh._run: _run({**values, fact_id: value})
        assert fresh.evaluate(values).to_dict()["to_find_out"] == with_memo, scenario.id


def test_rule_names_are_read_from_engine_messages_without_decoding_the_fact():
    from engine.compile import rule_names

    assert rule_names('{"r3_0":{"m":{"t": "scenario", "sid": "s1", "a__true": 1}}}') == ["r3_0"]
    # Anything not in the one-rule shape is decoded in full, so nothing is misread.
    assert rule_names('{"r1_0":{"m":{"t": "scenario"}},"r2_0":{"m":{"t": "scenario"}}}') == ["r1_0", "r2_0"]
    assert rule_names('{"__every_scenario":{"m":{"t": "scenario"}}}') == ["__every_scenario"]
