"""Class sessions in the store, on SQLite and PostgreSQL: codes, nicknames, answers, the trainer's
key or ownership, closing and expiry."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from ui.storage import EVERYONE, Store, Viewer
from ui.storage.store import CODE_ALPHABET, CODE_LENGTH, clean_code

TRAINER = Viewer("tanya", "trainer")
OTHER_TRAINER = Viewer("omar", "trainer")


@pytest.fixture()
def store(store_url):
    store = Store(store_url)
    yield store
    store.close()


def test_a_session_has_a_short_code_and_its_trainer_key_opens_it_and_nothing_else(store):
    session, key = store.open_class("Monday group", ["abuse-child-unexplained-bruises", "gift"], hours=2)
    assert len(session.code) == CODE_LENGTH and set(session.code) <= set(CODE_ALPHABET)
    assert session.scenario_ids == ("abuse-child-unexplained-bruises", "gift") and session.step == 0
    assert session.is_open() and session.state == "open"
    assert store.find_class(session.code.lower()).id == session.id  # typed in lower case, with spaces
    assert store.find_class(" ".join(session.code)).id == session.id
    assert store.trainer_class(session.code, EVERYONE, key).id == session.id
    assert store.trainer_class(session.code, EVERYONE, "") is None
    assert store.trainer_class(session.code, EVERYONE, key + "x") is None
    with pytest.raises(KeyError):
        store.class_answers(session.code, EVERYONE, "wrong")
    with pytest.raises(KeyError):
        store.reveal_class(session.code, 0, EVERYONE, "wrong")


def test_trainees_join_with_nicknames_answer_and_see_only_their_own(store):
    session, key = store.open_class("Class", ["s1"], hours=1)
    kim = store.join_class(session.code, "  Kim ")
    lee = store.join_class(session.code, "Lee")
    assert kim.nickname == "Kim" and kim.token and kim.token != lee.token
    with pytest.raises(ValueError, match="already has that nickname"):
        store.join_class(session.code, "kim")
    store.submit_class_answer(kim.token, 0, [19, 18], {"report_to_authorities": "immediate", "document": None})
    store.submit_class_answer(lee.token, 0, [7], {"maintain_boundary": "soon"})
    mine = store.own_answer(kim.token, 0)
    assert (mine.nickname, mine.commitments, dict(mine.actions)) == (
        "Kim", (18, 19), {"report_to_authorities": "immediate", "document": None})
    store.submit_class_answer(kim.token, 0, [19], {"report_to_authorities": "immediate"})  # a second answer replaces
    answers = store.class_answers(session.code, EVERYONE, key)
    assert [(a.nickname, a.commitments) for a in answers] == [("Lee", (7,)), ("Kim", (19,))]
    assert store.class_members(session.code, EVERYONE, key) == ["Kim", "Lee"]
    assert store.class_of(lee.token).id == session.id
    with pytest.raises(PermissionError):
        store.submit_class_answer("not a token", 0, [], {})


def test_an_answer_to_a_step_the_class_has_left_is_refused(store):
    session, key = store.open_class("Class", ["s1", "s2"], hours=1)
    kim = store.join_class(session.code, "Kim")
    store.set_class_step(session.code, 1, EVERYONE, key)
    with pytest.raises(ValueError, match="moved on"):
        store.submit_class_answer(kim.token, 0, [1], {})
    store.submit_class_answer(kim.token, 1, [1], {})
    with pytest.raises(ValueError, match="scenarios 1 to 2"):
        store.set_class_step(session.code, 2, EVERYONE, key)
    revealed = store.reveal_class(session.code, 1, EVERYONE, key)
    assert revealed.revealed == (1,) and store.find_class(session.code).revealed == (1,)


def test_a_closed_session_takes_no_one_new_and_no_answer_but_its_trainer_still_reads_it(store):
    session, key = store.open_class("Class", ["s1"], hours=1)
    kim = store.join_class(session.code, "Kim")
    store.submit_class_answer(kim.token, 0, [19], {})
    closed = store.close_class(session.code, EVERYONE, key)
    assert closed.state == "closed" and not closed.is_open()
    with pytest.raises(ValueError, match="no longer open"):
        store.join_class(session.code, "Late")
    with pytest.raises(ValueError, match="closed"):
        store.submit_class_answer(kim.token, 0, [1], {})
    assert len(store.class_answers(session.code, EVERYONE, key)) == 1


def test_a_session_expires_and_is_deleted_a_month_after(store):
    long_ago = datetime.now(timezone.utc) - timedelta(days=40)
    old, old_key = store.open_class("Old", ["s1"], hours=3, now=long_ago)
    recent, _ = store.open_class("Expired yesterday", ["s1"], hours=1, now=datetime.now(timezone.utc) - timedelta(days=1))
    assert store.find_class(recent.code).state == "expired"
    with pytest.raises(ValueError, match="no longer open"):
        store.join_class(recent.code, "Kim")
    assert store.purge_expired_classes() == 1
    assert store.find_class(old.code) is None and store.find_class(recent.code) is not None


def test_signed_in_a_session_belongs_to_its_trainer_and_no_key_or_other_trainer_reaches_it(store):
    session, key = store.open_class("Tanya's class", ["s1"], hours=1, viewer=TRAINER)
    assert session.owner == "tanya"
    assert store.trainer_class(session.code, TRAINER).id == session.id
    assert store.trainer_class(session.code, OTHER_TRAINER) is None
    assert store.trainer_class(session.code, OTHER_TRAINER, key) is None  # the key is for installs without sign-in
    assert store.trainer_class(session.code, Viewer("kim", "case_manager")) is None
    assert [s.code for s in store.my_classes(TRAINER)] == [session.code] and store.my_classes(OTHER_TRAINER) == []
    for call in (lambda: store.class_answers(session.code, OTHER_TRAINER),
                 lambda: store.close_class(session.code, OTHER_TRAINER),
                 lambda: store.delete_class(session.code, OTHER_TRAINER)):
        with pytest.raises(KeyError):
            call()
    with pytest.raises(PermissionError, match="only a trainer"):
        store.open_class("Not mine to open", ["s1"], hours=1, viewer=Viewer("sam", "supervisor"))


def test_deleting_a_session_deletes_its_nicknames_and_answers(store):
    session, key = store.open_class("Class", ["s1"], hours=1)
    kim = store.join_class(session.code, "Kim")
    store.submit_class_answer(kim.token, 0, [19], {})
    store.delete_class(session.code, EVERYONE, key)
    assert store.find_class(session.code) is None and store.member(kim.token) is None


@pytest.mark.parametrize("bad", [{"commitments": [0], "actions": {}}, {"commitments": [], "actions": {"x": "later"}},
                                 {"commitments": [], "actions": {"": None}}])
def test_an_answer_no_form_could_send_is_refused(store, bad):
    session, _ = store.open_class("Class", ["s1"], hours=1)
    kim = store.join_class(session.code, "Kim")
    with pytest.raises(ValueError):
        store.submit_class_answer(kim.token, 0, bad["commitments"], bad["actions"])


@pytest.mark.parametrize("title, scenarios, hours, says", [
    ("x" * 81, ["s"], 1, "longer than"), ("t", [], 1, "at least one scenario"), ("t", list("abcdefghijk"), 1, "at most"),
    ("t", ["s"], 0, "1 to 24 hours"), ("t", ["s"], 25, "1 to 24 hours")])
def test_a_session_that_cannot_be_opened_says_why(store, title, scenarios, hours, says):
    with pytest.raises(ValueError, match=says):
        store.open_class(title, scenarios, hours=hours)


def test_codes_are_read_as_typed():
    assert clean_code(" ab-c 2x9 ") == "ABC2X9"
