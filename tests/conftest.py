"""Shared fixtures: the real rule base, compiled once per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

import engine

ROOT = Path(__file__).resolve().parent.parent
RULES_DIR = ROOT / "rules"
SCENARIOS_DIR = ROOT / "scenarios"


@pytest.fixture(scope="session")
def advisor() -> engine.Advisor:
    return engine.load(RULES_DIR)


@pytest.fixture(scope="session")
def rulebase(advisor: engine.Advisor) -> engine.RuleBase:
    return advisor.rulebase


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: a slow test (a real browser, many child processes); still in make test")
