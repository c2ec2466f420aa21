"""Shared fixtures: the real rule base, compiled once per test session."""
from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

import engine
from tests.support.pgserver import ServerUnavailable, running_server

ROOT = Path(__file__).resolve().parent.parent
RULES_DIR = ROOT / "rules"
SCENARIOS_DIR = ROOT / "scenarios"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes seconds to tens of seconds (real processes, servers, a wheel, a browser); still part of make test")


@pytest.fixture(scope="session")
def advisor() -> engine.Advisor:
    return engine.load(RULES_DIR)


@pytest.fixture(scope="session")
def rulebase(advisor: engine.Advisor) -> engine.RuleBase:
    return advisor.rulebase


# --- a real PostgreSQL server for the storage tests -------------------------------------------------
_database_names = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL server on 127.0.0.1 for the whole session (tests/support/pgserver.py).
    If it cannot start, its tests fail under CI (CI=true: .ci/run installs PostgreSQL, so a missing
    server is a defect) and are skipped elsewhere, with the reason."""
    try:
        with running_server() as server:
            yield server
    except ServerUnavailable as exc:
        message = f"PostgreSQL is not available: {exc}"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.fixture()
def pg_url(pg_server) -> str:
    """A new, empty database on the session's server, in the plain postgresql:// form."""
    return pg_server.create_database(f"test_{os.getpid()}_{next(_database_names)}")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> str:
    """Where a storage test's store lives: a SQLite file path, or a PostgreSQL URL (both, in turn)."""
    if request.param == "sqlite":
        return str(tmp_path / "sub" / "consultations.sqlite3")
    return request.getfixturevalue("pg_url")
