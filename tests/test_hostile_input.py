"""Hostile input at the command line and in uploads: one clear line, exit 2, never a traceback,
and nothing built before it is refused (an alias bomb is refused from the parser's events)."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from engine.cli import cli
from engine.errors import InputError
from engine.model import shown
from engine.yamlio import MAX_DEPTH, MAX_TEXT_CHARS, parse_yaml

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefg", "bcdefgh", strict=True)
) + "suspected_abuse: *h\n"

CASES = {
    "an alias bomb": ("bomb.yaml", BOMB, "anchors and aliases"),
    "nesting 5,000 deep (YAML)": ("deep.yaml", "suspected_abuse: " + "[" * 5000 + "]" * 5000 + "\n", "nest"),
    "nesting 5,000 deep (JSON)": ("deep.json", '{"suspected_abuse": ' + "[" * 5000 + "]" * 5000 + "}", "nest"),
    "a duplicate key in JSON": ("dup.json", '{"imminent_danger":\ttrue, "imminent_danger":\tfalse}', "duplicate key"),
    "a duplicate key in YAML": ("dup.yaml", "imminent_danger: true\nimminent_danger: false\n", "duplicate key"),
    "a stray facts: key": ("stray.yaml", "facts: {}\nimminent_danger: true\n", "'facts' is mixed with other facts"),
    "an integer of 5,000 digits (YAML)": ("big.yaml", "individual_age: " + "9" * 5000 + "\n", "number is too long"),
    "an integer of 5,000 digits (JSON)": ("big.json", '{"individual_age": ' + "9" * 5000 + "}", "number is too long"),
    "a NUL character": ("nul.yaml", "imminent_danger: true\0\n", "NUL"),
    "a file over the size limit": ("huge.yaml", "x: " + "a" * (MAX_TEXT_CHARS + 10) + "\n", "too large"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_facts_files_give_one_clear_line_and_exit_2(tmp_path, case):
    name, text, words = CASES[case]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["evaluate", str(path), "--no-explore"])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and name in lines[0], lines
    assert words in lines[0], lines[0]
    assert "Traceback" not in result.output and len(lines[0]) < 300


def test_uploads_and_rule_files_refuse_the_same_shapes_before_building_anything():
    with pytest.raises(InputError, match="anchors and aliases"):
        parse_yaml(BOMB, "upload.yaml")
    with pytest.raises(InputError, match=f"more than {MAX_DEPTH} levels"):
        parse_yaml("x: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n", "upload.yaml")


def test_a_value_in_an_error_message_is_short_and_on_one_line():
    assert len(shown(["x" * 10_000] * 10_000)) <= 60
    assert "\n" not in shown("error: forged\nline")
    assert shown(10 ** 5000) == "a number too long to show"


def test_a_huge_wrong_value_gives_a_short_message(tmp_path):
    path = tmp_path / "facts.yaml"
    path.write_text("victim_group: [" + ", ".join(["child"] * 5000) + "]\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["evaluate", str(path), "--no-explore"])
    assert result.exit_code == 2 and len(result.output) < 400, result.output
