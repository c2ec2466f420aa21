"""Saved consultations and supervisors' notes, in SQLite (the standard library's sqlite3).

The adapter at the edge: the engine never sees it. A consultation is saved only when the user
chooses to, and holds what is needed to re-derive its report: the facts, a short de-identified
title and the rule-base version and sha256 that produced it. The report itself is not stored:
the Review page evaluates the facts again (and says so when the rules have changed since).

Typed text is confidential (commitment 18 applies to the tool): nothing here logs it.
The database is at $NACM_ETHICS_DB, or in the user's data folder.
"""
from __future__ import annotations

import json
import os
import sqlite3
import sys
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Mapping

ENV_VAR = "NACM_ETHICS_DB"
APP_DIR_NAME = "nacm-ethics"
TITLE_MAX = 120
NOTE_MAX = 4000

SCHEMA = """
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


def default_db_path() -> Path:
    """$NACM_ETHICS_DB, or consultations.sqlite3 in the user's data folder."""
    configured = os.environ.get(ENV_VAR)
    if configured:
        return Path(configured).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_DIR_NAME / "consultations.sqlite3"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Note:
    id: int
    consultation_id: int
    text: str
    created_at: str


@dataclass(frozen=True)
class Consultation:
    id: int
    title: str
    facts: Mapping[str, Any]
    rules_version: str
    rules_sha256: str
    created_at: str
    note_count: int = 0


class Store:
    """One SQLite file. Each call opens and closes its own connection (safe across Streamlit's threads)."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else default_db_path()
        if not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, mode=0o700)  # private to the user who runs the app
        if not self.path.exists():
            # Created private (0600) before SQLite writes anything to it.
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        with self._connect() as db:
            db.executescript(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10)) as db:
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA secure_delete = ON")  # deleted text is overwritten, whatever the build's default
            with db:  # one transaction: committed on success, rolled back on error
                yield db

    def save(self, title: str, facts: Mapping[str, Any], rules_version: str, rules_sha256: str) -> int:
        title = " ".join(title.split())
        if not title:
            raise ValueError("a consultation needs a short title")
        if len(title) > TITLE_MAX:
            raise ValueError(f"the title is longer than {TITLE_MAX} characters")
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO consultation (title, facts_json, rules_version, rules_sha256, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (title, json.dumps(dict(facts), sort_keys=True), rules_version, rules_sha256, _now()))
            return int(cursor.lastrowid)

    def consultations(self) -> list[Consultation]:
        """Every saved consultation, newest first, with its number of notes."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT c.*, (SELECT COUNT(*) FROM note n WHERE n.consultation_id = c.id) AS note_count"
                " FROM consultation c ORDER BY c.created_at DESC, c.id DESC").fetchall()
        return [self._consultation(r) for r in rows]

    def get(self, consultation_id: int) -> Consultation | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT c.*, (SELECT COUNT(*) FROM note n WHERE n.consultation_id = c.id) AS note_count"
                " FROM consultation c WHERE c.id = ?", (consultation_id,)).fetchone()
        return self._consultation(row) if row else None

    def delete(self, consultation_id: int) -> None:
        """Delete a consultation and its notes for good: overwritten in place, then the file compacted."""
        with self._connect() as db:
            db.execute("DELETE FROM consultation WHERE id = ?", (consultation_id,))
        with closing(sqlite3.connect(self.path, timeout=10)) as db:
            db.execute("VACUUM")  # outside a transaction: frees and rewrites the pages

    def add_note(self, consultation_id: int, text: str) -> int:
        text = text.strip()
        if not text:
            raise ValueError("the note is empty")
        if len(text) > NOTE_MAX:
            raise ValueError(f"the note is longer than {NOTE_MAX} characters")
        with self._connect() as db:
            if db.execute("SELECT 1 FROM consultation WHERE id = ?", (consultation_id,)).fetchone() is None:
                raise KeyError(consultation_id)
            cursor = db.execute("INSERT INTO note (consultation_id, text, created_at) VALUES (?, ?, ?)",
                                (consultation_id, text, _now()))
            return int(cursor.lastrowid)

    def notes(self, consultation_id: int) -> list[Note]:
        """A consultation's notes, oldest first."""
        with self._connect() as db:
            rows = db.execute("SELECT * FROM note WHERE consultation_id = ? ORDER BY created_at, id",
                              (consultation_id,)).fetchall()
        return [Note(r["id"], r["consultation_id"], r["text"], r["created_at"]) for r in rows]

    @staticmethod
    def _consultation(row: sqlite3.Row) -> Consultation:
        return Consultation(row["id"], row["title"], json.loads(row["facts_json"]), row["rules_version"],
                            row["rules_sha256"], row["created_at"], row["note_count"])
