"""Storage tests run against both backends: a SQLite file in a temporary folder, and a real
PostgreSQL server started for the session on 127.0.0.1 (tests/support/pgserver.py).

When PostgreSQL cannot start, its tests fail under CI (CI=true: .ci/run installs it, so a
missing server is a defect) and are skipped elsewhere, with the reason.
"""
from __future__ import annotations

import itertools
import os

import pytest

from tests.support.pgserver import ServerUnavailable, running_server

_names = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server():
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
    return pg_server.create_database(f"test_{os.getpid()}_{next(_names)}")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> str:
    """Where a test's store lives: a SQLite file path, or a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "sub" / "consultations.sqlite3")
    return request.getfixturevalue("pg_url")
