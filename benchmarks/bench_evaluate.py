"""How fast is it? `make bench`: one run, one table, every figure against baselines measured in
the same run on the same machine (so the ratios hold however busy the machine is).

For the real rule base, on the same fact sets:

* raw C calls on trimmed facts: the durable-rules C extension asserting, for every shard, only the
  fields that shard reads, taking its actions and deleting the session, with nothing else: the
  least any evaluation through durable-rules can cost. The baseline of the table.
* the raw durable-rules Host API on the same rulesets: its Python wrapper (JSON around every
  call, a Python callback per firing), as the project once drove it.
* the oracle (tests/support/oracle.py) and a bitmask matcher: plain Python deciding the same
  rules, the second with every alternative of every condition as two bit masks.
* the project's evaluate (facts checked, engine, report built), then with "what else to find out".

Then generated rule bases of 50 to 5,000 rules, each loaded and evaluated in a process of its own
(so that its peak memory is its own), the PDF of a report, and throughput.

Medians of several runs (the real rule base's figures measured in turns, round by round).
Targets (issue 8): evaluate <= 2x raw C; explore <= 2x evaluate; 5,000 rules <= 20 ms per
evaluation and <= 150 MB; 1,000 rules load < 1 s; PDF < 50 ms.

Run with `make bench` (`python -m benchmarks.bench_evaluate` from the checkout, so that the
tests' support modules import).
"""
from __future__ import annotations

import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Mapping

ROOT = Path(__file__).resolve().parent.parent

import durable.engine as durable
import durable_rules_engine

import engine
from engine.compile import SCENARIO_TYPE, SENTINEL, Encoder, Program, condition_terms, plan_shards, term_pattern
from engine.printable import to_pdf
from engine.report import build_report
from engine.scenarios import read_scenarios
from tests.support import oracle
from tests.support.bigrules import generate
from tests.support.factgen import random_facts

REPEATS = 7
SWEEP = (50, 200, 1000, 5000)
SWEEP_DENSITY = 0.3  # each generated fact known with this probability (as in the oracle tests)


def median_seconds(work: Callable[[], Any], repeats: int = REPEATS) -> float:
    """The median CPU time of the work (this process only: it is single-threaded and does no I/O,
    so what other programs on a shared machine do changes it far less than the clock on the wall)."""
    samples = []
    for _ in range(repeats):
        start = time.process_time()
        work()
        samples.append(time.process_time() - start)
    return statistics.median(samples)


def interleaved_medians(works: Mapping[str, Callable[[], Any]], repeats: int = REPEATS) -> dict[str, float]:
    """Each work's median CPU time, the works taking turns round by round: on a shared machine
    whose speed drifts, figures measured side by side make steadier ratios than figures measured
    one after the other."""
    samples: dict[str, list[float]] = {name: [] for name in works}
    for _ in range(repeats):
        for name, work in works.items():
            start = time.process_time()
            work()
            samples[name].append(time.process_time() - start)
    return {name: statistics.median(times) for name, times in samples.items()}


# --- baselines ----------------------------------------------------------------------------------

class RawC:
    """The C extension's own calls on each shard's trimmed fact: assert, take actions, delete."""

    def __init__(self, program: Program):
        self.program = program
        self.layers = [[s for s in program.shards if s.layer == layer] for layer in program.layers]
        self.concludes = {r.id: r.concludes for r in program.rulebase.rules}
        self.sessions = 0

    def run(self, values: dict) -> set[str]:
        p = self.program
        self.sessions += 1
        sid = f"raw{self.sessions}"
        derived: dict[str, bool] = {}
        fired: set[str] = set()
        inputs = p._encode.inputs(values)
        for shards in self.layers:
            encoded = {**inputs, **p._encode.derived(derived)}
            layer_fired = []
            for shard in shards:
                handle, names = p._handles[shard.name], p._rule_of[shard.name]
                fact = json.dumps({**SCENARIO_TYPE, "sid": sid, **{f: encoded[f] for f in shard.fields if f in encoded}})
                _, state = durable_rules_engine.assert_fact(handle, fact)
                message = durable_rules_engine.start_action_for_state(handle, state)
                message = message[1] if message else None
                while message:
                    layer_fired.extend(names[n] for n in json.loads(message) if n != SENTINEL)
                    message = durable_rules_engine.complete_and_start_action(handle, state)
                durable_rules_engine.delete_state(handle, sid)
            for rule_id in layer_fired:
                derived.update((d, True) for d in self.concludes[rule_id])
            fired.update(layer_fired)
        return fired


class _QuietHost(durable.Host):
    """durable-rules' Host without its background timer threads (they crashed on stray sessions)."""

    def _run(self) -> None:
        return None


class RawHost:
    """The same shards, registered through durable-rules' Python Host API with a callback per rule."""

    def __init__(self, rulebase: engine.RuleBase):
        self.shards, terms = plan_shards(rulebase, "bench_host")
        self.layers = [[s for s in self.shards if s.layer == layer] for layer in sorted({s.layer for s in self.shards})]
        self.concludes = {r.id: r.concludes for r in rulebase.rules}
        self.encoder = Encoder(rulebase.facts)
        self.fired: list[str] = []
        definitions = {}
        for shard in self.shards:
            body = {}
            for index, rule_id in enumerate(shard.rule_ids):
                for alternative, term in enumerate(terms[rule_id]):
                    body[f"r{index}_{alternative}"] = dict(term_pattern(term), run=self._record(rule_id))
            body[SENTINEL] = {"all": [{"m": dict(SCENARIO_TYPE)}], "run": self._record(SENTINEL)}
            definitions[shard.name] = body
        self.host = _QuietHost()
        self.host.register_rulesets(definitions)
        self.sessions = 0

    def _record(self, rule_id: str):
        return lambda c: self.fired.append(rule_id)

    def run(self, values: dict) -> set[str]:
        self.sessions += 1
        sid = f"host{self.sessions}"
        derived: dict[str, bool] = {}
        fired: set[str] = set()
        inputs = self.encoder.inputs(values)
        for shards in self.layers:
            encoded = {**inputs, **self.encoder.derived(derived)}
            layer_fired = []
            for shard in shards:
                self.fired = []
                self.host.assert_fact(shard.name, {**SCENARIO_TYPE, "sid": sid,
                                                   **{f: encoded[f] for f in shard.fields if f in encoded}})
                self.host.delete_state(shard.name, sid)
                layer_fired.extend(r for r in self.fired if r != SENTINEL)
            for rule_id in layer_fired:
                derived.update((d, True) for d in self.concludes[rule_id])
            fired.update(layer_fired)
        return fired


class Bitmask:
    """Plain Python with every alternative as (bits that must be 1, bits that must be 0), plus any
    numeric comparisons; derived facts in layers, as the engine has them."""

    _OPS = {"$lt": int.__lt__, "$lte": int.__le__, "$gt": int.__gt__, "$gte": int.__ge__, "$neq": int.__ne__}

    def __init__(self, program: Program):
        rb = program.rulebase
        self.encoder = program._encode
        self.bit: dict[str, int] = {}
        self.layers = []
        for layer in program.layers:
            rules = []
            for shard in (s for s in program.shards if s.layer == layer):
                for rule_id in shard.rule_ids:
                    alternatives = []
                    for term in condition_terms(rb.rule(rule_id).when, rb.facts):
                        ones = zeros = 0
                        numeric = []
                        for test in term:
                            (key, value), = test.items()
                            if key.startswith("$"):
                                (field, number), = value.items()
                                numeric.append((field, self._OPS[key], number))
                            elif isinstance(value, int) and value in (0, 1) and "__" in key:
                                if value:
                                    ones |= self._bit(key)
                                else:
                                    zeros |= self._bit(key)
                            else:
                                numeric.append((key, int.__eq__, value))
                        alternatives.append((ones, zeros, tuple(numeric)))
                    rules.append((rule_id, tuple(alternatives), rb.rule(rule_id).concludes))
            self.layers.append(rules)

    def _bit(self, flag: str) -> int:
        return self.bit.setdefault(flag, 1 << len(self.bit))

    def run(self, values: dict) -> set[str]:
        encoded = self.encoder.inputs(values)
        bits = 0
        for flag, value in encoded.items():
            if value == 1 and flag in self.bit:
                bits |= self.bit[flag]
        fired: set[str] = set()
        for rules in self.layers:
            concluded = 0
            for rule_id, alternatives, concludes in rules:
                for ones, zeros, numeric in alternatives:
                    if bits & ones == ones and not bits & zeros and all(
                            field in encoded and op(encoded[field], n) for field, op, n in numeric):
                        fired.add(rule_id)
                        for d in concludes:
                            flag = f"{d}__true"
                            if flag in self.bit:
                                concluded |= self.bit[flag]
                        break
            bits |= concluded
        return fired


# --- the real rule base -------------------------------------------------------------------------

def real_rule_base(rows: list[tuple[str, float, str]]) -> dict[str, float]:
    advisor = engine.load()
    rb = advisor.rulebase
    rng = random.Random(1)
    fact_sets = [random_facts(rb, rng, 0.3) for _ in range(100)]
    checked = [dict(advisor.check(f).values) for f in fact_sets]
    raw_c, host, bits = RawC(advisor._program), RawHost(rb), Bitmask(advisor._program)
    for values in checked:  # every baseline decides exactly what the engine decides
        expected = set(advisor._program.run(values).fired)
        assert raw_c.run(values) == expected == host.run(values) == bits.run(values) == set(oracle.fire(rb, values)[0])

    def each(run: Callable[[dict], Any], items: list) -> Callable[[], None]:
        return lambda: [run(v) for v in items]

    n = len(fact_sets)
    figures = {name: seconds / n for name, seconds in interleaved_medians({
        "raw C": each(raw_c.run, checked),
        "host": each(host.run, checked),
        "oracle": each(lambda v: oracle.fire(rb, v), checked),
        "bitmask": each(bits.run, checked),
        "oracle+report": each(lambda f: _oracle_report(advisor, f), fact_sets),
        "evaluate": each(lambda f: advisor.evaluate(f, explore=False), fact_sets),
        "explore": each(advisor.evaluate, fact_sets),
    }).items()}
    base = figures["raw C"]
    rows += [
        (f"real rule base: {len(rb.rules)} rules, {len(advisor._program.shards)} shards, {n} fact sets", 0, ""),
        ("  raw C calls on trimmed facts (baseline)", figures["raw C"], "1.00x"),
        ("  raw durable-rules Host API, same rulesets", figures["host"], f"{figures['host'] / base:.2f}x"),
        ("  oracle (plain Python)", figures["oracle"], f"{figures['oracle'] / base:.2f}x"),
        ("  bitmask matcher (plain Python)", figures["bitmask"], f"{figures['bitmask'] / base:.2f}x"),
        ("  oracle + facts checked + report", figures["oracle+report"], f"{figures['oracle+report'] / base:.2f}x"),
        ("  evaluate: facts checked, engine, report", figures["evaluate"],
         f"{figures['evaluate'] / base:.2f}x raw C (target <= 2x)"),
        ("  evaluate + what else to find out", figures["explore"],
         f"{figures['explore'] / figures['evaluate']:.2f}x evaluate (target <= 2x)"),
    ]
    return figures


def _oracle_report(advisor: engine.Advisor, facts: dict) -> None:
    checked = advisor.check(facts)
    fired, derived = oracle.fire(advisor.rulebase, checked.values)
    build_report(advisor.rulebase, checked.values, checked.implied, fired, derived)


def pdf_figures(rows: list) -> float:
    advisor = engine.load()
    reports = [advisor.evaluate(dict(s.facts.values)) for s in read_scenarios(ROOT / "scenarios", advisor.rulebase)[::6]]
    start = time.process_time()
    to_pdf(reports[0], advisor.rulebase, title="First of this process")
    first = time.process_time() - start
    per = median_seconds(lambda: [to_pdf(r, advisor.rulebase, title="A home visit") for r in reports], 5) / len(reports)
    rows.append((f"PDF of a report ({len(reports)} scenario reports)", per, "target < 50 ms"))
    rows.append(("  the process's first PDF (the fonts parsed, once)", first, ""))
    return per


def throughput(rows: list, figures: dict) -> None:
    rows.append(("throughput, one process: evaluations per second", 0,
                 f"{1 / figures['evaluate']:,.0f} plain, {1 / figures['explore']:,.0f} with what to find out"))


# --- the sweep, a process per size --------------------------------------------------------------

def sweep(rows: list) -> list[dict]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in SWEEP:
            folder = generate(Path(tmp) / str(size), size)
            child = subprocess.run([sys.executable, "-m", "benchmarks.sweep_child", str(folder),
                                    str(SWEEP_DENSITY)], capture_output=True, text=True, timeout=900, cwd=ROOT)
            if child.returncode != 0:
                raise SystemExit(f"the sweep at {size} rules failed:\n{child.stderr}")
            result = json.loads(child.stdout.strip().splitlines()[-1])
            results.append(result)
            targets = {1000: "load target < 1 s", 5000: "target <= 20 ms, <= 150 MB"}
            rows.append((f"  {size:>5,} rules ({result['shards']} shards, {result['fired']:,.0f} fire):"
                         f" load {result['load'] * 1e3:,.0f} ms, peak RSS {result['rss']:.0f} MB",
                         result["evaluate"], targets.get(size, "")))
    return results


# --- the machine and the table ------------------------------------------------------------------

def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown CPU")
    return (f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, "
            f"durable-rules 2.0.28, {platform.system()} {platform.release().split('-')[0]}")


def main() -> None:
    rows: list[tuple[str, float, str]] = []
    print(f"machine: {machine()}", flush=True)
    print(f"CPU time of this process, per evaluation unless said; medians of {REPEATS} runs", flush=True)
    start = time.process_time()
    engine.load()
    rows.append(("load + validate + compile the real rule base (the first, in this process)", time.process_time() - start, ""))
    rows.append(("load + validate + compile the real rule base (median)", median_seconds(engine.load), ""))
    figures = real_rule_base(rows)
    throughput(rows, figures)
    rows.append((f"generated rule bases, each loaded and evaluated in a process of its own (30 fact sets,"
                 f" each fact known with probability {SWEEP_DENSITY})", 0, ""))
    sweep(rows)
    pdf_figures(rows)
    width = max(len(label) for label, seconds, note in rows if seconds or note)
    for label, seconds, note in rows:
        if not seconds and not note:  # a heading
            print(label)
            continue
        figure = f"{seconds * 1e3:9.3f} ms" if seconds else " " * 12
        print(f"{label:<{width}}  {figure}   {note}".rstrip())


if __name__ == "__main__":
    main()
