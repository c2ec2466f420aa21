"""The supervision record in the store: who saved it, status, decision and outcome, an attributed
notes thread editable by its authors, and finding records by status, author, date and text."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from ui.storage import Query, Store
from ui.storage.tables import consultation


@pytest.fixture()
def store(store_url):
    store = Store(store_url)
    yield store
    store.close()


def saved_on(store: Store, title: str, day: date, author: str = "Case manager") -> int:
    cid = store.save(title, {"gift_offered": True}, "0.3.0", "f" * 64, author=author)
    with store.engine.begin() as db:
        db.execute(update(consultation).where(consultation.c.id == cid).values(
            created_at=datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=timezone.utc).isoformat()))
    return cid


def test_a_saved_consultation_keeps_who_saved_it_and_the_report_given_then(store):
    report = {"ruleset": {"version": "0.3.0", "sha256": "f" * 64}, "facts": {"gift_offered": True}}
    cid = store.save("Gift", {"gift_offered": True}, "0.3.0", "f" * 64, author="  J.  Rivera ", report=report,
                     note_text="Please look at this with me")
    got = store.get(cid)
    assert (got.author, got.status, got.decision, got.outcome, got.updated_at) == ("J. Rivera", "new", "", "", None)
    assert got.saved_report == report
    [first] = store.notes(cid)
    assert (first.text, first.author) == ("Please look at this with me", "J. Rivera")


def test_status_decision_and_outcome_are_recorded_with_who_and_when(store):
    cid = store.save("Gift", {}, "0.3.0", "f" * 64, author="case manager")
    store.update_record(cid, "Supervisor", status="discussed", decision="Decline the gift kindly.")
    store.update_record(cid, "Supervisor", status="closed", outcome="Declined; the family understood.")
    got = store.get(cid)
    assert (got.status, got.decision, got.outcome, got.updated_by) == (
        "closed", "Decline the gift kindly.", "Declined; the family understood.", "Supervisor")
    assert got.updated_at[:4].isdigit()
    with pytest.raises(ValueError, match="status"):
        store.update_record(cid, "Supervisor", status="archived")
    with pytest.raises(ValueError, match="name or a role"):
        store.update_record(cid, "  ", status="new")
    with pytest.raises(KeyError):
        store.update_record(cid + 99, "Supervisor", status="new")


def test_a_note_is_edited_only_by_its_author_and_the_edit_is_shown(store):
    cid = store.save("Gift", {}, "0.3.0", "f" * 64)
    nid = store.add_note(cid, "Talked it through.", author="Supervisor")
    with pytest.raises(PermissionError):
        store.edit_note(nid, "Someone else's words", author="Case manager")
    store.edit_note(nid, "Talked it through; agreed to decline.", author="  supervisor ")
    [edited] = store.notes(cid)
    assert (edited.text, edited.previous_text, edited.author) == (
        "Talked it through; agreed to decline.", "Talked it through.", "Supervisor")
    assert edited.edited_at and edited.edited_at >= edited.created_at
    with pytest.raises(PermissionError):
        store.delete_note(nid, author="Case manager")
    store.delete_note(nid, author="Supervisor")
    assert store.notes(cid) == []
    with pytest.raises(KeyError):
        store.delete_note(nid, author="Supervisor")


def test_a_note_without_an_author_can_be_changed_by_no_one(store):
    cid = store.save("Gift", {}, "0.3.0", "f" * 64)
    nid = store.add_note(cid, "From before notes were signed")
    with pytest.raises(PermissionError):
        store.edit_note(nid, "changed", author="")
    with pytest.raises(PermissionError):
        store.delete_note(nid, author="Supervisor")


def test_records_are_found_by_status_author_date_and_text(store):
    a = saved_on(store, "Gift from a family", date(2025, 3, 1), author="J. Rivera")
    b = saved_on(store, "Colleague smelled of alcohol", date(2025, 3, 15), author="Case manager")
    c = saved_on(store, "Gift card at 50% off", date(2025, 4, 2), author="j. rivera")
    store.update_record(b, "Supervisor", status="discussed", decision="Speak to the colleague today")
    store.update_record(c, "Supervisor", status="closed")

    def ids(**kw):
        return [x.id for x in store.consultations(Query(**kw))]

    assert ids() == [c, b, a]
    assert ids(status="new") == [a] and ids(status="closed") == [c]
    assert ids(author="J. RIVERA") == [c, a]
    assert ids(since=date(2025, 3, 15)) == [c, b] and ids(until=date(2025, 3, 15)) == [b, a]
    assert ids(since=date(2025, 3, 2), until=date(2025, 4, 1)) == [b]
    assert ids(text="gift") == [c, a] and ids(text="ALCOHOL TODAY") == [] and ids(text="COLLEAGUE TODAY") == [b] and ids(text="today") == [b]
    assert ids(text="50%") == [c] and ids(text="%") == [c] and ids(text="_") == []  # typed literally
    assert ids(status="new", author="j. rivera", text="family") == [a]
    assert store.authors() == ["Case manager", "J. Rivera"]  # one entry per person, however typed


def test_deleting_a_consultation_deletes_its_whole_record(store):
    cid = store.save("Gift", {}, "0.3.0", "f" * 64, author="Case manager", note_text="first")
    store.add_note(cid, "second", author="Supervisor")
    store.update_record(cid, "Supervisor", decision="decline")
    store.delete(cid)
    assert store.get(cid) is None and store.notes(cid) == [] and store.consultations() == []


def test_records_older_than_the_day_limit_use_the_time_they_were_saved(store):
    old = saved_on(store, "Old", date.today() - timedelta(days=10))
    store.update_record(old, "Supervisor", status="discussed")  # a later change does not make it newer
    assert store.purge_older_than(5) == 1


def test_feedback_on_each_action_is_kept_once_and_withdrawn_on_request(store):
    cid = store.save("Gift", {}, "0.3.0", "f" * 64)
    store.set_feedback(cid, "decline_gift", "planned", "Case manager", rules=("gifts.substantial",))
    store.set_feedback(cid, "decline_gift", "done", "Case manager", rules=("gifts.substantial",))
    store.set_feedback(cid, "document", "not_applicable", "Supervisor", reason="Recorded in the case file already",
                       rules=("gifts.token", "gifts.substantial"))
    got = {f.action_id: f for f in store.feedback(cid)}
    assert (got["decline_gift"].judgement, got["decline_gift"].rules) == ("done", ("gifts.substantial",))
    assert (got["document"].judgement, got["document"].reason, got["document"].author) == (
        "not_applicable", "Recorded in the case file already", "Supervisor")
    assert got["document"].rules == ("gifts.substantial", "gifts.token")
    store.set_feedback(cid, "decline_gift", None, "Case manager")
    assert [f.action_id for f in store.feedback(cid)] == ["document"]


def test_not_applicable_needs_a_reason_and_judgements_are_checked(store):
    cid = store.save("Gift", {}, "0.3.0", "f" * 64)
    with pytest.raises(ValueError, match="why"):
        store.set_feedback(cid, "document", "not_applicable", "Supervisor", reason="  ")
    with pytest.raises(ValueError, match="judgement"):
        store.set_feedback(cid, "document", "maybe", "Supervisor")
    with pytest.raises(ValueError, match="name or a role"):
        store.set_feedback(cid, "document", "done", "")
    with pytest.raises(KeyError):
        store.set_feedback(cid + 5, "document", "done", "Supervisor")
    assert store.feedback() == []


def test_deleting_a_consultation_deletes_its_feedback(store):
    cid = store.save("Gift", {}, "0.3.0", "f" * 64)
    store.set_feedback(cid, "document", "not_applicable", "Supervisor", reason="no need")
    store.delete(cid)
    assert store.feedback() == []
