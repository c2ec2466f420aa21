"""Durability: a writer killed with SIGKILL in the middle of a stream of saves loses nothing it
had confirmed, leaves no half-saved consultation, and the database opens and works afterwards."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from tests.support.save_stream import facts_of, note_of, title_of
from ui.storage import Store
from ui.storage.tables import consultation, note

ROOT = Path(__file__).resolve().parents[2]
READ_TIMEOUT_S = 120


def start_writer(url: str, pause_at: int = 0) -> subprocess.Popen:
    command = [sys.executable, "-m", "tests.support.save_stream", url]
    if pause_at:
        command += ["--pause-at", str(pause_at)]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def parse(line: str) -> tuple[int, int]:
    """A "saved ID N" line: (consultation id, n)."""
    word, consultation_id, n = line.split()
    assert word == "saved", line
    return int(consultation_id), int(n)


def read_line(writer: subprocess.Popen) -> str:
    line = writer.stdout.readline()
    if not line:
        pytest.fail("the writer ended early: " + writer.stderr.read())
    return line


def kill(writer: subprocess.Popen) -> dict[int, int]:
    """SIGKILL the writer; return the saves it confirmed (printed) before it died and we had not read."""
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    rest = dict(parse(line) for line in writer.stdout.read().splitlines())
    writer.stdout.close()
    writer.stderr.close()
    return rest


def check_intact(url: str, confirmed: dict[int, int], kills: int = 1) -> Store:
    """Every confirmed consultation exactly as saved, with its note; nothing half-saved; consistent."""
    store = Store(url)  # opening runs the migrations: a damaged database would fail here
    with store.engine.connect() as db:
        if store.backend == "sqlite":
            assert db.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert db.execute(text("PRAGMA foreign_key_check")).all() == []
        orphans = db.execute(select(func.count()).select_from(note).where(
            note.c.consultation_id.not_in(select(consultation.c.id)))).scalar()
        assert orphans == 0
    saved = {c.id: c for c in store.consultations()}
    missing = sorted(set(confirmed) - set(saved))
    assert not missing, f"confirmed consultations lost: {missing}"
    for consultation_id, n in confirmed.items():
        got = saved[consultation_id]
        assert (got.title, dict(got.facts)) == (title_of(n), facts_of(n))
        assert [x.text for x in store.notes(consultation_id)] == [note_of(n)]
    # Anything beyond the confirmed saves was committed whole or not at all: never without its note.
    assert all(c.note_count == 1 for c in saved.values())
    # At most one save per kill was committed in the instant before its line could be printed.
    assert len(saved) - len(confirmed) <= kills
    return store


@pytest.mark.slow
def test_a_writer_killed_mid_stream_loses_no_confirmed_consultation(store_url):
    Store(store_url).close()  # the schema made before the race starts
    confirmed: dict[int, int] = {}
    for kills in range(1, 4):
        writer = start_writer(store_url)
        try:
            confirmed.update([parse(read_line(writer))])  # its first save is committed: it is writing
            time.sleep(random.uniform(0.1, 0.5))  # then killed wherever it is in the stream
        finally:
            confirmed.update(kill(writer))  # every line printed before it died confirms a save
        check_intact(store_url, confirmed, kills).close()
    assert len(confirmed) > 3  # the kills came in the middle of a stream, not before it
    store = Store(store_url)
    assert store.save("After the crashes", {}, "0.3.0", "d" * 64) > max(confirmed)
    store.close()


@pytest.mark.slow
def test_a_writer_killed_inside_a_save_leaves_no_half_of_it(store_url):
    writer = start_writer(store_url, pause_at=25)
    confirmed: dict[int, int] = {}
    try:
        while not (line := read_line(writer)).startswith("inside"):
            confirmed.update([parse(line)])
        assert line.split() == ["inside", "25"]
    finally:
        confirmed.update(kill(writer))
    assert sorted(confirmed.values()) == list(range(1, 25))
    store = check_intact(store_url, confirmed)
    assert len(store.consultations()) == 24  # the 25th, killed half-way, is not there at all
    assert store.save("After the crash", {}, "0.3.0", "d" * 64) > max(confirmed)
    store.close()


@pytest.mark.slow
def test_two_app_processes_saving_at_once_lose_nothing(store_url):
    """A shared install: two processes write to one database at the same time, then both die."""
    Store(store_url).close()
    writers = [start_writer(store_url) for _ in range(2)]
    confirmed: dict[int, int] = {}
    try:
        for writer in writers:
            confirmed.update([parse(read_line(writer))])
        time.sleep(0.5)
    finally:
        for writer in writers:
            confirmed.update(kill(writer))
    assert len(confirmed) > 2
    check_intact(store_url, confirmed, kills=2).close()
