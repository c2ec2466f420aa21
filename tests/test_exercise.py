"""Scoring a trainee's answer to a scenario (engine/exercise.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.exercise import SCORING_RULE, score_exercise
from engine.scenarios import parse_scenario, read_scenarios

SCENARIOS_DIR = Path(__file__).resolve().parent.parent / "scenarios"


def scenario_from(rulebase, expected: dict, facts: dict | None = None):
    data = {
        "id": "exercise-test", "title": "A bruise nobody explains", "topic": "suspected_abuse",
        "level": "introductory", "narrative": "A child has a bruise.",
        "facts": facts or {"suspected_abuse": True, "victim_group": "child"},
        "expected": expected,
    }
    return parse_scenario(data, "<test>", rulebase)


@pytest.fixture(scope="module")
def abuse(rulebase):
    return scenario_from(rulebase, {
        "commitments": {"must": [19], "may": [25]},
        "actions": {"report_to_authorities": "immediate", "consult_supervisor": "soon", "document": "routine"},
        "must_not": ["transfer_case"],
        "order": [["report_to_authorities", "consult_supervisor"]],
    })


def test_a_perfect_answer_scores_full_marks(rulebase, abuse):
    result = score_exercise(abuse, rulebase, [19], ["report_to_authorities", "consult_supervisor", "document"])
    assert (result.score, result.possible) == (4, 4)
    assert result.perfect and result.passed
    assert result.right_commitments == (19,)
    assert result.right_actions == ("report_to_authorities", "consult_supervisor", "document")
    assert not (result.missed_commitments or result.missed_actions or result.extra_commitments
                or result.extra_actions or result.must_not_picked)
    assert result.verdict.startswith("Perfect")


def test_a_may_commitment_neither_helps_nor_hurts(rulebase, abuse):
    with_may = score_exercise(abuse, rulebase, [19, 25], ["report_to_authorities", "consult_supervisor", "document"])
    assert (with_may.score, with_may.possible) == (4, 4)
    assert with_may.optional_commitments == (25,) and with_may.extra_commitments == ()
    assert with_may.perfect


def test_a_partial_answer_lists_what_was_missed_and_what_was_extra(rulebase, abuse):
    result = score_exercise(abuse, rulebase, [7, 19], ["report_to_authorities", "maintain_boundary"])
    assert result.right_commitments == (19,) and result.extra_commitments == (7,)
    assert result.right_actions == ("report_to_authorities",)
    assert result.missed_actions == ("consult_supervisor", "document")
    assert result.extra_actions == ("maintain_boundary",)
    assert (result.score, result.possible) == (2, 4)  # extras take no points: they are for discussion
    assert result.summary == "2 of 4 expected, 2 extra (defensible?)"
    assert not result.passed and not result.perfect
    assert any("Missed" in line and "Consult your supervisor" in line for line in result.feedback)
    assert any("Extra (defensible?): commitment 7" in line for line in result.feedback)


def test_three_of_five_with_two_defensible_extras_is_said_as_such_and_passes_no_less(rulebase):
    five = scenario_from(rulebase, {
        "commitments": {"must": [19, 18]},
        "actions": {"report_to_authorities": "immediate", "consult_supervisor": "soon", "document": "routine"}})
    result = score_exercise(five, rulebase, [19, 18, 7], ["report_to_authorities", "maintain_boundary"])
    assert result.summary == "3 of 5 expected, 2 extra (defensible?)"
    assert (result.score, result.possible) == (3, 5)
    assert result.verdict.startswith("Not passed yet: review what you missed")


def test_many_extras_do_not_pass_even_with_everything_expected(rulebase, abuse):
    everything = score_exercise(abuse, rulebase, [19, 1, 2, 3],
                                ["report_to_authorities", "consult_supervisor", "document", "advocate"])
    assert (everything.score, everything.possible, everything.extra_count) == (4, 4, 4)
    assert not everything.passed and "guessing" in everything.verdict
    two = score_exercise(abuse, rulebase, [19, 1],
                         ["report_to_authorities", "consult_supervisor", "document", "advocate"])
    assert two.passed and not two.perfect


def test_a_partial_answer_without_extras_keeps_its_points(rulebase, abuse):
    result = score_exercise(abuse, rulebase, [19], ["report_to_authorities", "document"])
    assert (result.score, result.possible) == (3, 4)
    assert result.passed and not result.perfect


def test_urgency_marked_earns_its_own_points_and_says_what_was_expected(rulebase, abuse):
    result = score_exercise(abuse, rulebase, [19], {"report_to_authorities": "immediate",
                                                    "consult_supervisor": "routine", "document": None})
    assert result.urgency_asked and (result.score, result.possible) == (5, 7)  # 4 named, 1 urgency right of 3
    assert result.urgency_right == ("report_to_authorities",)
    assert result.urgency_wrong == (("consult_supervisor", "routine", "soon"), ("document", None, "routine"))
    assert result.urgency_summary == "urgency right for 1 of the 3 expected actions you named"
    assert any(line.startswith("Urgency: “Consult your supervisor” is expected soon; you marked it routine")
               for line in result.feedback)
    assert not result.perfect
    right = score_exercise(abuse, rulebase, [19], {"report_to_authorities": "immediate",
                                                   "consult_supervisor": "soon", "document": "routine"})
    assert (right.score, right.possible) == (7, 7) and right.perfect


def test_order_feedback_comes_only_when_the_trainee_can_act_on_it(rulebase, abuse):
    without_urgency = score_exercise(abuse, rulebase, [19], ["report_to_authorities", "consult_supervisor"])
    assert not any("Order" in line or "order" in line for line in without_urgency.feedback)
    in_order = score_exercise(abuse, rulebase, [19], {"report_to_authorities": "immediate", "consult_supervisor": "soon"})
    assert not in_order.order_problems and not any(line.startswith("Order") for line in in_order.feedback)
    one_missing = score_exercise(abuse, rulebase, [19], {"consult_supervisor": "immediate"})
    assert not one_missing.order_problems
    reversed_ = score_exercise(abuse, rulebase, [19], {"report_to_authorities": "soon", "consult_supervisor": "immediate"})
    assert reversed_.order_problems == (("report_to_authorities", "consult_supervisor"),)
    assert any(line.startswith("Order: “Report") for line in reversed_.feedback)


def test_an_urgency_that_does_not_exist_is_refused(rulebase, abuse):
    with pytest.raises(ValueError, match="yesterday"):
        score_exercise(abuse, rulebase, [], {"document": "yesterday"})


def test_a_must_not_action_is_flagged_first_and_fails_the_exercise(rulebase, abuse):
    result = score_exercise(abuse, rulebase, [19],
                            ["report_to_authorities", "consult_supervisor", "document", "transfer_case"])
    assert result.must_not_picked == ("transfer_case",)
    assert "transfer_case" in result.extra_actions
    assert (result.score, result.possible) == (4, 4)  # full points, and still not passed
    assert not result.passed
    assert result.feedback[0].startswith("Must not")
    assert result.verdict.startswith("Not passed")


def test_a_wrong_answer_scores_nothing(rulebase, abuse):
    result = score_exercise(abuse, rulebase, [7, 8], ["decline_gift", "transfer_case"])
    assert result.score == 0 and not result.passed
    assert result.missed_commitments == (19,)
    assert set(result.missed_actions) == {"report_to_authorities", "consult_supervisor", "document"}


def test_feedback_quotes_the_rules_reasons_when_given_the_report(advisor, rulebase, abuse):
    report = advisor.evaluate(dict(abuse.facts.values))
    result = score_exercise(abuse, rulebase, [], [], report=report)
    assert any("Missed commitment 19" in line and "legal duty" in line for line in result.feedback)


def test_a_scenario_that_expects_nothing_rewards_naming_nothing(rulebase):
    quiet = scenario_from(rulebase, {"commitments": {"must": []}, "actions": {}},
                          facts={"suspected_abuse": False})
    assert (score_exercise(quiet, rulebase, [], []).score, 1) == (1, 1)
    assert score_exercise(quiet, rulebase, [2], []).score == 0


def test_unknown_choices_are_refused(rulebase, abuse):
    with pytest.raises(ValueError, match="99"):
        score_exercise(abuse, rulebase, [99], [])
    with pytest.raises(ValueError, match="telepathy"):
        score_exercise(abuse, rulebase, [], ["telepathy"])


def test_the_engine_answer_is_perfect_for_every_passing_library_scenario(advisor, rulebase):
    if not SCENARIOS_DIR.is_dir() or not any(SCENARIOS_DIR.glob("*.yaml")):
        pytest.skip("no scenarios yet")
    for scenario in read_scenarios(SCENARIOS_DIR, rulebase):
        report = advisor.evaluate(dict(scenario.facts.values), explore=False)
        exp = scenario.expected
        if set(report.action_ids) != {a for a, _ in exp.actions}:
            continue  # the scenario tests themselves report this
        named = [n for n in report.commitment_numbers if n in exp.must_commitments]
        result = score_exercise(scenario, rulebase, named, report.action_ids, report)
        assert result.perfect, (scenario.id, result.feedback)


def test_the_scoring_rule_is_stated():
    assert "must-not" in SCORING_RULE and "may" in SCORING_RULE
