"""`nacm-ethics check`: the authoring checks name file and line, and catch each planted mistake."""
from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

import engine
from engine.authoring import authoring_findings
from engine.cli import cli
from tests.conftest import RULES_DIR, SCENARIOS_DIR


def test_the_real_rule_base_has_no_authoring_problem(advisor):
    assert [str(f) for f in authoring_findings(advisor)] == []


@pytest.fixture()
def rules_copy(tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(RULES_DIR, folder)
    return folder


def _findings(folder):
    return [str(f) for f in authoring_findings(engine.load(folder))]


def test_an_example_that_does_not_fire_is_named_with_its_line(rules_copy):
    path = rules_copy / "gifts.yaml"
    text = path.read_text()
    planted = text.replace("        - {gift_offered: true, gift_kind: money_or_voucher}\n",
                           "        - {gift_offered: true, gift_kind: thing}\n", 1)
    assert planted != text
    path.write_text(planted)
    line = text.splitlines().index("        - {gift_offered: true, gift_kind: money_or_voucher}") + 1
    found = _findings(rules_copy)
    assert any(f.endswith(f"gifts.yaml:{line}: rule gifts.money: does not fire on its 'fires' example "
                          "{'gift_offered': True, 'gift_kind': 'thing'}") for f in found), found


def test_an_emergency_call_below_priority_100_is_caught(rules_copy):
    path = rules_copy / "crisis.yaml"
    text = path.read_text()
    planted = text.replace("  - id: crisis.self_harm_with_means\n    title: A risk of self-harm with the means at hand\n"
                           "    priority: 100", "  - id: crisis.self_harm_with_means\n    title: A risk of self-harm "
                           "with the means at hand\n    priority: 90", 1)
    assert planted != text
    path.write_text(planted)
    assert any("rule crisis.self_harm_with_means: a rule that calls for an emergency response has priority 100" in f
               for f in _findings(rules_copy))


def test_a_fact_no_rule_reads_and_an_action_no_rule_uses_are_caught(rules_copy):
    facts = rules_copy / "facts.yaml"
    facts.write_text(facts.read_text().replace("\nderived:\n", "\n  - id: unused_question\n    group: practitioner\n"
                                               "    type: bool\n    label: Unused\n    question: Is this ever read\n"
                                               "\nderived:\n", 1))
    actions = rules_copy / "actions.yaml"
    actions.write_text(actions.read_text() + "  - id: never_used\n    label: Never used\n    guidance: Nothing.\n"
                                             "    urgency: routine\n")
    found = _findings(rules_copy)
    assert any("fact unused_question: its question does not end with '?'" in f for f in found), found
    assert any("fact unused_question: a new fact needs help text" in f for f in found), found
    assert any("fact unused_question: no rule reads it" in f for f in found), found
    assert any("action never_used: no rule recommends it" in f for f in found), found


def test_a_public_value_id_that_disappears_is_caught(rulebase):
    from dataclasses import replace

    from engine.authoring import check_vocabulary

    kinds = rulebase.facts["relationship_kind"]
    shrunk = replace(kinds, values=tuple(v for v in kinds.values if v[0] != "bartering"))
    facts = {**rulebase.facts, "relationship_kind": shrunk}
    found = [str(f) for f in check_vocabulary(replace(rulebase, facts=facts), "rules/facts.yaml")]
    assert "rules/facts.yaml: fact relationship_kind: public value ids have gone: ['bartering']; deprecate, never drop" \
        in found


def test_the_check_command_passes_on_the_real_rules_and_fails_with_one_line_per_problem(rules_copy):
    runner = CliRunner()
    ok = runner.invoke(cli, ["check", str(SCENARIOS_DIR)])
    assert ok.exit_code == 0, ok.output
    assert ok.output.strip().splitlines()[-1].startswith("check: ") and "no authoring problems" in ok.output
    actions = rules_copy / "actions.yaml"
    actions.write_text(actions.read_text() + "  - id: never_used\n    label: Never used\n    guidance: Nothing.\n"
                                             "    urgency: routine\n")
    bad = runner.invoke(cli, ["check", str(SCENARIOS_DIR), "--rules", str(rules_copy)])
    assert bad.exit_code == 1
    assert [line for line in bad.output.splitlines() if line.startswith("problem: ")] == [
        "problem: rules/actions.yaml: action never_used: no rule recommends it"]
