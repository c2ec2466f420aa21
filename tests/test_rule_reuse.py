"""Reuse in the rule language: named conditions (`definitions:`), named parameters (ruleset.yaml
`parameters:`), a yes/no answer that must agree with a condition (`agrees_with:`), topics as data,
and the warning for a condition written out in several rules. Each on a small rule base of its own."""
from __future__ import annotations

import shutil
import textwrap

import pytest
from click.testing import CliRunner

import engine
from engine.cli import cli
from engine.errors import FactsError, RuleBaseError
from engine.scenarios import parse_scenario
from engine.yamlio import parse_yaml
from tests.conftest import RULES_DIR
from tests.support.minirules import CHAIN_RULES, MINI_FACTS, make_rules_dir

RULESET = """\
name: reuse test
version: 0.0.1
parameters:
  - id: adult_age
    value: 18
    meaning: The age from which a person is an adult.
topics:
  - {id: first_topic, title: The first topic}
  - {id: second_topic, title: The second topic}
"""

DEFINITIONS = """\
definitions:
  - id: young
    meaning: Younger than the adult age, or said to be a minor when the age is not known.
    when:
      any:
        - {fact: age, lt: adult_age}
        - all: [flag_b, {fact: age, is: unknown}]
  - id: young_and_red
    meaning: Young, and the colour is red.
    when:
      all: [young, {fact: colour, equals: red}]
"""

USES = """\
rules:
  - id: use.young
    title: Young
    when: young
    actions: [document]
  - id: use.young_red
    title: Young and red
    when: {all: [young_and_red, flag_a]}
    actions: [document]
"""

INLINE = """\
rules:
  - id: use.young
    title: Young
    when:
      any:
        - {fact: age, lt: 18}
        - all: [flag_b, {fact: age, is: unknown}]
    actions: [document]
  - id: use.young_red
    title: Young and red
    when:
      all:
        - all:
            - any:
                - {fact: age, lt: 18}
                - all: [flag_b, {fact: age, is: unknown}]
            - {fact: colour, equals: red}
        - flag_a
    actions: [document]
"""


def folder(tmp_path, files: dict[str, str], facts: str = MINI_FACTS, ruleset: str = RULESET):
    path = make_rules_dir(tmp_path, {"chain.yaml": CHAIN_RULES, **files}, facts)
    (path / "ruleset.yaml").write_text(ruleset, encoding="utf-8")
    return path


def problems(path) -> list[str]:
    with pytest.raises(RuleBaseError) as err:
        engine.load_rulebase(path)
    return err.value.lines()


FACT_SETS = [{}, {"age": 12}, {"age": 18}, {"age": 40, "flag_b": True}, {"flag_b": True},
             {"flag_b": True, "colour": "red", "flag_a": True}, {"age": 5, "colour": "red", "flag_a": True},
             {"age": 30, "colour": "red", "flag_a": True}, {"age": 17, "colour": "blue", "flag_a": True}]


# --- named conditions --------------------------------------------------------------------------

def test_a_named_condition_means_exactly_what_it_says_where_it_is_used(tmp_path):
    named = engine.load(folder(tmp_path / "named", {"defs.yaml": DEFINITIONS, "test.yaml": USES}))
    inline = engine.load(folder(tmp_path / "inline", {"test.yaml": INLINE}))
    assert named.rulebase.rule("use.young_red").when == inline.rulebase.rule("use.young_red").when
    for facts in FACT_SETS:
        assert named.evaluate(facts).fired_rules == inline.evaluate(facts).fired_rules, facts
    assert "use.young_red" in named.evaluate({"age": 5, "colour": "red", "flag_a": True}).fired_rules
    young = named.rulebase.definitions["young"]
    assert young.file == "rules/defs.yaml" and young.line == 2 and young.meaning.startswith("Younger")


def test_a_file_may_hold_definitions_only_and_rules_use_them_from_any_file(tmp_path):
    rb = engine.load_rulebase(folder(tmp_path, {"a_defs.yaml": DEFINITIONS, "z_rules.yaml": USES}))
    assert set(rb.definitions) == {"young", "young_and_red"} and not rb.warnings


def test_an_unknown_name_is_suggested_from_facts_and_named_conditions(tmp_path):
    uses = USES.replace("when: young\n", "when: yuong\n")
    assert problems(folder(tmp_path, {"defs.yaml": DEFINITIONS, "test.yaml": uses})) == [
        "rules/test.yaml:4: rule use.young: when: unknown fact 'yuong' (did you mean 'young'?)"]


def test_a_named_condition_cannot_take_a_facts_name_nor_loop_nor_repeat(tmp_path):
    clash = DEFINITIONS.replace("  - id: young\n", "  - id: flag_a\n").replace("all: [young,", "all: [flag_a,")
    found = problems(folder(tmp_path / "clash", {"defs.yaml": clash, "test.yaml": USES}))
    assert "rules/defs.yaml:2: definition flag_a: id: 'flag_a' is already a fact: a named condition needs a" \
           " name of its own" in found
    loop = DEFINITIONS.replace("        - {fact: age, lt: adult_age}\n", "        - young_and_red\n")
    found = problems(folder(tmp_path / "loop", {"defs.yaml": loop, "test.yaml": USES}))
    assert "rules/defs.yaml:11: definition young_and_red: when.all[0]: named conditions loop: young ->" \
           " young_and_red -> young" in found
    again = {"defs.yaml": DEFINITIONS, "more.yaml": "definitions:\n  - id: young\n    meaning: Again.\n"
                                                     "    when: flag_a\n", "test.yaml": USES}
    assert "rules/more.yaml:2: definition young: id: duplicate definition id 'young' (first in rules/defs.yaml:2)" \
        in problems(folder(tmp_path / "again", again))


def test_a_problem_inside_a_named_condition_is_named_there_and_where_it_is_used(tmp_path):
    broken = DEFINITIONS.replace("{fact: colour, equals: red}", "{fact: colour, equals: pink}")
    found = problems(folder(tmp_path, {"defs.yaml": broken, "test.yaml": USES}))
    assert found[0].startswith("rules/defs.yaml:11: definition young_and_red: when.all[1].equals: 'pink' is not")
    assert "rules/test.yaml:8: rule use.young_red: when.all[0]: the named condition 'young_and_red' has a problem" \
           " of its own (see its definition)" in found


def test_a_named_condition_no_rule_uses_is_a_warning_in_check(tmp_path):
    uses = USES.replace("    when: {all: [young_and_red, flag_a]}\n", "    when: {all: [young, flag_a]}\n")
    path = folder(tmp_path, {"defs.yaml": DEFINITIONS, "test.yaml": uses})
    rb = engine.load_rulebase(path)
    assert [str(w) for w in rb.warnings] == [
        "rules/defs.yaml:8: definition young_and_red: no rule uses this named condition: use it in a 'when' or"
        " remove it"]
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "no-scenarios"), "--rules", str(path)])
    assert "warning: rules/defs.yaml:8: definition young_and_red: no rule uses this named condition" in result.output


# --- repeated conditions ---------------------------------------------------------------------------

def test_a_condition_written_out_in_two_rules_is_pointed_out_once_with_both_places(tmp_path):
    rb = engine.load_rulebase(folder(tmp_path, {"test.yaml": INLINE}))
    assert [str(w) for w in rb.warnings] == [
        "rules/test.yaml:4: rule use.young: when: this condition (any of (age is less than 18 years; all of (flag b"
        " is yes; age is not known))) is also written out in rule use.young_red (rules/test.yaml:14): name it once"
        " under 'definitions:' and use its name in each"]
    assert rb.warnings[0].excerpt == "    4 |     when:\n      |     ^^^^"


def test_named_conditions_leave_nothing_to_point_out(tmp_path):
    assert engine.load_rulebase(folder(tmp_path, {"defs.yaml": DEFINITIONS, "test.yaml": USES})).warnings == ()


YOUNG_SCENARIO = """\
id: young
title: A young person
topic: first_topic
level: introductory
narrative: A twelve-year-old.
facts: {age: 12}
expected:
  commitments: {must: [], may: []}
  actions: {document: routine}
  tensions: []
  must_not: []
  first: document
"""


def test_check_shows_repeated_conditions_as_warnings_with_file_and_line_and_still_passes(tmp_path):
    path = folder(tmp_path, {"test.yaml": INLINE})
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (scenarios / "young.yaml").write_text(YOUNG_SCENARIO, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(scenarios), "--rules", str(path)])
    warnings = [line for line in result.output.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1 and warnings[0].startswith("warning: rules/test.yaml:4: rule use.young: when: ")
    assert "1 warning(s)" in result.output.splitlines()[-1]


def test_the_real_rules_repeated_conditions_are_warnings_not_errors(rulebase):
    assert all(w.file and w.line and "definitions:" in w.message for w in rulebase.warnings)


# --- parameters ------------------------------------------------------------------------------------

def test_a_parameter_is_used_by_name_and_a_change_to_it_is_one_change(tmp_path):
    rules = "rules:\n  - id: t.young\n    title: Young\n    when: {fact: age, lt: adult_age}\n    actions: [document]\n"
    at_18 = engine.load(folder(tmp_path / "a", {"test.yaml": rules}))
    at_21 = engine.load(folder(tmp_path / "b", {"test.yaml": rules}, ruleset=RULESET.replace("value: 18", "value: 21")))
    assert "t.young" not in at_18.evaluate({"age": 19}).fired_rules
    assert "t.young" in at_21.evaluate({"age": 19}).fired_rules
    atom = at_18.rulebase.rule("t.young").when
    assert (atom.value, atom.parameter) == (18, "adult_age")
    assert at_18.rulebase.parameters["adult_age"].line == 4
    from engine.describe import condition_words
    assert condition_words(at_18.rulebase, atom) == "age is less than 18 years (adult age)"


def test_an_unknown_parameter_and_a_parameter_named_like_a_fact_are_refused(tmp_path):
    rules = "rules:\n  - id: t.young\n    title: Young\n    when: {fact: age, lt: adult_agee}\n    actions: [document]\n"
    assert problems(folder(tmp_path / "a", {"test.yaml": rules})) == [
        "rules/test.yaml:4: rule t.young: when.lt: 'lt' compares with a whole number, got 'adult_agee'; no parameter"
        " has that name (did you mean 'adult_age'?)"]
    clash = RULESET.replace("  - id: adult_age\n", "  - id: age\n")
    assert "rules/ruleset.yaml:4: parameter age: id: 'age' is already a fact: a parameter needs a name of its own" \
        in problems(folder(tmp_path / "b", {"test.yaml": CHAIN_RULES.replace("chain.", "other.")}, ruleset=clash))
    words = RULESET.replace("value: 18", "value: eighteen")
    assert "rules/ruleset.yaml:5: parameter adult_age: value: expects a whole number, got 'eighteen'" in \
        problems(folder(tmp_path / "c", {}, ruleset=words))


# --- agrees_with -------------------------------------------------------------------------------------

AGREEING = MINI_FACTS.replace("    label: Flag B\n    question: Is B so?\n",
                              "    label: Flag B\n    question: Is B so?\n    agrees_with: {fact: age, lt: adult_age}\n")


def test_an_answer_that_disagrees_with_its_condition_is_a_contradiction(tmp_path):
    advisor = engine.load(folder(tmp_path, {}, facts=AGREEING))
    with pytest.raises(FactsError) as err:
        advisor.evaluate({"age": 30, "flag_b": True})
    assert str(err.value) == ("flag_b: 'flag_b' is true, but 'age' is 30: the answers disagree ('flag_b' is true"
                              " exactly when age is less than 18 years (adult age))")
    with pytest.raises(FactsError):
        advisor.evaluate({"age": 12, "flag_b": False})
    for fine in ({"age": 12, "flag_b": True}, {"age": 30, "flag_b": False}, {"flag_b": True}, {"age": 30}):
        advisor.evaluate(fine)


def test_agrees_with_is_for_yes_no_facts_about_other_answers(tmp_path):
    on_enum = MINI_FACTS.replace("    question: Which colour?\n", "    question: Which colour?\n    agrees_with: flag_a\n")
    assert any("fact colour: agrees_with: 'agrees_with' is for yes/no facts" in p
               for p in problems(folder(tmp_path / "a", {}, facts=on_enum)))
    itself = AGREEING.replace("{fact: age, lt: adult_age}", "{all: [flag_b, flag_a]}")
    assert any("fact flag_b: agrees_with: 'agrees_with' reads the fact itself" in p
               for p in problems(folder(tmp_path / "b", {}, facts=itself)))
    derived = AGREEING.replace("{fact: age, lt: adult_age}", "level_one")
    assert any("'agrees_with' reads 'level_one', which the rules conclude" in p
               for p in problems(folder(tmp_path / "c", {}, facts=derived)))


def test_the_real_age_check_reads_the_age_of_majority(tmp_path, advisor):
    with pytest.raises(FactsError) as err:
        advisor.evaluate({"individual_age": 20, "individual_is_minor": True})
    assert "'individual_is_minor' is true, but 'individual_age' is 20: the answers disagree" in str(err.value)
    advisor.evaluate({"individual_age": 17, "individual_is_minor": True})
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    ruleset = rules / "ruleset.yaml"
    ruleset.write_text(ruleset.read_text().replace("    value: 18\n", "    value: 21\n"))
    engine.load(rules).evaluate({"individual_age": 20, "individual_is_minor": True})


# --- topics ------------------------------------------------------------------------------------------

def test_topics_are_data_and_a_scenario_with_another_topic_is_refused(tmp_path):
    rb = engine.load_rulebase(folder(tmp_path, {}))
    assert [(t.id, t.title) for t in rb.topics] == [("first_topic", "The first topic"), ("second_topic", "The second topic")]
    text = textwrap.dedent("""\
        id: s
        title: S
        topic: first_topic
        level: introductory
        narrative: N.
        facts: {flag_a: true}
        expected:
          commitments: {must: []}
          actions: {}
        """)
    parse_scenario(parse_yaml(text, "s.yaml"), "s.yaml", rb, text=text)
    wrong = text.replace("topic: first_topic", "topic: frist_topic")
    with pytest.raises(engine.ScenarioError) as err:
        parse_scenario(parse_yaml(wrong, "s.yaml"), "s.yaml", rb, text=wrong)
    issue = err.value.issues[0]
    assert str(issue) == ("s.yaml:3: scenario s: topic: unknown topic 'frist_topic' (did you mean 'first_topic'?);"
                          " allowed: first_topic, second_topic")
    assert issue.excerpt == "    3 | topic: frist_topic\n      |        ^^^^^^^^^^^"


def test_the_example_in_docs_rules_md_validates_against_the_real_rules_and_fires_as_it_says(tmp_path):
    import re

    from engine.authoring import check_examples

    doc = (RULES_DIR.parent / "docs" / "RULES.md").read_text(encoding="utf-8")
    example = next(block for block in re.findall(r"```yaml\n(.*?)```", doc, re.S) if block.startswith("definitions:"))
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    (rules / "zz_doc_example.yaml").write_text(example, encoding="utf-8")
    advisor = engine.load(rules)
    assert "young_person" in advisor.rulebase.definitions
    assert [f for f in check_examples(advisor) if "conf.family_asks_about_a_young_person" in f.owner] == []
