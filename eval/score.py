"""Score the rule base against the development set: published vignettes nobody here wrote.

Each case in eval/cases/ holds a narrative retold from a published source (its address and its
conclusion paraphrased), the facts a helper entered through the intake seeing only the
narrative, and the expected answer another helper wrote seeing only the narrative, the Code and
the source's conclusion, never the rules or the engine's output (eval/README.md).

    make eval                      # the figures
    .venv/bin/python eval/score.py --cases    # and each case's misses

The figures are for finding classes of error, not for tuning rules case by case.
"""
from __future__ import annotations

import argparse
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

import engine
from engine.report import Report

CASES_DIR = Path(__file__).resolve().parent / "cases"
SAFETY = ("emergency_response", "report_to_authorities", "duty_to_warn")


@dataclass(frozen=True)
class Case:
    id: str
    title: str
    kind: str
    control: bool
    facts: dict
    governing: frozenset[int]
    actions: dict
    first_action: str | None
    keyed_first_action: str | None
    safety_immediate: tuple[str, ...]
    must_not: tuple[str, ...]


def read_cases(folder: Path = CASES_DIR) -> list[Case]:
    cases = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        exp = data["expected"]
        cases.append(Case(
            id=data["id"], title=data["title"], kind=data["source"]["kind"], control=bool(exp.get("control")),
            facts=dict(data.get("facts") or {}), governing=frozenset(exp.get("governing") or ()),
            actions=dict(exp.get("actions") or {}), first_action=exp.get("first_action"),
            keyed_first_action=exp.get("keyed_first_action"),
            safety_immediate=tuple(exp.get("safety_immediate") or ()), must_not=tuple(exp.get("must_not") or ())))
    return cases


@dataclass(frozen=True)
class Outcome:
    case: Case
    report: Report

    @property
    def governing(self) -> set[int]:
        return {c.number for c in self.report.governing}

    @property
    def action_ids(self) -> list[str]:
        return list(self.report.action_ids)

    @property
    def first(self) -> str | None:
        return self.action_ids[0] if self.action_ids else None

    def safety_ok(self, safety: bool = True) -> list[bool]:
        """Each expected safety action (emergency, mandated report, duty to warn), or with
        safety=False each other step the key says must be immediate: recommended, immediate, and
        before consulting the supervisor."""
        ids = self.action_ids
        results = []
        for action_id in self.case.safety_immediate:
            if (action_id in SAFETY) != safety:
                continue
            item = self.report.action(action_id)
            before = "consult_supervisor" not in ids or (action_id in ids and
                                                        ids.index(action_id) < ids.index("consult_supervisor"))
            results.append(item is not None and item.urgency == "immediate" and before)
        return results

    @property
    def alarm(self) -> list[str]:
        return [a.id for a in self.report.actions if a.safety or a.urgency == "immediate"]

    @property
    def unexpected_safety(self) -> list[str]:
        return [a for a in self.action_ids if a in SAFETY and a not in self.case.actions]

    @property
    def must_not_given(self) -> list[str]:
        return [a for a in self.case.must_not if a in self.action_ids]


def evaluate(advisor: engine.Advisor, cases: list[Case]) -> list[Outcome]:
    return [Outcome(c, advisor.evaluate(c.facts, explore=False)) for c in cases]


def figures(outcomes: list[Outcome]) -> dict[str, float]:
    tp = sum(len(o.governing & o.case.governing) for o in outcomes)
    predicted = sum(len(o.governing) for o in outcomes)
    expected = sum(len(o.case.governing) for o in outcomes)
    precision = tp / predicted if predicted else 0.0
    recall = tp / expected if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    wanted = sum(len(o.case.actions) for o in outcomes)
    found = sum(sum(a in o.action_ids for a in o.case.actions) for o in outcomes)
    safety = [ok for o in outcomes for ok in o.safety_ok()]
    urgent = [ok for o in outcomes for ok in o.safety_ok(safety=False)]
    controls = [o for o in outcomes if o.case.control]
    with_first = [o for o in outcomes if o.case.first_action]
    keyed = [o for o in outcomes if o.case.keyed_first_action]
    return {
        "cases": len(outcomes),
        "governing_precision": precision, "governing_recall": recall, "governing_f1": f1,
        "governing_per_report": statistics.mean(len(o.governing) for o in outcomes) if outcomes else 0.0,
        "action_recall": found / wanted if wanted else 0.0,
        "safety_expected": len(safety), "safety_immediate_first": sum(safety),
        "urgent_expected": len(urgent), "urgent_immediate_first": sum(urgent),
        "controls": len(controls), "control_alarms": sum(bool(o.alarm) for o in controls),
        "unexpected_safety_actions": sum(len(o.unexpected_safety) for o in outcomes),
        "must_not_given": sum(len(o.must_not_given) for o in outcomes),
        "first_action_right": (sum(o.first == o.case.first_action for o in with_first) / len(with_first)
                               if with_first else 0.0),
        "exam_items": len(keyed),
        "exam_first_matches_key": (sum(o.first == o.case.keyed_first_action for o in keyed) / len(keyed)
                                   if keyed else 0.0),
    }


def print_figures(f: dict[str, float]) -> None:
    pct = lambda x: f"{100 * x:5.1f} %"  # noqa: E731
    print(f"development set: {f['cases']} published vignettes")
    print(f"  governing commitments   precision {pct(f['governing_precision'])}  recall {pct(f['governing_recall'])}"
          f"  F1 {f['governing_f1']:.2f}   ({f['governing_per_report']:.1f} per report)")
    print(f"  action recall           {pct(f['action_recall'])}")
    print(f"  safety actions          {f['safety_immediate_first']} of {f['safety_expected']} immediate and before"
          " the supervisor")
    print(f"  other urgent steps      {f['urgent_immediate_first']} of {f['urgent_expected']} immediate and before"
          " the supervisor")
    print(f"  safety actions not expected  {f['unexpected_safety_actions']}")
    print(f"  controls with an alarm  {f['control_alarms']} of {f['controls']}")
    print(f"  must-not actions given  {f['must_not_given']}")
    print(f"  first action right      {pct(f['first_action_right'])}")
    print(f"  exam items: first action matches the key  {pct(f['exam_first_matches_key'])}"
          f" of {f['exam_items']}")


def print_cases(outcomes: list[Outcome]) -> None:
    for o in outcomes:
        c = o.case
        misses = []
        if o.governing != set(c.governing):
            misses.append(f"governing {sorted(o.governing)} expected {sorted(c.governing)}")
        missing = [a for a in c.actions if a not in o.action_ids]
        if missing:
            misses.append(f"actions missing {missing}")
        if c.first_action and o.first != c.first_action:
            misses.append(f"first {o.first} expected {c.first_action}")
        if not all(o.safety_ok()):
            misses.append(f"SAFETY {[a for a in c.safety_immediate if a in SAFETY]} not immediate and first")
        if not all(o.safety_ok(safety=False)):
            misses.append(f"urgent {[a for a in c.safety_immediate if a not in SAFETY]} not immediate and first")
        if o.unexpected_safety:
            misses.append(f"unexpected safety {o.unexpected_safety}")
        if c.control and o.alarm:
            misses.append(f"CONTROL ALARM {o.alarm}")
        if o.must_not_given:
            misses.append(f"must-not given {o.must_not_given}")
        print(f"{c.id} {c.title}: " + ("ok" if not misses else "; ".join(misses)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", action="store_true", help="also list each case's misses")
    args = parser.parse_args(argv)
    outcomes = evaluate(engine.load(), read_cases())
    print_figures(figures(outcomes))
    if args.cases:
        print()
        print_cases(outcomes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
