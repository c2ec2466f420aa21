"""Threads get the single-threaded answer; thousands of evaluations leak neither sessions nor memory."""
from __future__ import annotations

import random
import threading
from pathlib import Path

from tests.support.factgen import random_facts


def test_eight_threads_get_exactly_the_single_threaded_reports(advisor):
    rng = random.Random(42)
    fact_sets = [random_facts(advisor.rulebase, rng, 0.4) for _ in range(64)]
    expected = [advisor.evaluate(f, explore=False).to_dict() for f in fact_sets]
    mismatches: list[tuple[int, int]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def worker(offset: int) -> None:
        try:
            start.wait()
            for round_ in range(25):
                index = (offset * 7 + round_) % len(fact_sets)
                if advisor.evaluate(fact_sets[index], explore=False).to_dict() != expected[index]:
                    mismatches.append((offset, index))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert not mismatches


def _rss_kib() -> int:
    fields = Path("/proc/self/status").read_text().split("VmRSS:")[1].split()
    return int(fields[0])


def test_5000_evaluations_in_a_row_leak_no_sessions_and_no_memory(advisor):
    """The engine keeps at most 1,024 live sessions per ruleset: a leak would fail long before
    5,000 evaluations. Resident memory after a warm-up stays flat."""
    rng = random.Random(5)
    fact_sets = [random_facts(advisor.rulebase, rng, 0.4) for _ in range(50)]
    for facts in fact_sets * 10:  # warm-up: caches, allocator pools
        advisor.evaluate(facts, explore=False)
    before = _rss_kib()
    for i in range(5000):
        advisor.evaluate(fact_sets[i % len(fact_sets)], explore=False)
    growth_kib = _rss_kib() - before
    assert growth_kib < 16 * 1024, f"resident memory grew by {growth_kib} KiB over 5,000 evaluations"
    assert advisor._program.broken is None


def test_an_evaluation_failure_does_not_leave_the_advisor_unusable(advisor):
    """Bad facts are refused before the engine sees them, so the next evaluation is unaffected."""
    import pytest

    import engine

    for _ in range(1100):  # more than the engine's 1,024 session slots
        with pytest.raises(engine.FactsError):
            advisor.evaluate({"suspected_abuse": "maybe"})
    assert advisor.evaluate({"suspected_abuse": True}, explore=False).fired_rules
