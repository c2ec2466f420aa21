"""Retention and erasure: consultations older than the setting are deleted for good, typed text
never reaches a log or an error message."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, update

from ui.storage import StorageError, Store
from ui.storage.retention import RETENTION_VAR, retention_days
from ui.storage.tables import consultation, note

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)


def saved_days_ago(store: Store, title: str, days: float, note_text: str | None = None) -> int:
    cid = store.save(title, {"gift_offered": True}, "0.3.0", "e" * 64, note_text=note_text)
    when = (NOW - timedelta(days=days)).isoformat(timespec="seconds")
    with store.engine.begin() as db:
        db.execute(update(consultation).where(consultation.c.id == cid).values(created_at=when))
    return cid


def test_consultations_older_than_the_setting_are_deleted_with_their_notes(store_url):
    store = Store(store_url)
    old = saved_days_ago(store, "Old gift", 31, note_text="old note")
    recent = saved_days_ago(store, "Recent gift", 29, note_text="recent note")
    assert store.purge_older_than(30, now=NOW) == 1
    assert [c.id for c in store.consultations()] == [recent]
    assert store.notes(old) == [] and [n.text for n in store.notes(recent)] == ["recent note"]
    with store.engine.connect() as db:
        assert db.execute(select(func.count()).select_from(note)).scalar() == 1
    assert store.purge_older_than(30, now=NOW) == 0
    store.close()


def test_the_setting_is_applied_when_the_database_is_opened(store_url):
    store = Store(store_url)
    saved_days_ago(store, "Saved long ago", 400)
    kept = store.save("Saved today", {}, "0.3.0", "e" * 64)
    store.close()
    assert len(Store(store_url).consultations()) == 2  # no setting: nothing removed
    reopened = Store(store_url, retention_days=365)
    assert [c.id for c in reopened.consultations()] == [kept]
    assert reopened.apply_retention() == 0  # not due again within the hour
    reopened.close()


def test_a_purged_consultation_leaves_no_trace_in_the_sqlite_file(tmp_path):
    store = Store(tmp_path / "c.sqlite3")
    saved_days_ago(store, "Quokka-patterned title to forget", 90, note_text="Marmoset note to forget")
    store.save("Kept", {}, "0.3.0", "e" * 64)
    assert store.purge_older_than(60) == 1
    data = store.path.read_bytes()
    assert b"Quokka" not in data and b"Marmoset" not in data


@pytest.mark.parametrize("raw, days", [("", None), ("  ", None), ("30", 30), (" 365 ", 365)])
def test_the_retention_setting_is_a_number_of_days(raw, days):
    assert retention_days({RETENTION_VAR: raw}) == days
    assert retention_days({}) is None


@pytest.mark.parametrize("raw", ["0", "-5", "thirty", "1.5", "99999999"])
def test_a_retention_setting_that_is_not_a_number_of_days_is_refused_in_one_line(raw):
    with pytest.raises(StorageError, match=RETENTION_VAR) as caught:
        retention_days({RETENTION_VAR: raw})
    assert "\n" not in str(caught.value)


SECRET_TITLE = "Okapi-Xylophone title"
SECRET_NOTE = "Narwhal-Quasar note"
SECRET_FACT = "Pangolin-Zither"


def test_nothing_typed_reaches_the_logs_even_at_debug_level(store_url, caplog):
    caplog.set_level(logging.DEBUG)  # every logger, SQLAlchemy's and Alembic's included
    for name in ("sqlalchemy.engine", "sqlalchemy.pool", "alembic"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        store = Store(store_url, retention_days=30)
        cid = store.save(SECRET_TITLE, {"gift_offered": True, "free": SECRET_FACT}, "0.3.0", "e" * 64,
                         note_text=SECRET_NOTE)
        store.add_note(cid, SECRET_NOTE + " again")
        store.consultations(), store.notes(cid), store.get(cid)
        store.delete(cid)
        store.close()
    finally:
        for name in ("sqlalchemy.engine", "sqlalchemy.pool", "alembic"):
            logging.getLogger(name).setLevel(logging.NOTSET)
    assert any("INSERT INTO consultation" in r.getMessage() for r in caplog.records)  # logging was on
    for secret in (SECRET_TITLE, SECRET_NOTE, SECRET_FACT):
        assert secret not in caplog.text


def test_a_database_error_does_not_repeat_what_was_typed(store_url):
    store = Store(store_url)
    cid = store.save("t", {}, "0.3.0", "e" * 64)
    with store.engine.begin() as db:
        db.execute(consultation.delete().where(consultation.c.id == cid))
    with pytest.raises(KeyError):
        store.add_note(cid, SECRET_NOTE)
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError) as caught:  # a note for nothing, past the store's own check
        with store.engine.begin() as db:
            db.execute(note.insert().values(consultation_id=cid + 1000, text=SECRET_NOTE, created_at="x"))
    assert SECRET_NOTE not in str(caught.value)
    store.close()


def test_a_nul_character_is_refused_before_it_reaches_the_database(store_url):
    store = Store(store_url)
    with pytest.raises(ValueError, match="NUL"):
        store.save("a\x00b", {}, "0.3.0", "e" * 64)
    cid = store.save("t", {}, "0.3.0", "e" * 64)
    with pytest.raises(ValueError, match="NUL"):
        store.add_note(cid, "a\x00b")
    store.close()
