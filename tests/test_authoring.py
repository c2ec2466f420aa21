"""`nacm-ethics check`: the authoring checks name file and line, and catch each planted mistake."""
from __future__ import annotations

import re
import shutil

import pytest
from click.testing import CliRunner

import engine
from engine.authoring import authoring_findings
from engine.cli import cli
from tests.conftest import RULES_DIR, SCENARIOS_DIR
from tests.support.minirules import CHAIN_RULES, MINI_FACTS, make_rules_dir


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
    assert f"rules/facts.yaml:{kinds.line}: fact relationship_kind: public value ids have gone: ['bartering'];" \
           " deprecate, never drop" in found
    gone = {k: v for k, v in rulebase.facts.items() if k != "gift_value"}
    first = min(f.line for f in rulebase.input_facts)
    assert f"rules/facts.yaml:{first}: fact gift_value: a public fact id has gone; deprecate, never drop" in \
        [str(f) for f in check_vocabulary(replace(rulebase, facts=gone), "rules/facts.yaml")]


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
    line = actions.read_text().splitlines().index("  - id: never_used") + 1
    assert [line for line in bad.output.splitlines() if line.startswith("problem: ")] == [
        f"problem: rules/actions.yaml:{line}: action never_used: no rule recommends it"]


# --- every kind of authoring problem, planted in a small rule base, named with file:line --------

GOOD_RULE = """\
  - id: t.good
    title: A good rule
    when: flag_b
    cites: [{commitment: 7, why: w}]
    actions: [document]
    examples:
      fires: [{flag_b: true}]
      silent: [{flag_b: false}]
"""


def _mini_findings(tmp_path, rules: str = "", facts_extra: str = "", actions_extra: str = "") -> set[str]:
    folder = make_rules_dir(tmp_path, {"chain.yaml": CHAIN_RULES, "test.yaml": "rules:\n" + GOOD_RULE + rules},
                            MINI_FACTS.replace("derived:\n", facts_extra + "derived:\n"))
    if actions_extra:
        (folder / "actions.yaml").write_text((folder / "actions.yaml").read_text() + actions_extra)
    return {str(f) for f in authoring_findings(engine.load(folder))}


PLANTED = [
    ("a rule without examples",
     {"rules": "  - id: t.bare\n    title: Bare\n    when: flag_a\n    actions: [document]\n"},
     "rules/test.yaml:10: rule t.bare: needs at least one 'fires' and one 'silent' example"),
    ("a 'fires' example that does not fire",
     {"rules": "  - id: t.x\n    title: X\n    when: flag_a\n    actions: [document]\n    examples:\n"
               "      fires:\n        - {flag_a: false}\n      silent: [{flag_a: false}]\n"},
     "rules/test.yaml:16: rule t.x: does not fire on its 'fires' example {'flag_a': False}"),
    ("a 'silent' example that fires",
     {"rules": "  - id: t.x\n    title: X\n    when: flag_a\n    actions: [document]\n    examples:\n"
               "      fires: [{flag_a: true}]\n      silent:\n        - {flag_a: true}\n"},
     "rules/test.yaml:17: rule t.x: fires on its 'silent' example {'flag_a': True}"),
    ("a question that is not a question",
     {"facts_extra": "  - id: new_q\n    group: main\n    type: bool\n    label: Q\n    question: Say it\n"
                     "    help: What counts.\n",
      "rules": "  - id: t.q\n    title: Q\n    when: new_q\n    actions: [document]\n    examples:\n"
               "      fires: [{new_q: true}]\n      silent: [{new_q: false}]\n"},
     "rules/facts.yaml:43: fact new_q: its question does not end with '?'"),
    ("a new fact without help",
     {"facts_extra": "  - id: new_q\n    group: main\n    type: bool\n    label: Q\n    question: Is it?\n",
      "rules": "  - id: t.q\n    title: Q\n    when: new_q\n    actions: [document]\n    examples:\n"
               "      fires: [{new_q: true}]\n      silent: [{new_q: false}]\n"},
     "rules/facts.yaml:43: fact new_q: a new fact needs help text saying what counts"),
    ("a fact no rule reads",
     {"facts_extra": "  - id: new_q\n    group: main\n    type: bool\n    label: Q\n    question: Is it?\n"
                     "    help: What counts.\n"},
     "rules/facts.yaml:43: fact new_q: no rule reads it: ask nothing the advice ignores"),
    ("an action no rule recommends",
     {"actions_extra": "  - id: never_used\n    label: Never\n    guidance: Nothing.\n    urgency: routine\n"},
     "rules/actions.yaml:{never_used}: action never_used: no rule recommends it"),
    ("an emergency call below priority 100",
     {"rules": "  - id: t.e\n    title: E\n    when: flag_a\n    actions: [emergency_response]\n    examples:\n"
               "      fires: [{flag_a: true}]\n      silent: [{flag_a: false}]\n"},
     "rules/test.yaml:10: rule t.e: a rule that calls for an emergency response has priority 100,"
     " so the call comes first"),
    ("priority 100 for a safety step that is not the emergency call",
     {"rules": "  - id: t.p\n    title: P\n    priority: 100\n    when: flag_a\n"
               "    actions: [report_to_authorities]\n    examples:\n"
               "      fires: [{flag_a: true}]\n      silent: [{flag_a: false}]\n"},
     "rules/test.yaml:10: rule t.p: priority 100 is kept for the emergency call"),
    ("a title in lower case",
     {"rules": "  - id: t.t\n    title: lower case\n    when: flag_a\n    actions: [document]\n    examples:\n"
               "      fires: [{flag_a: true}]\n      silent: [{flag_a: false}]\n"},
     "rules/test.yaml:10: rule t.t: its title starts with a capital letter"),
    ("a reflection question without a question mark",
     {"rules": "  - id: t.r\n    title: R\n    when: flag_a\n    actions: [document]\n"
               "    questions: [Think about it.]\n    examples:\n"
               "      fires: [{flag_a: true}]\n      silent: [{flag_a: false}]\n"},
     "rules/test.yaml:10: rule t.r: a reflection question asks something (no '?'): Think about it."),
]


@pytest.mark.parametrize("what,plant,expected", PLANTED, ids=[p[0] for p in PLANTED])
def test_each_planted_authoring_problem_is_caught_with_file_and_line(tmp_path, what, plant, expected):
    baseline = _mini_findings(tmp_path / "base")
    found = _mini_findings(tmp_path / "planted", **plant) - baseline
    if "{never_used}" in expected:
        actions = (tmp_path / "planted" / "rules" / "actions.yaml").read_text().splitlines()
        expected = expected.format(never_used=actions.index("  - id: never_used") + 1)
    assert found == {expected}, what


def test_every_authoring_finding_names_file_and_line(advisor, tmp_path):
    findings = _mini_findings(tmp_path)  # a small base: every public id missing, most actions unused
    assert findings and all(re.match(r"rules/[a-z]+\.yaml:\d+: ", f) for f in findings), findings
