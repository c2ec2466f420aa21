"""The Review page: the supervision record. Find, re-run against today's rules and see what changed,
status and decision, an attributed notes thread, exports, what if, delete."""
from __future__ import annotations

from datetime import date

import pytest

import engine
from tests.support import older_rules
from ui.exports import record_exports
from ui.storage import Store

from conftest import shown_actions, unescape

FACTS = {"suspected_abuse": True, "victim_group": "child"}


@pytest.fixture(scope="module")
def older_advisor(tmp_path_factory) -> engine.Advisor:
    """The real rule base plus one rule that today's rules no longer have."""
    return older_rules.older_advisor(tmp_path_factory.mktemp("older"))


def save(db_path, advisor, title="Bruise at a home visit", facts=FACTS, author="Case manager", sha=None,
         with_report=True) -> int:
    report = advisor.evaluate(facts)
    return Store(db_path).save(title, facts, advisor.version, sha or advisor.sha256, author=author,
                               report=report.to_dict() if with_report else None)


def open_review(app, db_path, advisor, title="Bruise at a home visit", sha=None, you="Supervisor", **kw):
    consultation_id = save(db_path, advisor, title=title, sha=sha, **kw)
    app.switch_page("views/review.py").run()
    assert not app.exception, [e.value for e in app.exception]
    if you:
        app.text_input(key="you.name").input(you).run()
    return Store(db_path), consultation_id


def tab(app, starts: str):
    return next(t for t in app.tabs if t.label.startswith(starts))


def test_with_nothing_saved_the_page_says_how_to_save(app):
    app.switch_page("views/review.py").run()
    assert any("No consultation has been saved yet" in i.value for i in app.info)


def test_a_saved_consultation_shows_its_report_derived_again_and_who_saved_it(app, db_path, advisor):
    open_review(app, db_path, advisor)
    report = advisor.evaluate(FACTS)
    assert shown_actions(app) == [(a.urgency.upper(), a.label) for a in report.actions]
    assert any(unescape(s.value) == "Bruise at a home visit" for s in app.header)
    assert any("saved by **Case manager**" in m.value and "New" in m.value for m in app.markdown)
    assert not any("rules have changed" in w.value for w in app.warning)
    assert any("have not changed since it was saved" in unescape(m.value) for m in tab(app, "What changed").markdown)


def test_re_run_against_changed_rules_shows_what_changed_since_it_was_saved(app, db_path, advisor, older_advisor):
    save(db_path, older_advisor)
    app.switch_page("views/review.py").run()
    assert any("rules have changed since this was saved" in w.value for w in app.warning)
    changed = tab(app, "What changed (!)")
    text = "\n".join(unescape(m.value) for m in changed.markdown)
    assert f"version {advisor.version}, {older_advisor.sha256[:12]} → {advisor.sha256[:12]}" in text
    assert "REMOVED] action ~~" + advisor.rulebase.actions["self_care"].label in text
    assert "REMOVED] commitment ~~26." in text
    assert shown_actions(app) == [(a.urgency.upper(), a.label) for a in advisor.evaluate(FACTS).actions]


def test_a_consultation_saved_before_reports_were_kept_says_what_it_cannot_show(app, db_path, advisor):
    open_review(app, db_path, advisor, sha="0" * 64, with_report=False)
    assert any("rules have changed since this was saved" in w.value for w in app.warning)
    assert any("saved before reports were kept" in unescape(m.value) for m in tab(app, "What changed").markdown)


def test_a_supervisor_adds_signed_dated_notes(app, db_path, advisor):
    store, consultation_id = open_review(app, db_path, advisor, you="")
    key = f"review.note.{consultation_id}"
    app.text_area(key=key).input("Discussed: report made the same day.").run()
    app.button(key="review.add_note").click().run()
    assert store.notes(consultation_id) == []
    assert any("give your name or role" in e.value for e in app.error)
    app.text_input(key="you.name").input("Supervisor").run()
    app.text_area(key=key).input("Discussed: report made the same day.").run()
    app.button(key="review.add_note").click().run()
    [note] = store.notes(consultation_id)
    assert (note.text, note.author) == ("Discussed: report made the same day.", "Supervisor")
    assert any(unescape(m.value) == note.text for m in app.markdown)
    assert any(unescape(c.value).startswith("Supervisor, 20") for c in app.caption)
    assert app.text_area(key=key).value == ""


def test_only_the_author_edits_or_deletes_a_note_and_the_edit_is_shown(app, db_path, advisor):
    store, consultation_id = open_review(app, db_path, advisor, you="Case manager")
    mine = store.add_note(consultation_id, "My first wording", author="Case manager")
    theirs = store.add_note(consultation_id, "The supervisor's note", author="Supervisor")
    app.run()
    with pytest.raises(KeyError):
        app.text_area(key=f"review.edit.{theirs}")
    app.text_area(key=f"review.edit.{mine}").input("My second wording").run()
    app.button(key=f"review.save_edit.{mine}").click().run()
    edited = next(n for n in store.notes(consultation_id) if n.id == mine)
    assert (edited.text, edited.previous_text) == ("My second wording", "My first wording")
    assert any("(edited " in unescape(c.value) for c in app.caption)
    assert any(e.label == "Before the edit" for e in app.expander)
    assert app.button(key=f"review.delete_note.{mine}").disabled
    app.checkbox(key=f"review.sure_note.{mine}").check().run()
    app.button(key=f"review.delete_note.{mine}").click().run()
    assert [n.id for n in store.notes(consultation_id)] == [theirs]
    assert any("Your note was deleted for good" in s.value for s in app.success)


def test_the_notes_tab_stays_open_after_a_note_is_added_edited_or_deleted(app, db_path, advisor):
    """Streamlit opens the first tab when a tab's label changes ("Notes (0)" -> "Notes (1)"): the
    page keeps the tab a person chose by name and gives it back under its new label."""
    store, consultation_id = open_review(app, db_path, advisor)
    app.session_state["review.tab"] = "Notes (0)"  # as a click on the tab leaves it
    app.run()
    app.text_area(key=f"review.note.{consultation_id}").input("Discussed today.").run()
    app.button(key="review.add_note").click().run()
    assert app.session_state["review.tab"] == "Notes (1)"
    [note] = store.notes(consultation_id)
    app.text_area(key=f"review.edit.{note.id}").input("Discussed today, report made.").run()
    app.button(key=f"review.save_edit.{note.id}").click().run()
    assert app.session_state["review.tab"] == "Notes (1)"
    app.checkbox(key=f"review.sure_note.{note.id}").check().run()
    app.button(key=f"review.delete_note.{note.id}").click().run()
    assert store.notes(consultation_id) == []
    assert app.session_state["review.tab"] == "Notes (0)"
    assert [t.label for t in app.tabs][3] == "Notes (0)"


def test_status_decision_and_outcome_are_recorded(app, db_path, advisor):
    store, consultation_id = open_review(app, db_path, advisor)
    app.radio(key=f"review.status.{consultation_id}").set_value("discussed").run()
    app.text_area(key=f"review.decision.{consultation_id}").input("Report made; supervisor informed.").run()
    app.text_area(key=f"review.outcome.{consultation_id}").input("Protective services opened a case.").run()
    app.button(key="review.save_record").click().run()
    got = store.get(consultation_id)
    assert (got.status, got.decision, got.outcome, got.updated_by) == (
        "discussed", "Report made; supervisor informed.", "Protective services opened a case.", "Supervisor")
    assert any("was saved" in s.value for s in app.success)
    assert any("Discussed" in m.value and "saved by" in m.value for m in app.markdown)


def test_records_are_found_by_status_author_topic_date_and_words(app, db_path, advisor):
    gift = save(db_path, advisor, title="Token gift", facts={"gift_offered": True}, author="J. Rivera")
    store, abuse = open_review(app, db_path, advisor)
    store.update_record(abuse, "Supervisor", status="closed", decision="Reported the same day")
    app.run()

    def listed() -> list[int]:
        return [int(option.split(" ")[0][1:]) for option in app.selectbox(key="review.pick").options]

    assert listed() == [abuse, gift]
    app.selectbox(key="review.find.status").set_value("closed").run()
    assert listed() == [abuse]
    app.selectbox(key="review.find.status").set_value("any").run()
    app.selectbox(key="review.find.author").set_value("J. Rivera").run()
    assert listed() == [gift]
    app.selectbox(key="review.find.author").set_value("any").run()
    app.selectbox(key="review.find.topic").set_value(advisor.rulebase.facts["gift_offered"].group).run()
    assert listed() == [gift]
    app.selectbox(key="review.find.topic").set_value("any").run()
    app.text_input(key="review.find.text").input("same day").run()
    assert listed() == [abuse]
    app.text_input(key="review.find.text").input("").run()
    app.date_input(key="review.find.since").set_value(date(2001, 1, 1)).run()
    app.date_input(key="review.find.until").set_value(date(2001, 1, 2)).run()
    assert any("No saved consultation matches" in i.value for i in app.info)


def test_every_saved_consultation_is_listed_for_the_supervisor(app, db_path, advisor):
    Store(db_path).save("Gift | with a pipe", {"gift_offered": True}, advisor.version, "1" * 64)
    open_review(app, db_path, advisor)
    table = next(m.value for m in app.markdown if m.value.startswith("| # |"))
    assert "Gift \\| with a pipe" in table and "Bruise at a home visit" in table
    assert "(rules changed since)" in table and table.count("\n|") == 3  # a header rule and two rows
    assert "Case manager" in table and "not given" in table
    assert app.selectbox(key="review.pick").options[0].startswith("#2 ")


def test_a_note_that_looks_identifying_is_warned_about(app, db_path, advisor):
    _, consultation_id = open_review(app, db_path, advisor)
    app.text_area(key=f"review.note.{consultation_id}").input("Call her at 555-201-3344").run()
    assert any("a phone number" in w.value for w in app.warning)


def test_typed_text_is_shown_as_text_never_as_markup(app, db_path, advisor):
    title = "**bold** :red[alarm] <b>x</b> $x$"
    store, consultation_id = open_review(app, db_path, advisor, title=title)
    assert any(unescape(s.value) == title and s.value != title for s in app.header)
    store.add_note(consultation_id, "[link](javascript:alert(1)) # heading", author="x")
    app.run()
    note = next(m.value for m in app.markdown if "javascript" in m.value and not m.value.startswith("|"))
    assert "\\[link\\]" in note and "\\(javascript\\:alert\\(1\\)\\)" in note and "\\#" in note


def test_what_if_opens_from_a_saved_consultation(app, db_path, advisor):
    _, consultation_id = open_review(app, db_path, advisor)
    app.button(key="review.whatif").click().run()
    assert [t.value for t in app.title] == ["What if?"]
    assert app.session_state["whatif.base"]["facts"] == FACTS
    assert f"saved consultation #{consultation_id}" in app.session_state["whatif.base"]["origin"]
    assert app.radio(key="whatif.fact.victim_group").value == "child"


def test_the_whole_record_exports_as_markdown_and_pdf(db_path, advisor, older_advisor):
    store = Store(db_path)
    consultation_id = save(db_path, older_advisor, title="Bruise *seen*")
    store.add_note(consultation_id, "First line\nSecond line", author="Supervisor")
    store.update_record(consultation_id, "Supervisor", status="closed", decision="Report made",
                        outcome="Case opened")
    record = store.get(consultation_id)
    report = advisor.evaluate(FACTS)
    pdf, markdown = record_exports(record, store.notes(consultation_id), report, advisor.rulebase)
    assert (pdf.label, markdown.label) == ("PDF", "Markdown")
    assert "Bruise" not in pdf.file_name and pdf.file_name.startswith(f"supervision-record-{consultation_id}-")
    text = markdown.make().decode("utf-8")
    for expected in (f"# Supervision record \\#{consultation_id}: Bruise \\*seen\\*", "## Supervision record",
                     "Saved by Case manager", "Status: Closed", "Report made", "Case opened",
                     "## What changed since it was saved",
                     "Removed action: " + advisor.rulebase.actions["self_care"].label,
                     "## Notes from supervision", "Supervisor, 20", "First line", "Second line",
                     advisor.rulebase.actions["report_to_authorities"].label):
        assert expected in text, expected
    data = pdf.make()
    assert data.startswith(b"%PDF-") and len(data) > 10_000


def test_the_record_downloads_are_offered(app, db_path, advisor):
    open_review(app, db_path, advisor)
    labels = [b.label for b in app.get("download_button")]
    assert "Download the record (PDF)" in labels and "Download the record (Markdown)" in labels


def test_a_consultation_can_be_deleted_with_its_notes(app, db_path, advisor):
    store, consultation_id = open_review(app, db_path, advisor)
    store.add_note(consultation_id, "a note", author="Supervisor")
    app.run()
    assert app.button(key="review.delete").disabled
    app.checkbox(key=f"review.sure.{consultation_id}").check().run()
    app.button(key="review.delete").click().run()
    assert store.consultations() == [] and store.notes(consultation_id) == []
    assert any("No consultation has been saved yet" in i.value for i in app.info)
    assert any(f"#{consultation_id} and its notes were deleted for good" in s.value for s in app.success)


def test_saved_on_consult_and_found_on_review_with_a_shared_postgresql_database(db_path, pg_url, monkeypatch,
                                                                              advisor, rulebase):
    from streamlit.testing.v1 import AppTest

    from conftest import APP, answer

    monkeypatch.setenv("DATABASE_URL", pg_url)
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    answer(app, rulebase, FACTS)
    app.button(key="consult.advise").click().run()
    app.text_input(key="consult.title").input("Bruise, on the shared server").run()
    app.text_input(key="you.name").input("Case manager").run()
    app.button(key="consult.save").click().run()
    assert any("Saved as consultation #1" in s.value for s in app.success)
    app.switch_page("views/review.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert any(unescape(s.value) == "Bruise, on the shared server" for s in app.header)
    assert [c.title for c in Store(pg_url).consultations()] == ["Bruise, on the shared server"]
    assert not db_path.exists()  # nothing went to the SQLite file


def test_a_web_address_typed_in_a_title_or_a_note_is_shown_as_text_not_a_link(app, db_path, advisor):
    title = "See www.example.org and https://example.org/x"
    store, consultation_id = open_review(app, db_path, advisor, title=title)
    store.add_note(consultation_id, "Mail someone@example.org or visit http://example.org", author="x")
    app.run()
    shown = [*[h.value for h in app.header], *[m.value for m in app.markdown]]
    for text in (t for t in shown if "example" in t):
        assert "\u2060" in text, text  # a word joiner in each address (engine.render.unlinked): no link
    assert any(unescape(h.value).replace("\u2060", "") == title for h in app.header)  # the same words
    note = next(m.value for m in app.markdown if m.value.startswith("Mail someone"))
    assert unescape(note).replace("\u2060", "") == "Mail someone@example.org or visit http://example.org"


def test_an_over_long_note_is_cut_to_the_limit_with_a_message_not_emptied(app, db_path, advisor):
    from ui.storage import NOTE_MAX

    store, consultation_id = open_review(app, db_path, advisor)
    key = f"review.note.{consultation_id}"
    app.text_area(key=key).input("a" * (NOTE_MAX + 500)).run()
    assert app.text_area(key=key).value == "a" * NOTE_MAX
    assert any(f"had {NOTE_MAX + 500:,} characters" in w.value and f"first {NOTE_MAX:,} are kept" in w.value
               for w in app.warning)
    app.button(key="review.add_note").click().run()
    [note] = store.notes(consultation_id)
    assert len(note.text) == NOTE_MAX
    assert not any("characters, more than" in w.value for w in app.warning)  # said once, where it happened
