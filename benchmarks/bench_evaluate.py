"""How fast is evaluation? Medians, and ratios against a baseline measured in the same run.

The baseline is the plain-Python oracle (tests/support/oracle.py) deciding the same rules for the
same facts: the ratio says what durable-rules and the report cost on top of bare rule matching,
independent of how fast or busy this machine is. Run with `make bench` (`python -m
benchmarks.bench_evaluate` from the checkout, so that the tests' support modules import).
"""
from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable

import engine
from engine.report import build_report
from tests.support import oracle
from tests.support.bigrules import generate
from tests.support.factgen import random_facts

REPEATS = 7


def median_seconds(work: Callable[[], None], repeats: int = REPEATS) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def bench(name: str, advisor: engine.Advisor, fact_sets: list[dict], explore: bool = True) -> None:
    rb = advisor.rulebase

    def via_oracle() -> None:
        for facts in fact_sets:
            checked = advisor.check(facts)
            fired, derived = oracle.fire(rb, checked.values)
            build_report(rb, checked.values, checked.implied, fired, derived)

    def via_engine() -> None:
        for facts in fact_sets:
            advisor.evaluate(facts, explore=False)

    def via_engine_explore() -> None:
        for facts in fact_sets:
            advisor.evaluate(facts)

    n = len(fact_sets)
    base = median_seconds(via_oracle) / n
    plain = median_seconds(via_engine) / n
    print(f"{name}: {len(rb.rules)} rules, {len(advisor._program.shards)} shards, {n} fact sets, "
          f"median of {REPEATS} runs")
    print(f"  oracle (baseline)          {base * 1e3:8.3f} ms per evaluation   1.00x")
    print(f"  durable-rules evaluate     {plain * 1e3:8.3f} ms per evaluation   {plain / base:5.2f}x")
    if explore:
        with_questions = median_seconds(via_engine_explore, repeats=3) / n
        print(f"  evaluate + what to find out{with_questions * 1e3:8.3f} ms per evaluation"
              f"   {with_questions / base:5.2f}x")


def main() -> None:
    start = time.perf_counter()
    advisor = engine.load()
    first = time.perf_counter() - start
    compile_real = median_seconds(engine.load)
    print(f"load + validate + compile the real rule base: {compile_real * 1e3:.1f} ms median of {REPEATS}"
          f" (the first, in a fresh process: {first * 1e3:.1f} ms)")
    rng = random.Random(1)
    facts = [random_facts(advisor.rulebase, rng, 0.3) for _ in range(100)]
    bench("real rule base", advisor, facts)

    with tempfile.TemporaryDirectory() as tmp:
        folder = generate(Path(tmp), 1000)
        start = time.perf_counter()
        big = engine.load(folder)
        print(f"load + validate + compile 1,000 generated rules: {(time.perf_counter() - start) * 1e3:.1f} ms")
        bench("generated rule base", big, [random_facts(big.rulebase, rng, 0.3) for _ in range(20)], explore=False)


if __name__ == "__main__":
    main()
