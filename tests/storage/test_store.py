"""Saved consultations and notes (ui/storage/), on a real SQLite file and a real PostgreSQL server."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ui.storage import ENV_VAR, Store, default_db_path
from ui.storage.tables import note


@pytest.fixture()
def store(store_url):
    store = Store(store_url)
    yield store
    store.close()


def test_a_consultation_round_trips(store):
    cid = store.save("  Gift at a   home visit ", {"gift_offered": True, "gift_value": "token"}, "1.2.0", "ab" * 32)
    got = store.get(cid)
    assert got.title == "Gift at a home visit"
    assert dict(got.facts) == {"gift_offered": True, "gift_value": "token"}
    assert (got.rules_version, got.rules_sha256, got.note_count) == ("1.2.0", "ab" * 32, 0)
    assert got.created_at.endswith("+00:00")


def test_consultations_are_listed_newest_first_with_their_note_counts(store):
    first = store.save("first", {}, "1", "a")
    second = store.save("second", {}, "1", "a")
    store.add_note(first, "one")
    store.add_note(first, "two")
    listed = store.consultations()
    assert [c.id for c in listed] == [second, first]
    assert [c.note_count for c in listed] == [0, 2]


def test_notes_are_dated_and_kept_in_order(store):
    cid = store.save("t", {}, "1", "a")
    store.add_note(cid, "  first  ")
    store.add_note(cid, "second")
    notes = store.notes(cid)
    assert [n.text for n in notes] == ["first", "second"]
    assert all(n.created_at[:4].isdigit() for n in notes)


def test_empty_titles_and_notes_are_refused(store):
    with pytest.raises(ValueError):
        store.save("   ", {}, "1", "a")
    cid = store.save("t", {}, "1", "a")
    with pytest.raises(ValueError):
        store.add_note(cid, " \n ")
    with pytest.raises(KeyError):
        store.add_note(cid + 100, "note for nothing")


def test_deleting_a_consultation_deletes_its_notes(store):
    cid = store.save("t", {}, "1", "a")
    store.add_note(cid, "n")
    store.delete(cid)
    assert store.get(cid) is None and store.notes(cid) == []
    with store.engine.connect() as db:
        assert db.execute(select(func.count()).select_from(note)).scalar() == 0


def test_typed_text_is_stored_as_given_never_interpreted(store):
    title = "'); DROP TABLE consultation; --"
    cid = store.save(title, {}, "1", "a")
    assert store.get(cid).title == title and len(store.consultations()) == 1


def test_the_database_path_comes_from_the_environment_or_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "x.sqlite3"))
    assert default_db_path() == tmp_path / "x.sqlite3"
    monkeypatch.delenv(ENV_VAR)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_db_path() == tmp_path / "data" / "nacm-ethics" / "consultations.sqlite3"


def test_the_database_is_private_and_deleting_erases_the_text(tmp_path):
    import stat

    from ui.storage import Store

    folder = tmp_path / "private" / "nacm"
    store = Store(folder / "consultations.sqlite3")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    secret = "Bruise seen at the Okonkwo-Whitfield home"
    kept = store.save("Another consultation", {"gift_offered": True}, "0.3.0", "x" * 64)
    gone = store.save(secret, {"suspected_abuse": True}, "0.3.0", "x" * 64)
    store.add_note(gone, "Zebra-striped note that must vanish")
    store.delete(gone)
    data = store.path.read_bytes()
    assert secret.encode() not in data and b"Zebra-striped" not in data
    assert [c.id for c in store.consultations()] == [kept]


def test_database_url_selects_postgresql_in_its_plain_form(monkeypatch, pg_url, tmp_path):
    monkeypatch.setenv("NACM_ETHICS_DB", str(tmp_path / "unused.sqlite3"))
    monkeypatch.setenv("DATABASE_URL", pg_url)
    assert pg_url.startswith("postgresql://") and "+" not in pg_url.split("://")[0]
    store = Store()
    assert store.backend == "postgresql" and store.path is None
    cid = store.save("On the shared server", {"gift_offered": True}, "1", "a")
    assert Store(pg_url).get(cid).title == "On the shared server"
    assert not (tmp_path / "unused.sqlite3").exists()
