"""The scenario library as golden tests: every scenario gets its full expected answer, and the
library as a whole covers the Code (every commitment and purpose reached, every rule fired)."""
from __future__ import annotations

from collections import Counter

import pytest

import engine
from engine.describe import coverage
from engine.scenarios import read_scenarios, run_scenario
from tests.conftest import RULES_DIR, SCENARIOS_DIR

HEADLINE_TOPICS = ("dual_relationship", "suspected_abuse", "colleague_impairment", "conflict_of_interest")
SCENARIO_FILES = sorted(p.name for p in SCENARIOS_DIR.glob("*.yaml"))


@pytest.fixture(scope="module")
def scenarios(rulebase):
    return read_scenarios(SCENARIOS_DIR, rulebase)


@pytest.fixture(scope="module")
def results(advisor, scenarios):
    return [run_scenario(advisor, s) for s in scenarios]


@pytest.mark.parametrize("name", SCENARIO_FILES)
def test_scenario_gets_its_expected_answer(advisor, scenarios, name):
    scenario = next(s for s in scenarios if s.path.endswith("/" + name))
    result = run_scenario(advisor, scenario)
    assert not result.problems, f"{scenario.id}:\n  " + "\n  ".join(result.problems)


@pytest.mark.parametrize("name", SCENARIO_FILES)
def test_scenario_is_complete_for_trainers(scenarios, name):
    scenario = next(s for s in scenarios if s.path.endswith("/" + name))
    assert scenario.id == name[: -len(".yaml")], "a scenario's id is its file name"
    assert scenario.narrative and len(scenario.narrative.split()) >= 30, scenario.id
    assert scenario.discussion_questions and all(q.endswith("?") for q in scenario.discussion_questions)
    assert scenario.facilitator_notes and len(scenario.facilitator_notes.split()) >= 30, scenario.id
    # Ordinary contact (a control) may have no commitment that governs; everything else has one.
    assert scenario.expected.must_commitments or scenario.control, f"{scenario.id} names no governing commitment"


def test_the_library_is_large_enough(scenarios):
    assert len(scenarios) >= 40
    by_topic = Counter(s.topic for s in scenarios)
    for topic in HEADLINE_TOPICS:
        assert by_topic[topic] >= 6, f"only {by_topic[topic]} scenarios on {topic}"
    assert sum(s.control for s in scenarios) >= 3
    assert {s.level for s in scenarios} == {"introductory", "intermediate", "advanced"}


def test_controls_recommend_nothing_urgent(results):
    for result in results:
        if result.scenario.control:
            urgent = [a.id for a in result.report.actions if a.urgency == "immediate" or a.safety]
            assert not urgent, f"{result.scenario.id}: {urgent}"


def test_every_commitment_and_purpose_is_reached_by_some_scenario(rulebase, results):
    cov = coverage(rulebase, results)
    assert not cov.empty_rows, [(r.kind, r.number) for r in cov.empty_rows]
    reached = {n for r in results for n in r.report.commitment_numbers}
    assert reached == set(range(1, 29))
    assert {p.number for r in results for p in r.report.purposes} == {1, 2, 3, 4}


def test_every_rule_fires_in_some_scenario(rulebase, results):
    cov = coverage(rulebase, results)
    assert not cov.rules_never_fired, cov.rules_never_fired


def test_every_safety_action_is_exercised_by_the_library(results):
    recommended = {a for r in results for a in r.report.action_ids}
    assert {"emergency_response", "report_to_authorities", "duty_to_warn"} <= recommended


REQUIRED_TENSIONS = [(18, 19), (2, 9), (2, 19), (20, 21), (7, 11), (2, 13), (12, 20)]


@pytest.mark.parametrize("pair", REQUIRED_TENSIONS)
def test_each_required_tension_appears_in_some_scenario(results, pair):
    assert any(pair in {t.between for t in r.report.tensions} for r in results), pair


def test_scenarios_are_also_what_the_cli_checks(advisor, scenarios):
    """`nacm-ethics scenarios` and this file read the same folder and the same rules."""
    assert {s.path for s in scenarios} == {str(SCENARIOS_DIR / n) for n in SCENARIO_FILES}
    assert engine.load_rulebase(RULES_DIR).sha256 == advisor.rulebase.sha256


def test_reports_name_few_governing_commitments_and_generic_ones_rarely_govern(results):
    """The governing commitments are the few that decide the case: about two on average, and the
    commitments that bear on everything (professional judgement, learning) govern only where the
    facts make them the point."""
    governing = [{c.number for c in r.report.governing} for r in results]
    assert sum(map(len, governing)) / len(governing) <= 3
    assert max(map(len, governing)) <= 4
    for generic in (16, 25):
        share = sum(generic in g for g in governing) / len(governing)
        assert share < 0.2, (generic, share)
