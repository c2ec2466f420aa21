"""Migrations: a database made by the first version of the app upgrades without loss, and the
migrated schema is exactly the one the code expects (ui/storage/tables.py)."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from ui.storage import Store
from ui.storage.database import MIGRATIONS, alembic_config
from ui.storage.tables import metadata

ROOT = Path(__file__).resolve().parents[2]

# The schema exactly as the app wrote it before migrations existed (ui/storage.py, sqlite3).
FIRST_VERSION_SCHEMA = """
CREATE TABLE IF NOT EXISTS consultation (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    title          TEXT    NOT NULL,
    facts_json     TEXT    NOT NULL,
    rules_version  TEXT    NOT NULL,
    rules_sha256   TEXT    NOT NULL,
    created_at     TEXT    NOT NULL
);
CREATE TABLE IF NOT EXISTS note (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id INTEGER NOT NULL REFERENCES consultation(id) ON DELETE CASCADE,
    text            TEXT    NOT NULL,
    created_at      TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS note_by_consultation ON note(consultation_id);
"""


def first_version_database(path: Path) -> None:
    """A file as the first version left it: two consultations (one deleted after), notes, no alembic_version."""
    with sqlite3.connect(path) as db:
        db.executescript(FIRST_VERSION_SCHEMA)
        db.execute("INSERT INTO consultation (title, facts_json, rules_version, rules_sha256, created_at)"
                   " VALUES ('Gift at a home visit', '{\"gift_offered\": true, \"gift_value\": \"token\"}',"
                   " '0.2.0', ?, '2025-01-05T09:30:00+00:00')", ("a" * 64,))
        db.execute("INSERT INTO consultation (title, facts_json, rules_version, rules_sha256, created_at)"
                   " VALUES ('Deleted later', '{}', '0.2.0', ?, '2025-01-06T09:30:00+00:00')", ("a" * 64,))
        db.execute("INSERT INTO consultation (title, facts_json, rules_version, rules_sha256, created_at)"
                   " VALUES ('Bruise seen', '{\"suspected_abuse\": true, \"victim_group\": \"child\"}',"
                   " '0.3.0', ?, '2025-02-01T14:00:00+00:00')", ("b" * 64,))
        db.execute("DELETE FROM consultation WHERE title = 'Deleted later'")
        db.execute("INSERT INTO note (consultation_id, text, created_at) VALUES (1, 'Declined kindly.',"
                   " '2025-01-05T10:00:00+00:00')")
        db.execute("INSERT INTO note (consultation_id, text, created_at) VALUES (3, 'Reported the same day.',"
                   " '2025-02-01T15:00:00+00:00')")
        db.execute("INSERT INTO note (consultation_id, text, created_at) VALUES (3, 'Supervisor agreed.',"
                   " '2025-02-02T09:00:00+00:00')")


def revision_of(url) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as db:
            return MigrationContext.configure(db).get_current_revision()
    finally:
        engine.dispose()


def head() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_a_database_made_by_the_first_version_upgrades_without_loss(tmp_path):
    path = tmp_path / "consultations.sqlite3"
    first_version_database(path)
    store = Store(path)
    assert revision_of(store.url) == head()
    listed = store.consultations()
    assert [(c.id, c.title) for c in listed] == [(3, "Bruise seen"), (1, "Gift at a home visit")]
    gift = store.get(1)
    assert dict(gift.facts) == {"gift_offered": True, "gift_value": "token"}
    assert (gift.rules_version, gift.rules_sha256, gift.created_at) == ("0.2.0", "a" * 64, "2025-01-05T09:30:00+00:00")
    assert [(n.text, n.created_at) for n in store.notes(3)] == [
        ("Reported the same day.", "2025-02-01T15:00:00+00:00"), ("Supervisor agreed.", "2025-02-02T09:00:00+00:00")]
    assert [c.note_count for c in listed] == [2, 1]
    # AUTOINCREMENT's promise is kept: the deleted consultation's id 2 is not given again.
    assert store.save("After the upgrade", {}, "0.3.0", "c" * 64) == 4


def test_opening_an_upgraded_database_again_changes_nothing(tmp_path):
    path = tmp_path / "consultations.sqlite3"
    first_version_database(path)
    Store(path).close()
    before = path.read_bytes()
    Store(path).close()
    assert path.read_bytes() == before


def test_the_migrated_schema_is_the_schema_the_code_expects(store_url):
    store = Store(store_url)
    with store.engine.connect() as db:
        assert compare_metadata(MigrationContext.configure(db), metadata) == []
        assert set(inspect(db).get_table_names()) == set(metadata.tables) | {"alembic_version"}


def test_the_first_version_data_is_kept_through_every_revision_on_sqlite(tmp_path):
    """Each revision in turn from the first version's file: the rows survive every step."""
    path = tmp_path / "consultations.sqlite3"
    first_version_database(path)
    from alembic import command

    engine = create_engine(f"sqlite:///{path}")
    script = ScriptDirectory.from_config(alembic_config())
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    with engine.begin() as db:
        command.stamp(alembic_config(db), revisions[0])
    for revision in revisions[1:]:
        with engine.begin() as db:
            command.upgrade(alembic_config(db), revision)
            count = db.exec_driver_sql("SELECT COUNT(*) FROM note").scalar()
            assert count == 3, f"notes lost at revision {revision}"
    engine.dispose()


def test_migrations_are_found_from_the_package_not_the_working_directory(tmp_path):
    assert MIGRATIONS.is_dir() and (MIGRATIONS / "env.py").exists()
    code = ("import sys; from ui.storage import Store; s = Store(sys.argv[1]); "
            "print(s.save('t', {}, '1', 'a'))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "x.sqlite3")], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"


@pytest.mark.parametrize("url, message", [
    ("mysql://u@h/db", "PostgreSQL (postgresql://user@host:port/db)"),
    ("postgresql+psycopg2://u@h/db", "only psycopg is installed"),
    ("not a url", "not a database URL"),
    ("sqlite://", "must name a SQLite file"),
])
def test_a_database_url_that_cannot_be_used_is_refused_in_one_line(url, message):
    from ui.storage import StorageError, normalise

    with pytest.raises(StorageError, match="DATABASE_URL") as caught:
        normalise(url)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_the_plain_postgresql_url_uses_the_psycopg_driver_and_keeps_everything_else():
    from ui.storage import normalise

    url = normalise("postgresql://case@db.example:5433/ethics?sslmode=require")
    assert url.drivername == "postgresql+psycopg"
    assert (url.username, url.host, url.port, url.database, dict(url.query)) == (
        "case", "db.example", 5433, "ethics", {"sslmode": "require"})
    assert normalise("postgres://case@db/ethics").drivername == "postgresql+psycopg"


def test_a_password_in_the_url_is_never_shown():
    from ui.storage.location import normalise, shown

    assert "s3cret" not in shown(normalise("postgresql://case:s3cret@db/ethics"))
