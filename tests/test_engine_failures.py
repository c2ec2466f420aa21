"""When durable-rules misbehaves, no wrong report is produced, and the advisor recovers."""
from __future__ import annotations

import json

import durable_rules_engine
import pytest

import engine
from engine.compile import SENTINEL, Program


@pytest.fixture
def fresh(rulebase):
    return engine.Advisor(rulebase)


def _fail_with_303(*args, **kwargs):
    raise durable_rules_engine.error("Could not assert fact, error code: 303")


def test_an_engine_error_code_retires_the_instance_without_deleting_its_session(fresh, monkeypatch):
    program = fresh._program
    deleted = []
    monkeypatch.setattr(program._engine, "delete_state", lambda *a: deleted.append(a))
    monkeypatch.setattr(program._engine, "assert_fact", _fail_with_303)
    with pytest.raises(engine.EngineFailure):
        program.run({"suspected_abuse": True})
    assert program.broken and "303" in program.broken
    assert deleted == []  # deleting after a 303 corrupts the heap
    with pytest.raises(engine.EngineFailure, match="unusable"):
        program.run({})


def test_the_advisor_recompiles_after_an_engine_error_and_answers_correctly(fresh, monkeypatch):
    expected = fresh.evaluate({"suspected_abuse": True}, explore=False).to_dict()
    broken = fresh._program
    monkeypatch.setattr(broken._engine, "assert_fact", _fail_with_303)
    assert fresh.evaluate({"suspected_abuse": True}, explore=False).to_dict() == expected
    assert fresh._program is not broken and isinstance(fresh._program, Program)


def test_an_advisor_that_keeps_failing_stops_rebuilding_so_memory_stays_bounded(rulebase, monkeypatch):
    advisor = engine.Advisor(rulebase)
    monkeypatch.setattr("engine.compile.CEngine.assert_fact", staticmethod(_fail_with_303))
    built = []
    real_init = Program.__init__

    def counting_init(self, rb):
        built.append(1)
        real_init(self, rb)

    monkeypatch.setattr(Program, "__init__", counting_init)
    for _ in range(50):
        with pytest.raises(engine.EngineFailure):
            advisor.evaluate({"suspected_abuse": True}, explore=False)
    assert len(built) == engine.evaluate.MAX_REBUILDS
    with pytest.raises(engine.EngineFailure, match="repeatedly"):
        advisor.evaluate({}, explore=False)


def _rewrite_messages(program, monkeypatch, rewrite):
    """Let the real engine run, but change what each of its messages names."""
    engine_calls = program._engine
    real_start, real_next = engine_calls.start_action_for_state, engine_calls.complete_and_start_action

    def start(handle, state):
        result = real_start(handle, state)
        return result and (result[0], rewrite(result[1]))

    def next_message(handle, state):
        result = real_next(handle, state)
        return result and rewrite(result)

    monkeypatch.setattr(engine_calls, "start_action_for_state", start)
    monkeypatch.setattr(engine_calls, "complete_and_start_action", next_message)


def test_a_message_naming_a_rule_the_shard_was_not_given_is_an_error(fresh, monkeypatch):
    _rewrite_messages(fresh._program, monkeypatch, lambda m: json.dumps({**json.loads(m), "stray": {}}))
    with pytest.raises(engine.EngineFailure, match="not given"):
        fresh.evaluate({"suspected_abuse": True})


def test_a_shard_that_did_not_run_is_an_error_not_an_empty_report(fresh, monkeypatch):
    def without_sentinel(message):
        return json.dumps({k: v for k, v in json.loads(message).items() if k != SENTINEL})

    _rewrite_messages(fresh._program, monkeypatch, without_sentinel)
    with pytest.raises(engine.EngineFailure, match="did not run"):
        fresh.evaluate({"suspected_abuse": True})


def test_an_interrupted_session_is_kept_and_the_instance_retired(fresh, monkeypatch):
    def interrupt(message):
        raise KeyboardInterrupt

    program = fresh._program
    deleted = []
    monkeypatch.setattr(program._engine, "delete_state", lambda *a: deleted.append(a))
    _rewrite_messages(program, monkeypatch, interrupt)
    with pytest.raises(KeyboardInterrupt):
        program.run({"suspected_abuse": True})
    assert program.broken and "interrupted" in program.broken
    assert deleted == []  # deleting a session with actions still pending corrupts the heap


def test_an_unhandled_scenario_retires_the_instance(fresh, monkeypatch):
    program = fresh._program
    monkeypatch.setattr(program._engine, "assert_fact", lambda h, f: (1, 0))
    with pytest.raises(engine.EngineFailure, match="did not handle"):
        program.run({"suspected_abuse": True})
    assert program.broken


def test_compiled_rule_bases_do_not_share_ruleset_names(rulebase):
    first, second = Program(rulebase), Program(rulebase)
    assert {s.name for s in first.shards}.isdisjoint({s.name for s in second.shards})
    assert first.run({"imminent_danger": True}).fired == second.run({"imminent_danger": True}).fired
