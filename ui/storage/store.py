"""Saved consultations and supervisors' notes: the one place the app reads and writes them.

The adapter at the edge: the engine never sees it. A consultation is saved only when the user
chooses to, and holds what is needed to re-derive its report: the facts, a short de-identified
title and the rule-base version and sha256 that produced it.

Every change is one transaction: a consultation and the note saved with it are written together
or not at all, and a save returns (and the app says "saved") only once the transaction is
committed. Typed text is confidential (commitment 18 applies to the tool): nothing here logs it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Mapping

from sqlalchemy import Engine, RowMapping, delete, func, insert, select
from sqlalchemy.engine import URL

from .database import migrate, open_engine
from .location import configured_url, normalise, shown, sqlite_url
from .retention import Schedule
from .tables import consultation, note

TITLE_MAX = 120
NOTE_MAX = 4000


def now_iso() -> str:
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


def _no_nul(text: str) -> str:
    if "\x00" in text:
        raise ValueError("the text contains a NUL character; please type it again")
    return text


def clean_title(title: str) -> str:
    title = " ".join(_no_nul(title).split())
    if not title:
        raise ValueError("a consultation needs a short title")
    if len(title) > TITLE_MAX:
        raise ValueError(f"the title is longer than {TITLE_MAX} characters")
    return title


def clean_note(text: str) -> str:
    text = _no_nul(text).strip()
    if not text:
        raise ValueError("the note is empty")
    if len(text) > NOTE_MAX:
        raise ValueError(f"the note is longer than {NOTE_MAX} characters")
    return text


def _target_url(target: str | Path | URL | None) -> URL:
    if target is None:
        return configured_url()
    if isinstance(target, URL):
        return normalise(target)
    if isinstance(target, str) and "://" in target:
        return normalise(target)
    return sqlite_url(target)


class Store:
    """One database, brought to the newest schema when opened. Safe to share across threads."""

    def __init__(self, target: str | Path | URL | None = None, retention_days: int | None = None):
        self.url = _target_url(target)
        self.backend = self.url.get_backend_name()
        self.path = Path(self.url.database) if self.backend == "sqlite" else None
        self.retention_days = retention_days
        self._retention = Schedule()
        self.engine: Engine = open_engine(self.url)
        migrate(self.engine)
        self.apply_retention()

    @property
    def where(self) -> str:
        """Where the data is, as it may be shown (a file's path, or the URL without its password)."""
        return str(self.path) if self.path is not None else shown(self.url)

    def close(self) -> None:
        self.engine.dispose()

    # --- consultations ---------------------------------------------------------------------------

    def save(self, title: str, facts: Mapping[str, Any], rules_version: str, rules_sha256: str,
             note_text: str | None = None) -> int:
        """Save a consultation (and, with it, a first note), in one transaction; return its id."""
        title = clean_title(title)
        note_text = clean_note(note_text) if note_text and note_text.strip() else None
        when = now_iso()
        with self.engine.begin() as db:
            result = db.execute(insert(consultation).values(
                title=title, facts_json=json.dumps(dict(facts), sort_keys=True), rules_version=rules_version,
                rules_sha256=rules_sha256, created_at=when))
            consultation_id = int(result.inserted_primary_key[0])
            if note_text:
                db.execute(insert(note).values(consultation_id=consultation_id, text=note_text, created_at=when))
        return consultation_id

    def _listing(self):
        notes = (select(func.count()).select_from(note).where(note.c.consultation_id == consultation.c.id)
                 .scalar_subquery().label("note_count"))
        return select(consultation, notes)

    def consultations(self) -> list[Consultation]:
        """Every saved consultation, newest first, with its number of notes."""
        with self.engine.begin() as db:
            rows = db.execute(self._listing().order_by(consultation.c.created_at.desc(),
                                                       consultation.c.id.desc())).mappings().all()
        return [self._consultation(r) for r in rows]

    def get(self, consultation_id: int) -> Consultation | None:
        with self.engine.begin() as db:
            row = db.execute(self._listing().where(consultation.c.id == consultation_id)).mappings().first()
        return self._consultation(row) if row else None

    def delete(self, consultation_id: int) -> None:
        """Delete a consultation and its notes for good (see erase())."""
        with self.engine.begin() as db:
            db.execute(delete(note).where(note.c.consultation_id == consultation_id))
            db.execute(delete(consultation).where(consultation.c.id == consultation_id))
        self.erase()

    def erase(self) -> None:
        """After a delete: on SQLite, rewrite the file so no freed page keeps the deleted text (the
        rows were already overwritten by secure_delete); on PostgreSQL, VACUUM the tables so the
        dead rows' space is reclaimed."""
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
            if self.backend == "sqlite":
                db.connection.driver_connection.execute("VACUUM")  # outside any transaction
            else:
                db.exec_driver_sql("VACUUM note, consultation")

    def purge_older_than(self, days: int, now: datetime | None = None) -> int:
        """Delete for good every consultation saved more than `days` days ago; return how many."""
        cutoff = ((now or datetime.now(timezone.utc)) - timedelta(days=days)).astimezone(timezone.utc)
        old = select(consultation.c.id).where(consultation.c.created_at < cutoff.isoformat(timespec="seconds"))
        with self.engine.begin() as db:
            db.execute(delete(note).where(note.c.consultation_id.in_(old)))
            removed = db.execute(delete(consultation).where(consultation.c.id.in_(old))).rowcount
        if removed:
            self.erase()
        return removed

    def apply_retention(self) -> int:
        """The retention setting applied: at once when opened, then at most once an hour."""
        if self.retention_days is None or not self._retention.due():
            return 0
        return self.purge_older_than(self.retention_days)

    # --- notes -----------------------------------------------------------------------------------

    def add_note(self, consultation_id: int, text: str) -> int:
        text = clean_note(text)
        with self.engine.begin() as db:
            if db.execute(select(consultation.c.id).where(consultation.c.id == consultation_id)).first() is None:
                raise KeyError(consultation_id)
            result = db.execute(insert(note).values(consultation_id=consultation_id, text=text,
                                                    created_at=now_iso()))
            return int(result.inserted_primary_key[0])

    def notes(self, consultation_id: int) -> list[Note]:
        """A consultation's notes, oldest first."""
        with self.engine.begin() as db:
            rows = db.execute(select(note).where(note.c.consultation_id == consultation_id)
                              .order_by(note.c.created_at, note.c.id)).mappings().all()
        return [Note(r["id"], r["consultation_id"], r["text"], r["created_at"]) for r in rows]

    @staticmethod
    def _consultation(row: RowMapping) -> Consultation:
        return Consultation(row["id"], row["title"], json.loads(row["facts_json"]), row["rules_version"],
                            row["rules_sha256"], row["created_at"], row["note_count"])
