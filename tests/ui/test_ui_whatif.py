"""The What if page: change facts, see what is added, removed or changed in urgency, side by side."""
from __future__ import annotations

import pytest

import engine
from engine.model import URGENCIES
from ui import intake

from conftest import answer, unescape


def open_what_if(app, facts: dict):
    app.session_state["whatif.base"] = {"facts": facts, "origin": "a test", "token": 1}
    app.switch_page("views/whatif.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def page_text(app) -> str:
    return unescape("\n".join(m.value for m in app.markdown))


def column_text(app, heading: str) -> str:
    """The text of the innermost column under this subheading (Before, After)."""
    columns = [c for c in app.columns if any(h.value == heading for h in c.subheader)]
    column = min(columns, key=lambda c: len(list(c.markdown)))
    return unescape("\n".join(m.value for m in column.markdown))


def a_fact_whose_yes_is_urgent(advisor) -> str:
    for fact in advisor.rulebase.input_facts:
        if fact.type == "bool" and not fact.ask_if:
            if any(a.urgency == "immediate" for a in advisor.evaluate({fact.id: True}).actions):
                return fact.id
    pytest.fail("no single fact brings an immediate action: the what-if test has nothing to show")


def test_turning_a_fact_on_shows_what_is_added(app, advisor):
    fact_id = a_fact_whose_yes_is_urgent(advisor)
    open_what_if(app, {fact_id: False})
    assert app.radio(key=f"whatif.fact.{fact_id}").value == "No"
    app.radio(key=f"whatif.fact.{fact_id}").set_value("Yes").run()
    diff = engine.compare(advisor.evaluate({fact_id: False}), advisor.evaluate({fact_id: True}))
    assert diff.added_actions
    text = page_text(app)
    label = advisor.rulebase.facts[fact_id].label
    assert f"- {label}: no → yes" in text
    assert f"**Because {label}: no → yes.**" in text  # the one change is the cause of every difference
    for action_id in diff.added_actions:
        assert f"ADDED] action **“{advisor.rulebase.actions[action_id].label}”**" in text
    for number in diff.added_commitments:
        assert f"ADDED] commitment **{number}. " in text
    after_column = column_text(app, "After")
    assert after_column.count(":green-badge[ADDED]") == len(diff.added_actions) + len(diff.added_commitments)


def test_turning_a_fact_off_shows_what_is_removed(app, advisor):
    fact_id = a_fact_whose_yes_is_urgent(advisor)
    open_what_if(app, {fact_id: True})
    app.radio(key=f"whatif.fact.{fact_id}").set_value(intake.NOT_SURE).run()
    diff = engine.compare(advisor.evaluate({fact_id: True}), advisor.evaluate({}))
    text = page_text(app)
    for action_id in diff.removed_actions:
        assert f"REMOVED] action ~~“{advisor.rulebase.actions[action_id].label}”~~" in text
    before_column = column_text(app, "Before")
    assert before_column.count(":gray-badge[REMOVED]") == len(diff.removed_actions) + len(diff.removed_commitments)


def _urgency_raising_change(advisor):
    """Facts, and more facts that make one of their actions more urgent: the examples beside two
    rules that recommend the same action at different urgencies."""
    rb = advisor.rulebase
    for action_id, action in rb.actions.items():
        recommending = [(ref.urgency or action.urgency, rule) for rule in rb.rules for ref in rule.actions
                        if ref.id == action_id and rule.fires]
        for urgency, slower in recommending:
            for faster_urgency, faster in recommending:
                if faster_urgency == urgency:
                    continue
                base, more = dict(slower.fires[0]), dict(faster.fires[0])
                try:
                    before, after = advisor.evaluate(base), advisor.evaluate({**base, **more})
                except engine.InputError:
                    continue
                changes = engine.compare(before, after).urgency_changes
                if changes and all(URGENCIES.index(b) > URGENCIES.index(a) for _, b, a in changes):
                    return base, {k: v for k, v in more.items() if base.get(k) != v}
    # Contract facts: danger makes documenting a suspicion of abuse immediate.
    base, more = {"suspected_abuse": True}, {"imminent_danger": True}
    if engine.compare(advisor.evaluate(base), advisor.evaluate({**base, **more})).urgency_changes:
        return base, more
    pytest.skip("no answer raises an action's urgency in this rule base")


def test_a_change_of_urgency_is_shown_in_words(app, advisor, rulebase):
    base, more = _urgency_raising_change(advisor)
    open_what_if(app, base)
    for group in intake.areas_of(rulebase, more):
        if not app.checkbox(key=f"whatif.area.{group}").value:
            app.checkbox(key=f"whatif.area.{group}").check()
    answer(app, rulebase, more, prefix="whatif")
    diff = engine.compare(advisor.evaluate(base), advisor.evaluate({**base, **more}))
    text = page_text(app)
    for action_id, before, after in diff.urgency_changes:
        assert (f"MORE URGENT] action **“{rulebase.actions[action_id].label}”**: "
                f"{before.upper()} → {after.upper()}") in text
        assert f"WAS {before.upper()}]" in column_text(app, "After")


def test_no_change_says_so(app, advisor):
    open_what_if(app, {"suspected_abuse": True})
    assert any("No fact has been changed yet" in i.value for i in app.info)


def test_what_if_from_a_consultation_starts_from_its_answers(app, rulebase):
    facts = {"suspected_abuse": True, "victim_group": "child"}
    answer(app, rulebase, facts)
    app.button(key="consult.advise").click().run()
    app.button(key="consult.whatif").click().run()
    assert [t.value for t in app.title] == ["What if?"]
    assert app.radio(key="whatif.fact.suspected_abuse").value == "Yes"
    assert app.radio(key="whatif.fact.victim_group").value == "child"
    app.radio(key="whatif.fact.victim_group").set_value("other_adult").run()
    assert "- Who may be harmed: A child (under 18) → Another adult" in page_text(app)
    app.button(key="whatif.undo").click().run()
    assert app.radio(key="whatif.fact.victim_group").value == "child"


def test_without_a_starting_point_one_can_be_chosen(app):
    app.switch_page("views/whatif.py").run()
    assert app.selectbox(key="whatif.start").options
    app.selectbox(key="whatif.start").set_value("empty")
    app.button(key="whatif.use").click().run()
    assert not app.exception
    assert any("nothing known" in c.value for c in app.caption)


def group_text(app, starts: str) -> str:
    """The markdown block of the differences under one cause ("**Because …")."""
    return next(unescape(m.value) for m in app.markdown if unescape(m.value).startswith(starts))


def test_with_two_facts_changed_each_difference_is_put_down_to_the_change_that_causes_it(app, advisor, rulebase):
    base = {"suspected_abuse": True, "victim_group": "child"}
    more = {"victim_group": "other_adult", "imminent_danger": True}
    open_what_if(app, base)
    answer(app, rulebase, more, prefix="whatif")
    after = {**base, **more}
    diff = engine.compare(advisor.evaluate(base), advisor.evaluate(after))
    danger, victim = rulebase.facts["imminent_danger"], rulebase.facts["victim_group"]
    emergency, report = rulebase.actions["emergency_response"].label, rulebase.actions["report_to_authorities"].label
    assert "emergency_response" in diff.added_actions and "report_to_authorities" in diff.removed_actions
    by_danger = group_text(app, f"**Because {danger.label}: not sure → yes.**")
    by_victim = group_text(app, f"**Because {victim.label}: A child (under 18) → Another adult.**")
    assert f"ADDED] action **“{emergency}”**" in by_danger and report not in by_danger
    assert f"REMOVED] action ~~“{report}”~~" in by_victim and emergency not in by_victim
    assert "*Rule safety.imminent_danger (" in by_danger and "now asks for it, on Imminent danger: yes" in by_danger
    assert "asked for it before and no longer applies" in by_victim
    assert not any(m.value.startswith("**Because") and "_" in unescape(m.value).replace(". ", "")
                   .split("*Rule")[0] for m in app.markdown)  # labels, not fact or action ids


def test_a_what_if_from_a_saved_consultation_is_kept_as_one_of_its_notes(app, db_path, advisor, rulebase):
    from ui.storage import Store

    facts = {"suspected_abuse": True, "victim_group": "child"}
    store = Store(db_path)
    consultation_id = store.save("Bruise at a home visit", facts, advisor.version, advisor.sha256, author="Case manager",
                                 report=advisor.evaluate(facts).to_dict())
    app.switch_page("views/review.py").run()
    app.button(key="review.whatif").click().run()
    assert [t.value for t in app.title] == ["What if?"]
    app.switch_page("views/whatif.py").run()  # AppTest stays on the page it was sent to; the app moved on
    assert app.button(key="whatif.keep").disabled  # no change yet: nothing to keep
    app.radio(key="whatif.fact.victim_group").set_value("other_adult").run()
    assert app.button(key="whatif.keep").disabled  # no name yet
    app.text_input(key="you.name").input("Supervisor").run()
    app.button(key="whatif.keep").click().run()
    [note] = store.notes(consultation_id)
    assert note.author == "Supervisor"
    assert note.text.startswith(f"What if (from saved consultation #{consultation_id}): Who may be harmed: "
                                "A child (under 18) → Another adult.")
    assert "REMOVED: action “" + rulebase.actions["report_to_authorities"].label in note.text
    assert any(f"Kept as a note of consultation #{consultation_id}" in s.value for s in app.success)
    app.button(key="whatif.keep").click().run()
    assert len(store.notes(consultation_id)) == 1  # kept once
    assert any("already kept" in i.value for i in app.info)
    app.switch_page("views/review.py").run()
    assert any(unescape(m.value).startswith("What if (from saved consultation") for m in app.markdown)


def test_a_what_if_not_from_a_saved_consultation_offers_no_note(app):
    open_what_if(app, {"suspected_abuse": True})
    app.radio(key="whatif.fact.suspected_abuse").set_value("No").run()
    with pytest.raises(KeyError):
        app.button(key="whatif.keep")
