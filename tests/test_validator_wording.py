"""Golden tests of what the validator says: each file in tests/golden/validator/ plants one mistake
in a small rules folder, and `nacm-ethics validate --excerpts` must print exactly the text in the
file's .expected twin (each message, and the author's line of YAML with a caret under the problem).

A case named NAME.rules.yaml is the folder's rule file test.yaml; NAME.facts.yaml is its facts.yaml.
The rest of the folder is _base/ (a small vocabulary and the rules that use its derived facts) and
the real Code, actions and ruleset. NACM_UPDATE_GOLDEN=1 rewrites the .expected files from the
current wording: read the diff before committing it.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli import cli
from engine.messages import MESSAGES

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "validator"
CASES = sorted(p for p in GOLDEN.glob("*.yaml"))
UPDATE = os.environ.get("NACM_UPDATE_GOLDEN") == "1"

# Python's own names for kinds of values, which mean nothing to a trainer writing YAML.
PYTHON_TYPE_NAMES = re.compile(r"\b(LineList|LineDict|NoneType|None|dict|str|int|float|bool|tuple|list\[|"
                               r"Mapping|Sequence|True|False|Any|pydantic|Traceback)\b")


def rules_folder(tmp_path: Path, case: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    for name in ("code.yaml", "actions.yaml", "ruleset.yaml"):
        shutil.copy(ROOT / "rules" / name, folder / name)
    shutil.copy(GOLDEN / "_base" / "chain.yaml", folder / "chain.yaml")
    is_facts = case.name.endswith(".facts.yaml")
    shutil.copy(case if is_facts else GOLDEN / "_base" / "facts.yaml", folder / "facts.yaml")
    if not is_facts:
        shutil.copy(case, folder / "test.yaml")
    return folder


def validator_says(tmp_path: Path, case: Path) -> str:
    result = CliRunner().invoke(cli, ["validate", "--excerpts", str(rules_folder(tmp_path, case))])
    assert result.exit_code == 2, result.output
    return result.stderr


def unquoted(text: str) -> str:
    """The words of a message outside quotes: a quoted 'int' or 'bool' is the author's own YAML."""
    return re.sub(r"'[^'\n]*'", "''", text)


@pytest.mark.parametrize("case", CASES, ids=[c.name.split(".")[0] for c in CASES])
def test_the_validator_says_exactly_this(tmp_path, case):
    said = validator_says(tmp_path, case)
    expected_file = case.with_name(case.name.split(".")[0] + ".expected")
    if UPDATE:
        expected_file.write_text(said, encoding="utf-8")
    assert said == expected_file.read_text(encoding="utf-8")


def test_there_are_at_least_twenty_cases_and_each_names_file_line_and_owner():
    assert len(CASES) >= 20
    for case in CASES:
        expected = case.with_name(case.name.split(".")[0] + ".expected").read_text(encoding="utf-8")
        messages = [line for line in expected.splitlines() if line.startswith("error: ")]
        assert messages, case.name
        for message in messages:
            assert re.match(r"error: rules/[a-z]+\.yaml:\d+: ", message), message
            if case.name.endswith(".rules.yaml") and "test.yaml" in message and "test.yaml:1:" not in message:
                assert ": rule " in message, f"the owning rule is not named: {message}"


def test_no_message_names_a_python_type():
    for case in CASES:
        expected = case.with_name(case.name.split(".")[0] + ".expected").read_text(encoding="utf-8")
        for line in expected.splitlines():
            if line.startswith("error: "):
                assert not PYTHON_TYPE_NAMES.search(unquoted(line)), line
    for kind, template in MESSAGES.items():
        assert not PYTHON_TYPE_NAMES.search(unquoted(template)), (kind, template)


def test_every_excerpt_has_a_caret_under_a_line_of_the_file(tmp_path):
    for case in CASES:
        lines = case.read_text(encoding="utf-8").splitlines()
        expected = case.with_name(case.name.split(".")[0] + ".expected").read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(expected):
            match = re.match(r"    (\d+) \| (.*)$", line)
            if not match or not expected[i - 1].startswith("error: rules/" + ("facts" if "facts" in case.name else "test")):
                continue
            assert lines[int(match.group(1)) - 1] == match.group(2), (case.name, line)
            caret = expected[i + 1]
            assert re.match(r"    \s+ \| \s*\^+$", caret), (case.name, caret)
