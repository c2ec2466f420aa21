"""The Review page: saved consultations for a supervisor, dated notes, what if."""
from __future__ import annotations

from ui.storage import Store

from conftest import shown_actions, unescape

FACTS = {"suspected_abuse": True, "victim_group": "child"}


def open_review(app, db_path, advisor, title="Bruise at a home visit", sha=None):
    store = Store(db_path)
    consultation_id = store.save(title, FACTS, advisor.version, sha or advisor.sha256)
    app.switch_page("views/review.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return store, consultation_id


def test_with_nothing_saved_the_page_says_how_to_save(app):
    app.switch_page("views/review.py").run()
    assert any("No consultation has been saved yet" in i.value for i in app.info)


def test_a_saved_consultation_shows_its_report_derived_again(app, db_path, advisor):
    open_review(app, db_path, advisor)
    report = advisor.evaluate(FACTS)
    assert shown_actions(app) == [(a.urgency.upper(), a.label) for a in report.actions]
    assert any(unescape(s.value) == "Bruise at a home visit" for s in app.subheader)
    assert not any("rules have changed" in w.value for w in app.warning)


def test_a_consultation_saved_under_other_rules_says_so(app, db_path, advisor):
    open_review(app, db_path, advisor, sha="0" * 64)
    assert any("rules have changed since this was saved" in w.value for w in app.warning)


def test_a_supervisor_adds_dated_notes(app, db_path, advisor):
    store, consultation_id = open_review(app, db_path, advisor)
    key = f"review.note.{consultation_id}"
    app.text_area(key=key).input("Discussed in supervision: report made the same day.").run()
    app.button(key="review.add_note").click().run()
    [note] = store.notes(consultation_id)
    assert note.text == "Discussed in supervision: report made the same day."
    assert note.created_at[:4].isdigit()
    assert any(unescape(m.value) == note.text for m in app.markdown)
    assert app.text_area(key=key).value == ""


def test_a_note_that_looks_identifying_is_warned_about(app, db_path, advisor):
    _, consultation_id = open_review(app, db_path, advisor)
    app.text_area(key=f"review.note.{consultation_id}").input("Call her at 555-201-3344").run()
    assert any("a phone number" in w.value for w in app.warning)


def test_typed_text_is_shown_as_text_never_as_markup(app, db_path, advisor):
    title = "**bold** :red[alarm] <b>x</b> $x$"
    store, consultation_id = open_review(app, db_path, advisor, title=title)
    assert any(unescape(s.value) == title and s.value != title for s in app.subheader)
    store.add_note(consultation_id, "[link](javascript:alert(1)) # heading")
    app.run()
    note = next(m.value for m in app.markdown if "javascript" in m.value)
    assert "\\[link\\]" in note and "\\(javascript\\:alert\\(1\\)\\)" in note and "\\#" in note


def test_what_if_opens_from_a_saved_consultation(app, db_path, advisor):
    _, consultation_id = open_review(app, db_path, advisor)
    app.button(key="review.whatif").click().run()
    assert [t.value for t in app.title] == ["What if?"]
    assert app.session_state["whatif.base"]["facts"] == FACTS
    assert f"saved consultation #{consultation_id}" in app.session_state["whatif.base"]["origin"]
    assert app.radio(key="whatif.fact.victim_group").value == "child"


def test_a_consultation_can_be_deleted_with_its_notes(app, db_path, advisor):
    store, consultation_id = open_review(app, db_path, advisor)
    store.add_note(consultation_id, "a note")
    app.run()
    assert app.button(key="review.delete").disabled
    app.checkbox(key=f"review.sure.{consultation_id}").check().run()
    app.button(key="review.delete").click().run()
    assert store.consultations() == [] and store.notes(consultation_id) == []
    assert any("No consultation has been saved yet" in i.value for i in app.info)
    assert any(f"#{consultation_id} and its notes were deleted for good" in s.value for s in app.success)


def test_every_saved_consultation_is_listed_for_the_supervisor(app, db_path, advisor):
    store = Store(db_path)
    store.save("Gift | with a pipe", {"gift_offered": True}, advisor.version, "1" * 64)
    open_review(app, db_path, advisor)
    table = next(m.value for m in app.expander[0].markdown)
    assert "Gift \\| with a pipe" in table and "Bruise at a home visit" in table
    assert "(changed since)" in table and table.count("\n|") == 3  # a header rule and two rows
    assert app.selectbox(key="review.pick").options[0].startswith("#2 ")
