"""AppTest helpers: the app with a temporary database, and a way to answer the intake."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Mapping

import pytest
from streamlit.testing.v1 import AppTest

from ui import intake
from ui.training import load_library

ROOT = Path(__file__).resolve().parents[2]

APP = str(ROOT / "ui" / "app.py")
BADGE = re.compile(r"-badge\[:material/\w+: (Critical|Warning|Info): (IMMEDIATE|SOON|ROUTINE)\]  \n\*\*(.+?)\*\*")
COMMITMENT = re.compile(r"Commitment (\d+)\] \*\*")


@pytest.fixture()
def db_path(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "consultations.sqlite3"
    monkeypatch.setenv("NACM_ETHICS_DB", str(path))
    return path


@pytest.fixture()
def app(db_path) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="session")
def library(advisor):
    return load_library(advisor)


def unescape(text: str) -> str:
    """The text as a reader sees it: Markdown escapes undone, and the invisible word joiner that
    keeps a URL from becoming a link (widgets.md) taken out."""
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")


def markdown_texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def shown_actions(at: AppTest) -> list[tuple[str, str]]:
    """(URGENCY, label) of every action card, in page order."""
    return [(m.group(2), unescape(m.group(3))) for text in markdown_texts(at) for m in BADGE.finditer(text)]


def shown_commitments(at: AppTest) -> list[int]:
    return [int(m.group(1)) for text in markdown_texts(at) for m in COMMITMENT.finditer(text)]


def answer(at: AppTest, rulebase, facts: Mapping[str, Any], prefix: str = "consult") -> AppTest:
    """Answer the intake as a person would: tick the areas, then each question once it is shown
    (a follow-up appears only after its parent's answer)."""
    for group in intake.areas_of(rulebase, facts):
        at.checkbox(key=f"{prefix}.area.{group}").check()
    at.run()
    pending = dict(facts)
    while pending:
        progressed = False
        for fact_id in list(pending):
            key = f"{prefix}.fact.{fact_id}"
            fact = rulebase.facts[fact_id]
            widget = {"bool": at.radio, "enum": at.radio, "list": at.multiselect,
                      "int": at.number_input}[fact.type]
            try:
                element = widget(key=key)
            except KeyError:
                continue  # not shown yet
            element.set_value(intake.to_widget(fact, pending.pop(fact_id)))
            progressed = True
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert progressed, f"questions never shown: {sorted(pending)}"
    return at
