"""Feedback on the advice: marked per action on the Review page, summarised per rule on the Advice
feedback page, downloadable as CSV."""
from __future__ import annotations

import csv
import io

from ui.feedback import by_rule, judgements_csv, rules_csv
from ui.storage import Feedback, Store

from conftest import unescape

FACTS = {"gift_offered": True, "gift_value": "substantial"}


def saved(db_path, advisor) -> tuple[Store, int]:
    store = Store(db_path)
    report = advisor.evaluate(FACTS)
    return store, store.save("Gift of real value", FACTS, advisor.version, advisor.sha256, author="Case manager",
                             report=report.to_dict())


def test_each_recommended_action_is_marked_planned_done_or_not_applicable_with_a_reason(app, db_path, advisor):
    store, cid = saved(db_path, advisor)
    report = advisor.evaluate(FACTS)
    first, second = report.actions[0], report.actions[1]
    app.switch_page("views/review.py").run()
    app.text_input(key="you.name").input("Supervisor").run()
    app.radio(key=f"review.fb.{cid}.{first.id}").set_value("done").run()
    app.radio(key=f"review.fb.{cid}.{second.id}").set_value("not_applicable").run()
    app.button(key="review.save_feedback").click().run()
    assert any("say why the action does not apply" in e.value for e in app.error)
    assert [f.action_id for f in store.feedback(cid)] == [first.id]  # the one with nothing missing is kept
    app.text_input(key=f"review.fbr.{cid}.{second.id}").input("Agency policy already covers it").run()
    app.button(key="review.save_feedback").click().run()
    assert not app.exception, [e.value for e in app.exception]
    got = {f.action_id: f for f in store.feedback(cid)}
    assert got[first.id].judgement == "done" and got[first.id].author == "Supervisor"
    assert got[second.id].judgement == "not_applicable"
    assert got[second.id].reason == "Agency policy already covers it"
    assert set(got[second.id].rules) == {b.rule for b in second.because}
    assert any("The feedback on consultation" in s.value for s in app.success)
    assert any(t.label == "Feedback on the advice (2)" for t in app.tabs)


def test_the_feedback_page_shows_per_rule_how_often_advice_did_not_apply_and_why(app, db_path, advisor):
    store, cid = saved(db_path, advisor)
    action = advisor.evaluate(FACTS).actions[0]
    rule = action.because[0].rule
    store.set_feedback(cid, action.id, "not_applicable", "Supervisor", reason="The family withdrew the offer",
                       rules=(rule,))
    app.switch_page("views/feedback.py").run()
    assert not app.exception, [e.value for e in app.exception]
    table = next(m.value for m in app.markdown if m.value.startswith("| rule |"))
    assert f"`{rule}`" in table and "| 1 | 1 (100%) |" in table
    why = next(e for e in app.expander if e.label.startswith(f"Why {rule}"))
    assert any("The family withdrew the offer" in unescape(m.value) for m in why.markdown)
    labels = [b.label for b in app.get("download_button")]
    assert labels == ["Download per rule (CSV)", "Download every judgement (CSV)"]


def test_with_no_feedback_the_page_says_where_to_give_it(app):
    app.switch_page("views/feedback.py").run()
    assert any("No feedback has been given yet" in i.value for i in app.info)


def test_the_csv_exports_are_well_formed_and_typed_text_is_never_a_formula(rulebase):
    items = [
        Feedback(1, "document", "not_applicable", "=HYPERLINK(\"x\")", ("gifts.token",), "Supervisor",
                 "2025-03-01T10:00:00+00:00"),
        Feedback(2, "document", "done", "", ("gifts.token", "gone.rule"), "Case manager", "2025-03-02T10:00:00+00:00"),
    ]
    summary = by_rule(items, rulebase)
    assert [(r.rule, r.judged, r.not_applicable) for r in summary] == [("gifts.token", 2, 1), ("gone.rule", 1, 0)]
    assert summary[1].title == "(no longer in the rules)"
    rows = list(csv.DictReader(io.StringIO(rules_csv(summary))))
    assert rows[0]["rule"] == "gifts.token" and rows[0]["share_not_applicable"] == "0.50"
    assert rows[0]["reasons"].endswith(': =HYPERLINK("x")')  # the cell starts with the action: no formula
    every = list(csv.DictReader(io.StringIO(judgements_csv(items, rulebase))))
    assert [r["judgement"] for r in every] == ["not_applicable", "done"]
    assert every[0]["reason"] == "'=HYPERLINK(\"x\")" and every[1]["rules"] == "gifts.token gone.rule"
    assert every[0]["action_label"] == rulebase.actions["document"].label
