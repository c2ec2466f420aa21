"""When durable-rules misbehaves, no wrong report is produced, and the advisor recovers."""
from __future__ import annotations

import durable_rules_engine
import pytest

import engine
from engine.compile import Program


@pytest.fixture
def fresh(rulebase):
    return engine.Advisor(rulebase)


def test_an_engine_error_code_retires_the_instance_without_deleting_its_session(fresh, monkeypatch):
    program = fresh._program
    deleted = []
    monkeypatch.setattr(program._host, "delete_state", lambda *a: deleted.append(a))

    def fail(*args, **kwargs):
        raise durable_rules_engine.error("Could not assert fact, error code: 303")

    monkeypatch.setattr(program._host, "assert_fact", fail)
    with pytest.raises(engine.EngineFailure):
        program.run({"suspected_abuse": True})
    assert program.broken and "303" in program.broken
    assert deleted == []  # deleting after a 303 corrupts the heap
    with pytest.raises(engine.EngineFailure, match="unusable"):
        program.run({})


def test_the_advisor_recompiles_after_an_engine_error_and_answers_correctly(fresh, monkeypatch):
    expected = fresh.evaluate({"suspected_abuse": True}, explore=False).to_dict()
    broken = fresh._program

    def fail(*args, **kwargs):
        raise durable_rules_engine.error("Could not assert fact, error code: 303")

    monkeypatch.setattr(broken._host, "assert_fact", fail)
    assert fresh.evaluate({"suspected_abuse": True}, explore=False).to_dict() == expected
    assert fresh._program is not broken and isinstance(fresh._program, Program)


def test_an_exception_inside_a_rule_action_is_not_swallowed(fresh, monkeypatch):
    program = fresh._program
    real = program._host.assert_fact

    def with_exception(name, fact):
        state = real(name, fact)
        return dict(state, exception="exception caught boom")

    monkeypatch.setattr(program._host, "assert_fact", with_exception)
    with pytest.raises(engine.EngineFailure, match="boom"):
        fresh.evaluate({"suspected_abuse": True})


def test_a_shard_that_did_not_run_is_an_error_not_an_empty_report(fresh, monkeypatch):
    program = fresh._program
    monkeypatch.setattr(program._host, "assert_fact", lambda name, fact: {"sid": fact["sid"]})
    monkeypatch.setattr(program._host, "delete_state", lambda *a: None)
    with pytest.raises(engine.EngineFailure, match="did not run"):
        fresh.evaluate({"suspected_abuse": True})


def test_compiled_rule_bases_do_not_share_ruleset_names(rulebase):
    first, second = Program(rulebase), Program(rulebase)
    assert {s.name for s in first.shards}.isdisjoint({s.name for s in second.shards})
    assert first.run({"imminent_danger": True}).fired == second.run({"imminent_danger": True}).fired
