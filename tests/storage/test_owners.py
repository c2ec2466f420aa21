"""Where people sign in, the store's own queries keep each person to their records: a case manager
reaches what they saved, a supervisor what was shared with them, and an id that is someone
else's is answered as missing, whichever call it is given to. SQLite and PostgreSQL."""
from __future__ import annotations

import pytest

from ui.storage import EVERYONE, Store, Viewer

ANA = Viewer("ana", "case_manager")
BEN = Viewer("ben", "case_manager")
SUE = Viewer("sue", "supervisor")
SAM = Viewer("sam", "supervisor")
TIA = Viewer("tia", "trainer")


@pytest.fixture()
def store(store_url):
    store = Store(store_url, signed_in=True)
    yield store
    store.close()


def save(store, viewer, title, shared_with=()):
    return store.save(title, {"gift_offered": True}, "1", "a" * 64, author=viewer.user, viewer=viewer,
                      shared_with=shared_with, note_text="first note")


def test_each_person_lists_only_their_own_and_what_was_shared_with_them(store):
    anas = save(store, ANA, "Ana's gift", shared_with=["sue"])
    anas_private = save(store, ANA, "Ana's private one")
    bens = save(store, BEN, "Ben's gift", shared_with=["sam"])
    assert [c.id for c in store.consultations(viewer=ANA)] == [anas_private, anas]
    assert [c.id for c in store.consultations(viewer=BEN)] == [bens]
    assert [c.id for c in store.consultations(viewer=SUE)] == [anas]
    assert [c.id for c in store.consultations(viewer=SAM)] == [bens]
    assert store.consultations(viewer=TIA) == []
    assert store.authors(viewer=SUE) == ["ana"]
    assert store.get(anas, viewer=SUE).owner == "ana" and store.shared_with(anas, viewer=SUE) == ["sue"]


def test_an_id_that_is_someone_elses_is_answered_as_missing_by_every_call(store):
    anas = save(store, ANA, "Ana's gift", shared_with=["sue"])
    note_id = store.notes(anas, viewer=ANA)[0].id
    store.set_feedback(anas, "decline_gift", "done", "ana", viewer=ANA)
    assert store.get(anas, viewer=BEN) is None and store.get(anas, viewer=SAM) is None
    assert store.notes(anas, viewer=BEN) == [] and store.feedback(anas, viewer=BEN) == []
    assert store.feedback(viewer=BEN) == []
    for call in (
        lambda: store.add_note(anas, "I should not be here", author="ben", viewer=BEN),
        lambda: store.update_record(anas, "ben", status="closed", viewer=BEN),
        lambda: store.set_feedback(anas, "decline_gift", "not_applicable", "ben", reason="x", viewer=BEN),
        lambda: store.delete(anas, viewer=BEN),
        lambda: store.delete(anas, viewer=SUE),  # shared for review is not handed over: only Ana deletes it
        lambda: store.share(anas, ["ben"], viewer=BEN),
        lambda: store.share(anas, ["sam"], viewer=SUE),
        lambda: store.shared_with(anas, viewer=BEN),
        lambda: store.edit_note(note_id, "changed", author="ana", viewer=BEN),  # even signing as Ana
        lambda: store.delete_note(note_id, author="ana", viewer=BEN),
    ):
        with pytest.raises(KeyError):
            call()
    got = store.get(anas, viewer=ANA)
    assert (got.status, got.note_count) == ("new", 1)
    assert [n.text for n in store.notes(anas, viewer=ANA)] == ["first note"]


def test_a_supervisor_works_on_what_was_shared_with_them(store):
    anas = save(store, ANA, "Ana's gift", shared_with=["sue"])
    store.add_note(anas, "Talked it through.", author="Sue (sue)", viewer=SUE)
    store.update_record(anas, "Sue (sue)", status="discussed", decision="Decline kindly.", viewer=SUE)
    store.set_feedback(anas, "decline_gift", "done", "Sue (sue)", viewer=SUE)
    got = store.get(anas, viewer=ANA)
    assert (got.status, got.decision, got.note_count) == ("discussed", "Decline kindly.", 2)
    assert [f.judgement for f in store.feedback(anas, viewer=ANA)] == ["done"]


def test_sharing_is_set_by_the_owner_and_taking_it_back_takes_the_record_out_of_reach(store):
    anas = save(store, ANA, "Ana's gift")
    assert store.get(anas, viewer=SUE) is None
    store.share(anas, ["sue", "sam", "ana"], viewer=ANA)  # the owner is never listed as a share
    assert store.shared_with(anas, viewer=ANA) == ["sam", "sue"]
    assert store.get(anas, viewer=SAM) is not None
    store.share(anas, ["sue"], viewer=ANA)
    assert store.get(anas, viewer=SAM) is None and store.get(anas, viewer=SUE) is not None


def test_a_shared_install_answers_nobody_in_particular_with_nothing(store):
    save(store, ANA, "Ana's gift")
    for viewer in (EVERYONE, Viewer("", "")):
        with pytest.raises(PermissionError):
            store.consultations(viewer=viewer)
        with pytest.raises(PermissionError):
            store.get(1, viewer=viewer)
        with pytest.raises(PermissionError):
            store.save("t", {}, "1", "a", viewer=viewer)
        with pytest.raises(PermissionError):
            store.open_class("t", ["s"], hours=1, viewer=viewer)


def test_records_saved_before_sign_in_was_turned_on_reach_nobody(store_url):
    open_store = Store(store_url)
    old = open_store.save("Saved on the single-user install", {}, "1", "a")
    open_store.close()
    shared = Store(store_url, signed_in=True)
    assert shared.get(old, viewer=ANA) is None and shared.consultations(viewer=SUE) == []
    shared.close()


def test_a_trainer_learns_from_every_judgement_but_not_whose_or_on_what(store):
    anas = save(store, ANA, "Ana's gift", shared_with=["sue"])
    store.set_feedback(anas, "decline_gift", "not_applicable", "ana", reason="The agency allows tokens.", viewer=ANA)
    [seen] = store.feedback(viewer=TIA)
    assert (seen.consultation_id, seen.author, seen.reason) == (0, "", "The agency allows tokens.")
    assert store.feedback(anas, viewer=TIA) == []  # one consultation's feedback: only for who can see it


def test_the_single_user_install_shares_nothing_because_everything_is_open(store_url):
    open_store = Store(store_url)
    with pytest.raises(PermissionError, match="sign in"):
        open_store.save("t", {}, "1", "a", shared_with=["sue"])
    cid = open_store.save("t", {}, "1", "a")
    assert open_store.get(cid).owner == "" and open_store.get(cid, viewer=EVERYONE) is not None
    open_store.close()


def test_a_bound_store_makes_every_call_for_its_person(store):
    anas = save(store, ANA, "Ana's gift")
    as_ben = store.bound(BEN)
    assert as_ben.get(anas) is None and as_ben.consultations() == []
    with pytest.raises(KeyError):
        as_ben.add_note(anas, "no", author="ben")
    assert store.bound(ANA).get(anas).title == "Ana's gift"
