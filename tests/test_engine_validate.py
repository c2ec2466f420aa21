"""Validation a trainer can act on: every kind of mistake, named by file, line, rule and field."""
from __future__ import annotations

import shutil

import pytest

import engine
from engine.errors import RuleBaseError
from tests.support.minirules import CHAIN_RULES, MINI_FACTS, REAL_RULES, make_rules_dir


def errors_for(tmp_path, rules_yaml, facts_yaml=MINI_FACTS) -> list[str]:
    folder = make_rules_dir(tmp_path, {"chain.yaml": CHAIN_RULES, "test.yaml": rules_yaml}, facts_yaml)
    with pytest.raises(RuleBaseError) as err:
        engine.load_rulebase(folder)
    return err.value.lines()


def one_rule(body: str) -> str:
    return "rules:\n  - id: t.rule\n    title: A test rule\n" + body


# (what is wrong, rule file body, expected message fragment, expected line in test.yaml)
RULE_MISTAKES = [
    ("unknown key with a suggestion",
     one_rule("    when: {fact: colour, equls: red}\n    actions: [document]\n"),
     "rule t.rule: when.equls: unknown key 'equls' (did you mean 'equals'?)", 4),
    ("missing required key",
     "rules:\n  - id: t.rule\n    when: flag_a\n    actions: [document]\n",
     "rule t.rule: missing required key 'title'", 2),
    ("wrong type",
     one_rule("    priority: high\n    when: flag_a\n    actions: [document]\n"),
     "rule t.rule: priority: expects a whole number, got 'high'", 4),
    ("priority out of range",
     one_rule("    priority: 101\n    when: flag_a\n    actions: [document]\n"),
     "rule t.rule: priority: is at most 100, got 101", 4),
    ("unknown fact with a suggestion",
     one_rule("    when: flagg_a\n    actions: [document]\n"),
     "rule t.rule: when: unknown fact 'flagg_a' (did you mean 'flag_a'?)", 4),
    ("value not allowed for an enum fact",
     one_rule("    when: {fact: colour, equals: purple}\n    actions: [document]\n"),
     "rule t.rule: when.equals: 'purple' is not a value of 'colour'; allowed: red, green, blue", 4),
    ("operator that does not fit the fact's type",
     one_rule("    when: {fact: flag_a, contains_any: [x]}\n    actions: [document]\n"),
     "'contains_any' does not apply to 'flag_a', a yes/no fact", 4),
    ("numeric comparison on a non-number",
     one_rule("    when: {fact: age, gt: ten}\n    actions: [document]\n"),
     "rule t.rule: when.gt: 'gt' compares with a whole number, got 'ten'", 4),
    ("non-bool fact used as a bare condition",
     one_rule("    when: {all: [colour]}\n    actions: [document]\n"),
     "'colour' alone means 'colour is true', but 'colour' is a choice of one value", 4),
    ("unknown action",
     one_rule("    when: flag_a\n    actions: [documnet]\n"),
     "rule t.rule: actions[0].id: unknown action 'documnet' (did you mean 'document'?)", 5),
    ("commitment out of range",
     one_rule("    when: flag_a\n    cites:\n      - {commitment: 29, why: x}\n"),
     "rule t.rule: cites[0].commitment: the Code has no commitment 29 (1-28)", 6),
    ("purpose out of range",
     one_rule("    when: flag_a\n    cites:\n      - {purpose: 5, why: x}\n"),
     "the Code has no purpose 5 (1-4)", 6),
    ("citation naming both a commitment and a purpose",
     one_rule("    when: flag_a\n    cites:\n      - {commitment: 2, purpose: 1, why: x}\n"),
     "a citation names exactly one of 'commitment' or 'purpose'", 6),
    ("tension with itself",
     one_rule("    when: flag_a\n    tensions:\n      - {between: [7, 7], why: x}\n"),
     "a tension is between two different commitments", 6),
    ("concluding an input fact",
     one_rule("    when: flag_b\n    concludes: [flag_a]\n"),
     "unknown derived fact 'flag_a' (it is an input fact: only derived facts can be concluded)", 5),
    ("a condition that can never hold",
     one_rule("    when:\n      all:\n        - {fact: colour, equals: red}\n        - {fact: colour, equals: blue}\n"
              "    actions: [document]\n"),
     "rule t.rule: when: this condition can never hold", 4),
    ("an age that is both below 10 and above 20",
     one_rule("    when:\n      all:\n        - {fact: age, lt: 10}\n        - {fact: age, gt: 20}\n"
              "    actions: [document]\n"),
     "this condition can never hold", 4),
    ("a safety action delayed by a rule",
     one_rule("    when: flag_a\n    actions:\n      - {id: report_to_authorities, urgency: soon}\n"),
     "'report_to_authorities' is a safety action and is always immediate: it must never be delayed", 6),
    ("leads on a step that is not a supporting one",
     one_rule("    when: flag_a\n    actions:\n      - {id: maintain_boundary, leads: true}\n"),
     "'leads' puts a supporting step (consulting, the agency's policy, recording) before the situation's own steps; "
     "'maintain_boundary' is not a supporting step", 6),
    ("a rule with nothing to say",
     one_rule("    when: flag_a\n"),
     "rule t.rule: the rule says nothing", 2),
    ("bad example facts",
     one_rule("    when: flag_a\n    actions: [document]\n    examples:\n      fires:\n        - {flag_a: yes, colour: pink}\n"),
     "rule t.rule: examples.fires[0].colour: 'pink' is not a value of 'colour'", 8),
    ("a bad rule id",
     "rules:\n  - id: Bad Id\n    title: x\n    when: flag_a\n    actions: [document]\n",
     "rule id 'Bad Id' must be lower case", 2),
    ("is: on a derived fact",
     one_rule("    when: {fact: level_one, is: known}\n    actions: [document]\n"),
     "'level_one' is derived, so it is always known", 4),
]


@pytest.mark.parametrize("what,rules_yaml,fragment,line", RULE_MISTAKES, ids=[m[0] for m in RULE_MISTAKES])
def test_each_rule_mistake_is_reported_with_file_line_and_field(tmp_path, what, rules_yaml, fragment, line):
    lines = errors_for(tmp_path, rules_yaml)
    matching = [l for l in lines if fragment in l]
    assert matching, f"{what}: no message contains {fragment!r}; got {lines}"
    assert matching[0].startswith(f"rules/test.yaml:{line}: ") or f"test.yaml:{line}: " in matching[0], matching[0]


def test_all_errors_are_listed_at_once(tmp_path):
    rules_yaml = ("rules:\n"
                  "  - id: t.one\n    title: x\n    when: flag_zz\n    actions: [document]\n"
                  "  - id: t.two\n    title: y\n    when: flag_a\n    actions: [nope]\n"
                  "  - id: t.three\n    title: z\n    when: flag_a\n    cites: [{commitment: 0, why: w}]\n")
    lines = errors_for(tmp_path, rules_yaml)
    assert len(lines) == 3
    assert [l.split(": ")[1] for l in lines] == ["rule t.one", "rule t.two", "rule t.three"]


def test_duplicate_rule_ids_across_files_name_the_first(tmp_path):
    folder = make_rules_dir(tmp_path, {"chain.yaml": CHAIN_RULES,
                                       "zz.yaml": "rules:\n  - id: chain.one\n    title: again\n    when: flag_b\n"
                                                  "    actions: [document]\n"})
    with pytest.raises(RuleBaseError) as err:
        engine.load_rulebase(folder)
    assert any("zz.yaml:2: rule chain.one: id: duplicate rule id 'chain.one' (first in" in l
               and "chain.yaml:2)" in l for l in err.value.lines()), err.value.lines()


def test_derived_fact_nobody_reads_is_reported_in_facts_yaml(tmp_path):
    folder = make_rules_dir(tmp_path, "rules:\n  - id: only.one\n    title: x\n    when: flag_a\n"
                                      "    concludes: [level_one]\n")
    with pytest.raises(RuleBaseError) as err:
        engine.load_rulebase(folder)
    lines = err.value.lines()
    assert any(l.startswith("rules/facts.yaml:") and "derived fact level_one" in l and "no rule reads it" in l
               for l in lines), lines
    assert any("derived fact level_two" in l and "no rule concludes it" in l for l in lines), lines


def test_derived_facts_that_loop_are_refused(tmp_path):
    loop = ("rules:\n"
            "  - id: loop.a\n    title: a\n    when: level_two\n    concludes: [level_one]\n"
            "  - id: loop.b\n    title: b\n    when: level_one\n    concludes: [level_two]\n")
    folder = make_rules_dir(tmp_path, loop)
    with pytest.raises(RuleBaseError) as err:
        engine.load_rulebase(folder)
    assert any("derived facts loop" in l for l in err.value.lines()), err.value.lines()


FACT_MISTAKES = [
    ("duplicate fact id", "  - id: flag_a\n    group: main\n    type: bool\n    label: x\n    question: q?\n",
     "duplicate fact id 'flag_a'"),
    ("unknown group", "  - id: new_fact\n    group: mian\n    type: bool\n    label: x\n    question: q?\n",
     "unknown group 'mian' (did you mean 'main'?)"),
    ("enum without values", "  - id: new_fact\n    group: main\n    type: enum\n    label: x\n    question: q?\n",
     "a choice of one value (type 'enum') needs 'values'"),
    ("ask_if on an unknown fact",
     "  - id: new_fact\n    group: main\n    type: bool\n    label: x\n    question: q?\n    ask_if: {flag_q: true}\n",
     "unknown fact 'flag_q'"),
    ("ask_if with a value the parent cannot take",
     "  - id: new_fact\n    group: main\n    type: bool\n    label: x\n    question: q?\n    ask_if: {colour: pink}\n",
     "'pink' is not a value of 'colour'"),
    ("unknown type", "  - id: new_fact\n    group: main\n    type: text\n    label: x\n    question: q?\n",
     "type: 'text' is not one of 'bool', 'enum', 'list', 'int'"),
]


@pytest.mark.parametrize("what,extra,fragment", FACT_MISTAKES, ids=[m[0] for m in FACT_MISTAKES])
def test_each_vocabulary_mistake_is_reported_with_file_and_line(tmp_path, what, extra, fragment):
    facts = MINI_FACTS.replace("derived:\n", extra + "derived:\n")
    folder = make_rules_dir(tmp_path, CHAIN_RULES, facts)
    with pytest.raises(RuleBaseError) as err:
        engine.load_rulebase(folder)
    lines = err.value.lines()
    matching = [l for l in lines if fragment in l]
    assert matching, f"{what}: {lines}"
    assert matching[0].startswith("rules/facts.yaml:") and matching[0].split(":")[1].isdigit(), matching[0]


def test_duplicate_action_id_in_the_catalogue(tmp_path):
    folder = make_rules_dir(tmp_path, CHAIN_RULES)
    text = (folder / "actions.yaml").read_text()
    (folder / "actions.yaml").write_text(text + "  - id: document\n    label: again\n    guidance: g\n    urgency: routine\n")
    with pytest.raises(RuleBaseError) as err:
        engine.load_rulebase(folder)
    assert any("rules/actions.yaml:" in l and "duplicate action id 'document'" in l for l in err.value.lines())


def test_the_code_must_keep_all_28_commitments(tmp_path):
    folder = make_rules_dir(tmp_path, CHAIN_RULES)
    text = (folder / "code.yaml").read_text().replace("  - number: 28\n", "  - number: 29\n")
    (folder / "code.yaml").write_text(text)
    with pytest.raises(RuleBaseError) as err:
        engine.load_rulebase(folder)
    assert any("rules/code.yaml:" in l and "commitments must be numbered 1 to 28" in l for l in err.value.lines())


def test_malformed_rule_file_and_missing_folder(tmp_path):
    folder = make_rules_dir(tmp_path, {"chain.yaml": CHAIN_RULES, "bad.yaml": "rules:\n  - id: x\n   title: y\n"})
    with pytest.raises(RuleBaseError) as err:
        engine.load_rulebase(folder)
    assert err.value.lines()[0].startswith("rules/bad.yaml:3: malformed YAML")
    with pytest.raises(engine.InputError) as err:
        engine.load_rulebase(tmp_path / "absent")
    assert "rules folder not found" in str(err.value)


def test_missing_fixed_document_is_named(tmp_path):
    folder = make_rules_dir(tmp_path, CHAIN_RULES)
    (folder / "actions.yaml").unlink()
    with pytest.raises(RuleBaseError) as err:
        engine.load_rulebase(folder)
    assert "rules/actions.yaml: file not found" in err.value.lines()


def test_the_real_rule_base_validates(rulebase):
    assert len(rulebase.code.commitments) == 28 and len(rulebase.code.purposes) == 4
    assert rulebase.rules and all(r.file.endswith(".yaml") and r.line > 0 for r in rulebase.rules)


def test_a_planted_error_in_a_copy_of_the_real_rules_is_found(tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(REAL_RULES, folder)
    victim = sorted(p for p in folder.glob("*.yaml")
                    if p.name not in ("code.yaml", "facts.yaml", "actions.yaml", "ruleset.yaml"))[0]
    lines = victim.read_text().splitlines()
    index = next(i for i, l in enumerate(lines) if l.strip().startswith("title:"))
    lines.insert(index + 1, lines[index].replace("title:", "titel:"))
    victim.write_text("\n".join(lines) + "\n")
    with pytest.raises(RuleBaseError) as err:
        engine.load_rulebase(folder)
    expected = f"rules/{victim.name}:{index + 2}: "
    assert any(l.startswith(expected) and "unknown key 'titel' (did you mean 'title'?)" in l
               for l in err.value.lines()), err.value.lines()
