"""One generated rule base, loaded and evaluated in a process of its own, so that its peak memory
is its own: run by bench_evaluate.py, prints its figures as one line of JSON. Imports only the
engine (and the fact generator), nothing the benchmark itself needs."""
from __future__ import annotations

import json
import random
import resource
import statistics
import sys
import time
from pathlib import Path

import engine
from tests.support.factgen import random_facts


def main(folder: str, density: float) -> None:
    start = time.process_time()
    advisor = engine.load(folder)
    load = time.process_time() - start
    rng = random.Random(3)
    fact_sets = [random_facts(advisor.rulebase, rng, density) for _ in range(30)]
    fired = [len(advisor.evaluate(f, explore=False).fired_rules) for f in fact_sets]
    samples = []
    for _ in range(5):
        start = time.process_time()
        for facts in fact_sets:
            advisor.evaluate(facts, explore=False)
        samples.append((time.process_time() - start) / len(fact_sets))
    print(json.dumps({"rules": len(advisor.rulebase.rules), "shards": len(advisor._program.shards),
                      "load": load, "evaluate": statistics.median(samples),
                      "fired": statistics.median(fired),
                      "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
