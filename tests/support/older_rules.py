"""A rule base "saved under older rules": today's rules plus one rule they no longer have, for the
tests of what changed since a consultation was saved (the Review page, in-process and in the browser)."""
from __future__ import annotations

import shutil
from pathlib import Path

import engine

ROOT = Path(__file__).resolve().parents[2]
OLDER_RULE = """\
rules:
  - id: older.abuse_self_care
    title: An older rule, since withdrawn
    priority: 10
    when:
      all:
        - suspected_abuse
    cites:
      - commitment: 26
        why: A rule of an older rule base.
    actions:
      - self_care
    examples:
      fires:
        - {suspected_abuse: true}
      silent:
        - {suspected_abuse: false}
"""


def older_advisor(folder: Path) -> engine.Advisor:
    """Today's rules copied into folder / "rules" with the older rule added, loaded."""
    rules = folder / "rules"
    shutil.copytree(ROOT / "rules", rules)
    (rules / "older.yaml").write_text(OLDER_RULE, encoding="utf-8")
    return engine.load(rules)
