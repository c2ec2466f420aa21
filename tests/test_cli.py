"""The command line of the contract: exit codes 0 / 1 / 2, one line per problem, never a traceback."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.minirules import CHAIN_RULES, make_rules_dir

ROOT = Path(__file__).resolve().parent.parent

RULES = CHAIN_RULES + """\
  - id: r.b
    title: flag b
    when: flag_b
    cites: [{commitment: 19, why: w}]
    actions: [{id: report_to_authorities}]
"""

GOOD_SCENARIO = """\
id: s-good
title: Flag B
topic: suspected_abuse
level: introductory
narrative: Something happened.
facts: {flag_b: true}
expected:
  commitments: {must: [19]}
  actions: {report_to_authorities: immediate}
discussion_questions: ["Why?"]
facilitator_notes: Notes.
"""


def run(*args: str, stdin: str | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engine", *args], input=stdin, capture_output=True,
                          text=True, cwd=cwd, timeout=120)


@pytest.fixture(scope="module")
def rules(tmp_path_factory) -> Path:
    return make_rules_dir(tmp_path_factory.mktemp("cli"), RULES)


def assert_clean_failure(result: subprocess.CompletedProcess, code: int) -> list[str]:
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines and all(line.startswith("error: ") for line in lines), result.stderr
    return lines


def test_evaluate_reads_a_scenario_file_and_prints_json(rules, tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(GOOD_SCENARIO)
    result = run("evaluate", str(path), "--format", "json", "--rules", str(rules))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["facts"] == {"flag_b": True}
    assert [a["id"] for a in data["actions"]] == ["report_to_authorities"]


def test_evaluate_reads_facts_from_standard_input_as_json(rules):
    result = run("evaluate", "-", "--rules", str(rules), "--format", "markdown", stdin='{"flag_b": true}')
    assert result.returncode == 0 and "## What to do" in result.stdout


@pytest.mark.parametrize("text,fragment", [
    ('{"flag_q": true}', "error: <stdin>:1: flag_q: unknown fact 'flag_q'"),
    ("facts:\n  colour: pink\n", "error: <stdin>:2: facts.colour: 'pink' is not a value of 'colour'"),
    ("a: [1, 2\n", "error: <stdin>:2: malformed YAML"),
    ("", "error: <stdin>: empty input"),
])
def test_evaluate_bad_input_exits_2_with_file_line_and_field(rules, text, fragment):
    lines = assert_clean_failure(run("evaluate", "-", "--rules", str(rules), stdin=text), 2)
    assert any(line.startswith(fragment) for line in lines), lines


def test_evaluate_a_missing_file_exits_2(rules, tmp_path):
    lines = assert_clean_failure(run("evaluate", str(tmp_path / "nope.yaml"), "--rules", str(rules)), 2)
    assert lines == [f"error: {tmp_path / 'nope.yaml'}: file not found"]


def test_validate_succeeds_on_good_rules_and_names_file_and_line_on_bad(rules, tmp_path):
    ok = run("validate", str(rules))
    assert ok.returncode == 0 and ok.stdout.startswith("ok: ")
    bad = make_rules_dir(tmp_path, CHAIN_RULES + "  - id: r.bad\n    title: x\n    when: flag_b\n    actions: [jump_in_the_lake]\n")
    lines = assert_clean_failure(run("validate", str(bad)), 2)
    assert lines == ["error: rules/test.yaml:22: rule r.bad: actions[0].id: unknown action 'jump_in_the_lake'"]


def test_scenarios_exit_0_when_all_pass_and_1_when_one_fails(rules, tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "good.yaml").write_text(GOOD_SCENARIO)
    passing = run("scenarios", str(folder), "--rules", str(rules))
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert passing.stdout.strip().splitlines()[-1] == "scenarios: 1 passed, 0 failed"
    (folder / "wrong.yaml").write_text(GOOD_SCENARIO.replace("s-good", "s-wrong").replace(
        "report_to_authorities: immediate", "document: routine"))
    failing = run("scenarios", str(folder), "--rules", str(rules))
    assert failing.returncode == 1
    assert "FAIL  s-wrong" in failing.stdout and "action missing: document (routine)" in failing.stdout
    assert "action not expected: report_to_authorities (immediate)" in failing.stdout
    assert failing.stdout.strip().splitlines()[-1] == "scenarios: 1 passed, 1 failed"


def test_a_malformed_scenario_exits_2(rules, tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "bad.yaml").write_text(GOOD_SCENARIO.replace("level: introductory", "levl: introductory"))
    lines = assert_clean_failure(run("scenarios", str(folder), "--rules", str(rules)), 2)
    assert any("bad.yaml:4: scenario s-good: unknown key 'levl'" in l or "bad.yaml:4:" in l and "levl" in l
               for l in lines), lines


def test_explain_and_coverage(rules, tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "good.yaml").write_text(GOOD_SCENARIO)
    explained = run("explain", "r.b", "--rules", str(rules), "--scenarios", str(folder))
    assert explained.returncode == 0
    assert "applies when flag b is yes." in explained.stdout
    assert "recommends report_to_authorities, immediate" in explained.stdout
    assert "fires in scenarios: s-good" in explained.stdout
    unknown = assert_clean_failure(run("explain", "r.c", "--rules", str(rules)), 2)
    assert "unknown rule 'r.c' (did you mean 'r.b'?)" in unknown[0]
    cov = run("coverage", "--rules", str(rules), "--scenarios", str(folder))
    assert cov.returncode == 0 and "commitment 19" in cov.stdout
    assert "Rules that no scenario fires" in cov.stdout
    strict = run("coverage", "--strict", "--rules", str(rules), "--scenarios", str(folder))
    assert strict.returncode == 1


def test_usage_errors_exit_2():
    result = run("evaluate")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_the_console_script_is_installed():
    script = Path(sys.executable).parent / "nacm-ethics"
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "evaluate" in result.stdout and "scenarios" in result.stdout


def test_vocabulary_docs_are_generated_from_the_rules():
    result = run("vocabulary")
    assert result.returncode == 0
    assert (ROOT / "docs" / "VOCABULARY.md").read_text(encoding="utf-8") == result.stdout, \
        "docs/VOCABULARY.md is stale: regenerate it with `nacm-ethics vocabulary > docs/VOCABULARY.md`"


def test_the_app_command_passes_the_privacy_settings_to_streamlit():
    from engine.cli import streamlit_flags
    from engine.paths import STREAMLIT_CONFIG

    flags = streamlit_flags(STREAMLIT_CONFIG)
    pairs = dict(zip(flags[::2], flags[1::2]))
    assert pairs["--browser.gatherUsageStats"] == "false" and pairs["--server.address"] == "127.0.0.1"
    assert pairs["--server.maxUploadSize"] == "1" and pairs["--server.headless"] == "true"


def test_the_app_command_refuses_a_bad_port_without_a_traceback():
    result = run("app", "--port", "0")
    assert result.returncode == 2 and "Traceback" not in result.stderr and "--port" in result.stderr


def test_check_and_validate_excerpts_show_the_authors_yaml_with_a_caret(tmp_path):
    bad = make_rules_dir(tmp_path, RULES + "  - id: r.bad\n    title: Bad\n    when: {fact: flag_a, equls: true}\n"
                                          "    actions: [document]\n")
    plain = run("validate", str(bad))
    assert plain.returncode == 2 and len(plain.stderr.strip().splitlines()) == 1
    for command in (["check", "--rules", str(bad)], ["validate", "--excerpts", str(bad)]):
        result = run(*command)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        message, line, caret = result.stderr.rstrip("\n").splitlines()
        assert message.startswith("error: rules/test.yaml:26: rule r.bad: when.equls: unknown key 'equls'")
        assert line == "    26 |     when: {fact: flag_a, equls: true}"
        assert caret == "       |                          ^^^^^"
