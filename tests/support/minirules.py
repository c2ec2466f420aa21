"""Small rule folders written for one test: the real Code and actions, a test vocabulary."""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REAL_RULES = ROOT / "rules"

# One fact of every type, follow-ups and two derived facts: enough to exercise every operator.
MINI_FACTS = """\
groups:
  - id: main
    title: Main
    question: Anything?
facts:
  - id: flag_a
    group: main
    type: bool
    label: Flag A
    question: Is A so?
  - id: flag_b
    group: main
    type: bool
    label: Flag B
    question: Is B so?
  - id: colour
    group: main
    type: enum
    label: Colour
    question: Which colour?
    values: {red: Red, green: Green, blue: Blue}
  - id: kinds
    group: main
    type: list
    label: Kinds
    question: Which kinds?
    values: {k1: Kind one, k2: Kind two, k3: Kind three}
  - id: age
    group: main
    type: int
    label: Age
    question: How old?
    min: 0
    max: 120
    unit: years
  - id: detail
    group: main
    type: enum
    label: Detail
    question: Which detail?
    ask_if: {flag_a: true}
    values: {d1: Detail one, d2: Detail two}
derived:
  - id: level_one
    label: Level one
    meaning: Concluded from flag_a.
  - id: level_two
    label: Level two
    meaning: Concluded from level_one.
"""


def make_rules_dir(tmp: Path, rules_yaml: str | dict[str, str], facts_yaml: str = MINI_FACTS) -> Path:
    """A rules folder with the real code/actions/ruleset, the given facts and rule files."""
    folder = tmp / "rules"
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("code.yaml", "actions.yaml", "ruleset.yaml"):
        shutil.copy(REAL_RULES / name, folder / name)
    (folder / "facts.yaml").write_text(facts_yaml, encoding="utf-8")
    files = {"test.yaml": rules_yaml} if isinstance(rules_yaml, str) else rules_yaml
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


# Rules that use both derived facts, so the mini vocabulary validates.
CHAIN_RULES = """\
rules:
  - id: chain.one
    title: One
    when: flag_a
    concludes: [level_one]
  - id: chain.two
    title: Two
    when: level_one
    concludes: [level_two]
  - id: chain.three
    title: Three
    when:
      all:
        - level_two
        - not: flag_b
    cites:
      - {commitment: 7, why: Chained to the end.}
    actions: [document]
"""
