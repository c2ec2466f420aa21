"""Training scenarios: a narrative, its facts, the expected answer. They double as golden tests.

A scenario file (scenarios/*.yaml):

    id: abuse-child-bruise            # unique; the file name without .yaml is a good choice
    title: A bruise nobody explains
    topic: suspected_abuse            # one of the topics of rules/ruleset.yaml
    level: introductory               # introductory | intermediate | advanced
    control: false                    # true: nothing serious is wrong (no immediate or safety action)
    narrative: |
      ...
    facts: {suspected_abuse: true, victim_group: child}
    expected:
      commitments: {must: [19], may: [25]}    # must: exactly those governing; may: also relevant
      purposes: [1]                           # optional: the exact purposes
      actions: {report_to_authorities: immediate, document: routine}   # the exact actions
      tensions: [[18, 19]]                    # the exact tensions ([] for none)
      must_not: [transfer_case]               # actions that must never be recommended here
      order: [[report_to_authorities, consult_supervisor]]   # first listed before second
      first: report_to_authorities            # optional: the step a practitioner takes first
    review: |                                 # optional: where an independent review disagreed
      ...
    discussion_questions: [...]
    facilitator_notes: |
      ...
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Optional

from pydantic import Field

from .errors import FactsError, InputError, Issue, ScenarioError, did_you_mean
from .evaluate import Advisor
from .facts import CheckedFacts, check_facts
from .inputs import check_folder, yaml_files
from .load import Document
from .messages import say, suggestion
from .model import RuleBase
from .report import Report
from .schema import Locator, StrictModel, check_shape
from .yamlio import read_yaml

LEVELS = ("introductory", "intermediate", "advanced")


class CommitmentsExpectation(StrictModel):
    must: list[int] = []
    may: list[int] = []


class ExpectedDoc(StrictModel):
    commitments: CommitmentsExpectation
    purposes: Optional[list[int]] = None
    actions: dict[str, Literal["immediate", "soon", "routine"]]
    tensions: list[list[int]] = []
    must_not: list[str] = []
    order: list[list[str]] = []
    first: Optional[str] = None


class ScenarioDoc(StrictModel):
    id: str
    title: str
    topic: str
    level: Literal["introductory", "intermediate", "advanced"]
    narrative: str
    facts: dict[str, Any]
    expected: ExpectedDoc
    control: bool = False
    discussion_questions: list[str] = Field(default_factory=list)
    facilitator_notes: str = ""
    comment: str = ""
    review: str = ""
    sources: list[str] = []


@dataclass(frozen=True)
class Expected:
    must_commitments: tuple[int, ...]
    may_commitments: tuple[int, ...]
    purposes: tuple[int, ...] | None
    actions: tuple[tuple[str, str], ...]  # (id, urgency), in file order
    tensions: tuple[tuple[int, int], ...]
    must_not: tuple[str, ...]
    order: tuple[tuple[str, str], ...]
    first: str | None = None  # the action that must come first


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    topic: str
    level: str
    narrative: str
    facts: CheckedFacts
    raw_facts: dict = field(repr=False)
    expected: Expected
    control: bool
    discussion_questions: tuple[str, ...]
    facilitator_notes: str
    path: str
    review: str = ""  # an independent reviewer's disagreement with this key, kept for discussion


def parse_scenario(data: Any, source: str, rulebase: RuleBase, file: Path | None = None,
                   text: str | None = None) -> Scenario:
    """Check one scenario document against the rule base; raise ScenarioError listing problems.
    `file` or `text` (an upload) lets a problem quote the author's line of YAML."""
    issues: list[Issue] = []
    doc = Document(source, data, file, text)
    parsed: ScenarioDoc | None = check_shape(doc, ScenarioDoc, issues)
    if parsed is None:
        raise ScenarioError(issues)
    place = Locator(doc, issues)
    owner = f"scenario {parsed.id}"
    topics = [t.id for t in rulebase.topics]
    if parsed.topic not in topics:
        place.add(say("unknown_topic", topic=parsed.topic, suggestion=suggestion(parsed.topic, topics, synonyms=False),
                      allowed=", ".join(topics) or "none (the rules declare no topics: ruleset.yaml topics:)"),
                  ("topic",), owner, "topic")
    checked = None
    try:
        checked = check_facts(rulebase, data["facts"], source, ("facts",))
    except FactsError as exc:
        issues.extend(Issue(i.message, i.file, i.line, owner, i.field) for i in exc.issues)
    exp = parsed.expected
    numbers = {c.number for c in rulebase.code.commitments}

    def check_numbers(values: list[int], loc: tuple, valid: set[int], what: str) -> None:
        for i, n in enumerate(values):
            if n not in valid:
                place.add(f"the Code has no {what} {n}", loc + (i,), owner, ".".join(map(str, loc)))

    check_numbers(exp.commitments.must, ("expected", "commitments", "must"), numbers, "commitment")
    check_numbers(exp.commitments.may, ("expected", "commitments", "may"), numbers, "commitment")
    both = set(exp.commitments.must) & set(exp.commitments.may)
    if both:
        place.add(f"commitments {sorted(both)} are listed under both 'must' and 'may'",
                  ("expected", "commitments"), owner, "expected.commitments")
    if exp.purposes is not None:
        check_numbers(exp.purposes, ("expected", "purposes"), {p.number for p in rulebase.code.purposes},
                      "purpose")
    for key, loc in [(a, ("expected", "actions", a)) for a in exp.actions] + \
                    [(a, ("expected", "must_not", i)) for i, a in enumerate(exp.must_not)] + \
                    [(a, ("expected", "order", i)) for i, pair in enumerate(exp.order) for a in pair] + \
                    ([(exp.first, ("expected", "first"))] if exp.first else []):
        if key not in rulebase.actions:
            place.add(f"unknown action '{key}'{did_you_mean(key, rulebase.actions)}", loc, owner,
                      ".".join(map(str, loc[:2])))
    overlap = set(exp.actions) & set(exp.must_not)
    if overlap:
        place.add(f"actions {sorted(overlap)} are both expected and on the must_not list",
                  ("expected", "must_not"), owner, "expected.must_not")
    for i, pair in enumerate(exp.order):
        if len(pair) != 2 or pair[0] == pair[1]:
            place.add("each 'order' item is a pair of two different action ids: [first, then]",
                      ("expected", "order", i), owner, "expected.order")
    tensions = []
    for i, pair in enumerate(exp.tensions):
        if len(pair) != 2 or pair[0] == pair[1] or any(n not in numbers for n in pair):
            place.add("each tension is a pair of two different commitment numbers",
                      ("expected", "tensions", i), owner, "expected.tensions")
        else:
            tensions.append((min(pair), max(pair)))
    if parsed.control and any(u == "immediate" for u in exp.actions.values()):
        place.add("a control scenario expects no immediate action", ("expected", "actions"), owner,
                  "expected.actions")
    if issues or checked is None:
        raise ScenarioError(issues)
    return Scenario(
        id=parsed.id, title=parsed.title.strip(), topic=parsed.topic, level=parsed.level,
        narrative=parsed.narrative.strip(), facts=checked, raw_facts=dict(parsed.facts),
        expected=Expected(
            must_commitments=tuple(exp.commitments.must), may_commitments=tuple(exp.commitments.may),
            purposes=tuple(exp.purposes) if exp.purposes is not None else None,
            actions=tuple(exp.actions.items()), tensions=tuple(sorted(set(tensions))),
            must_not=tuple(exp.must_not), order=tuple((p[0], p[1]) for p in exp.order), first=exp.first),
        control=parsed.control, discussion_questions=tuple(q.strip() for q in parsed.discussion_questions),
        facilitator_notes=parsed.facilitator_notes.strip(), path=source, review=parsed.review.strip())


def read_scenario(path: Path | str, rulebase: RuleBase) -> Scenario:
    path = Path(path)
    return parse_scenario(read_yaml(path, str(path)), str(path), rulebase, file=path)


def collect_scenarios(directory: Path | str, rulebase: RuleBase) -> tuple[list[Scenario], list[Issue]]:
    """Every readable scenario in a folder (sorted by file name) and the problems of the rest,
    so that one broken file does not hide the others."""
    try:
        directory = check_folder(directory, "scenarios folder")
        paths = yaml_files(directory, "scenarios folder")
    except InputError as exc:
        return [], list(exc.issues)
    scenarios, issues, seen = [], [], {}
    for path in paths:
        try:
            scenario = read_scenario(path, rulebase)
        except InputError as exc:
            issues.extend(exc.issues)
            continue
        if scenario.id in seen:
            issues.append(Issue(f"duplicate scenario id '{scenario.id}' (also in {seen[scenario.id]})",
                                file=str(path), line=1, field="id"))
            continue
        seen[scenario.id] = str(path)
        scenarios.append(scenario)
    return scenarios, issues


def read_scenarios(directory: Path | str, rulebase: RuleBase) -> list[Scenario]:
    """Every scenario in a folder, sorted by file name; all problems reported together. A folder
    with no scenario in it is a mistake (a wrong path), never "0 passed, 0 failed"."""
    scenarios, issues = collect_scenarios(directory, rulebase)
    if issues:
        raise ScenarioError(issues)
    if not scenarios:
        raise ScenarioError(Issue("no scenario files (*.yaml) in this folder", file=str(directory)))
    return scenarios


def check_report(scenario: Scenario, report: Report) -> list[str]:
    """Every way the report differs from the scenario's expected answer (empty: it passes)."""
    exp = scenario.expected
    problems: list[str] = []
    must, may = set(exp.must_commitments), set(exp.may_commitments)
    governing = {c.number for c in report.governing}
    also = {c.number for c in report.also_relevant}
    missing = sorted(must - governing - also)
    demoted = sorted(must & also)
    promoted = sorted((governing - must) & may)
    extra = sorted((governing | also) - must - may)
    if missing:
        problems.append(f"commitments missing: {missing}")
    if demoted:
        problems.append(f"commitments expected to govern, reported only as also relevant: {demoted}")
    if promoted:
        problems.append(f"commitments reported as governing, expected only as also relevant: {promoted}")
    if extra:
        problems.append(f"commitments not expected: {extra}")
    if exp.purposes is not None:
        got_p = {p.number for p in report.purposes}
        if got_p != set(exp.purposes):
            problems.append(f"purposes: expected {sorted(exp.purposes)}, got {sorted(got_p)}")
    got_a = {a.id: a.urgency for a in report.actions}
    want_a = dict(exp.actions)
    for action_id, urgency in want_a.items():
        if action_id not in got_a:
            problems.append(f"action missing: {action_id} ({urgency})")
        elif got_a[action_id] != urgency:
            problems.append(f"action {action_id}: expected {urgency}, got {got_a[action_id]}")
    for action_id in got_a:
        if action_id not in want_a:
            problems.append(f"action not expected: {action_id} ({got_a[action_id]})")
    for action_id in exp.must_not:
        if action_id in got_a:
            problems.append(f"action on the must-not list was recommended: {action_id}")
    order = report.action_ids
    if exp.first is not None and (not order or order[0] != exp.first):
        problems.append(f"first action: expected {exp.first}, got {order[0] if order else 'none'}")
    for first, then in exp.order:
        if first in order and then in order and order.index(first) > order.index(then):
            problems.append(f"order: {first} must come before {then}")
        elif first not in order or then not in order:
            problems.append(f"order: both {first} and {then} must be recommended")
    got_t = {t.between for t in report.tensions}
    if got_t != set(exp.tensions):
        problems.append(f"tensions: expected {sorted(exp.tensions)}, got {sorted(got_t)}")
    if scenario.control:
        urgent = [a.id for a in report.actions if a.urgency == "immediate" or a.safety]
        if urgent:
            problems.append(f"control scenario, yet urgent actions were recommended: {urgent}")
    return problems


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    report: Report
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.problems


def run_scenario(advisor: Advisor, scenario: Scenario) -> ScenarioResult:
    report = advisor.evaluate(dict(scenario.facts.values), explore=False)
    return ScenarioResult(scenario, report, tuple(check_report(scenario, report)))
