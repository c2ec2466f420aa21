"""Saved consultations: the storage adapter at the UI's edge (the engine never imports it).

    location.py  which database: a private SQLite file by default, or DATABASE_URL (PostgreSQL)
    database.py  the SQLAlchemy engine, SQLite's privacy settings, Alembic migrations at start-up
    tables.py    the schema the code expects (migrations/versions/ are what change a database)
    store.py     Store: every read and write, each change one transaction
"""
from __future__ import annotations

from .location import ENV_VAR, URL_VAR, StorageError, configured_url, default_db_path, normalise
from .store import (
    EVERYONE, JUDGEMENTS, NOTE_MAX, STATUSES, TITLE_MAX, ClassAnswer, ClassSession, Consultation, Feedback, Member,
    Note, Query, Store, Viewer,
)

__all__ = ["ENV_VAR", "EVERYONE", "JUDGEMENTS", "ClassAnswer", "ClassSession", "Feedback", "Member", "NOTE_MAX",
           "STATUSES", "TITLE_MAX", "URL_VAR", "Consultation", "Note", "Query", "StorageError", "Store", "Viewer",
           "configured_url", "default_db_path", "normalise"]
