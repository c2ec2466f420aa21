"""The Consult page: a guided intake, then the report as cards, the same report the engine gives."""
from __future__ import annotations

import pytest

import engine
from engine.present import headline
from ui import intake, widgets
from ui.training import load_library

from conftest import answer, shown_actions, shown_commitments, unescape

_ADVISOR = engine.load()
_RB = _ADVISOR.rulebase


def _cases() -> list:
    """Our own fact sets (each fact type, "none of these", a follow-up), then library scenarios picked
    by what they are about, so that the set grows with the library."""
    cases = [
        ("own: suspected abuse of a child", {"suspected_abuse": True, "victim_group": "child"}),
        ("own: friendship in a small community",
         {"dual_relationship": True, "relationship_kind": ["friendship"], "small_community": True}),
        ("own: an outside relationship of none of these kinds", {"dual_relationship": True, "relationship_kind": []}),
        ("own: a token gift", {"gift_offered": True, "gift_value": "token"}),
    ]
    numbers = [f for f in _RB.input_facts if f.type == "int" and not f.ask_if]
    if numbers:
        fact = numbers[0]
        cases.append((f"own: a number ({fact.id})", {fact.id: max(fact.minimum or 0, min(fact.maximum or 30, 30))}))
    picks = [
        ("suspected abuse", lambda s: s.facts.values.get("suspected_abuse") is True),
        ("dual relationship", lambda s: s.facts.values.get("dual_relationship") is True),
        ("a control scenario", lambda s: s.control),
        ("confidentiality", lambda s: s.topic == "confidentiality"),
        ("colleagues", lambda s: s.topic == "colleague_impairment"),
        ("a list fact", lambda s: any(_RB.facts[f].type == "list" for f in s.facts.values)),
    ]
    scenarios = load_library(_ADVISOR).scenarios
    for name, wanted in picks:
        scenario = next((s for s in scenarios if wanted(s)), None)
        if scenario is not None:
            cases.append((f"scenario {scenario.id} ({name})", dict(scenario.facts.values)))
    return cases


CASES = _cases()


@pytest.mark.parametrize("facts", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_the_consultation_gives_the_engines_report_as_cards(app, rulebase, advisor, facts):
    answer(app, rulebase, facts)
    assert app.session_state["consult.facts"] == advisor.check(facts).values
    app.button(key="consult.advise").click().run()
    report = advisor.evaluate(facts)
    assert shown_actions(app) == [(a.urgency.upper(), a.label) for a in report.actions]
    assert shown_commitments(app) == list(report.commitment_numbers)
    assert any(unescape(e.value).strip("*") == headline(report) for e in [*app.error, *app.info])
    banners = [*app.error, *app.info]
    assert unescape(banners[0].value).strip("*") == widgets.EMERGENCY_LINE  # first on the page, always
    glance = next(b for b in banners if "(#decide)" in b.value)  # near the top: what comes first
    assert headline(report) in unescape(glance.value)
    assert any(unescape(w.value) == report.disclaimer for w in app.warning)
    for commitment in report.commitments:  # the Code's own words, quoted
        assert any(unescape(m.value) == f"> “{commitment.text}”" for m in app.markdown)


def test_the_immediate_action_comes_first_and_says_so_in_words(app, rulebase):
    answer(app, rulebase, {"suspected_abuse": True, "victim_group": "child"})
    app.button(key="consult.advise").click().run()
    actions = shown_actions(app)
    assert actions[0] == ("IMMEDIATE", rulebase.actions["report_to_authorities"].label)
    assert "Critical: IMMEDIATE" in next(m.value for m in app.markdown if "report_to_authorities" not in m.value
                                         and rulebase.actions["report_to_authorities"].label in unescape(m.value))
    assert [u for u, _ in actions] == sorted((u for u, _ in actions), key=["IMMEDIATE", "SOON", "ROUTINE"].index)


def test_every_card_opens_its_why_with_rules_and_facts(app, rulebase, advisor):
    answer(app, rulebase, {"suspected_abuse": True, "victim_group": "child"})
    app.button(key="consult.advise").click().run()
    report = advisor.evaluate({"suspected_abuse": True, "victim_group": "child"})
    whys = [e for e in app.expander if e.label == "Why?"]
    assert len(whys) == len(report.actions) + len(report.commitments) + len(report.tensions)
    text = "\n".join(m.value for e in whys for m in e.markdown)
    for rule_id in report.fired_rules:  # each rule named, or named as what concluded a fact used
        assert f"`{rule_id}`" in text or f"by rule {rule_id}" in unescape(text), rule_id
    assert "Suspected abuse or neglect: yes" in unescape(text)


def test_not_sure_is_not_no(app, rulebase):
    answer(app, rulebase, {"suspected_abuse": False})
    assert app.session_state["consult.facts"] == {"suspected_abuse": False}
    app.radio(key="consult.fact.suspected_abuse").set_value(intake.NOT_SURE).run()
    assert app.session_state["consult.facts"] == {}


def test_follow_up_questions_appear_only_when_they_matter(app, rulebase):
    app.checkbox(key="consult.area.safety").check().run()
    keys = {r.key for r in app.radio}
    assert "consult.fact.suspected_abuse" in keys and "consult.fact.victim_group" not in keys
    app.radio(key="consult.fact.suspected_abuse").set_value("Yes").run()
    app.radio(key="consult.fact.victim_group").set_value("child").run()
    assert app.session_state["consult.facts"]["victim_group"] == "child"
    app.radio(key="consult.fact.suspected_abuse").set_value("No").run()
    assert "consult.fact.victim_group" not in {r.key for r in app.radio}
    assert app.session_state["consult.facts"] == {"suspected_abuse": False}


def test_only_the_chosen_areas_are_asked(app, rulebase):
    app.checkbox(key="consult.area.relationships").check().run()
    asked = {k.split(".")[-1] for k in [*(r.key for r in app.radio), *(m.key for m in app.multiselect),
                                        *(n.key for n in app.number_input)]}
    assert asked == {f.id for f in intake.top_level(rulebase, "relationships")}


def test_the_disclaimer_is_visible_before_and_with_the_advice(app, rulebase):
    assert any(unescape(w.value) == engine.DISCLAIMER for w in app.warning)
    assert any(unescape(c.value) == engine.DISCLAIMER for c in app.sidebar.caption)
    answer(app, rulebase, {"gift_offered": True})
    app.button(key="consult.advise").click().run()
    assert any(unescape(w.value) == engine.DISCLAIMER for w in app.warning)


def test_answers_survive_a_visit_to_another_page(app, rulebase):
    answer(app, rulebase, {"suspected_abuse": True, "victim_group": "child"})
    app.switch_page("views/about.py").run()
    app.switch_page("views/consult.py").run()
    assert app.radio(key="consult.fact.victim_group").value == "child"
    assert app.session_state["consult.facts"] == {"suspected_abuse": True, "victim_group": "child"}


def test_a_title_that_looks_identifying_is_warned_about(app, rulebase):
    answer(app, rulebase, {"gift_offered": True})
    app.button(key="consult.advise").click().run()
    app.text_input(key="consult.title").input("Gift from Mrs. Jones, DOB 01/02/1950").run()
    warning = next(unescape(w.value) for w in app.warning if "may identify" in w.value)
    assert "a name with a title" in warning and "date of birth" in warning
    app.text_input(key="consult.title").input("Token gift at a home visit").run()
    assert not any("may identify" in w.value for w in app.warning)


def test_saving_needs_a_title_and_a_name_and_keeps_the_whole_record(app, rulebase, advisor, db_path):
    from ui.storage import Store

    facts = {"suspected_abuse": True, "victim_group": "child"}
    answer(app, rulebase, facts)
    app.button(key="consult.advise").click().run()
    assert app.button(key="consult.save").disabled
    app.text_input(key="consult.title").input("Bruise seen at a home visit").run()
    assert app.button(key="consult.save").disabled  # who is saving it, too
    app.text_input(key="you.name").input("  Case   manager ").run()
    app.text_area(key="consult.first_note").input("Reported at once; what else should I do?").run()
    app.button(key="consult.save").click().run()
    assert any("Saved as consultation #1" in s.value for s in app.success)
    [saved] = Store(db_path).consultations()
    assert (saved.title, dict(saved.facts), saved.author, saved.status) == (
        "Bruise seen at a home visit", facts, "Case manager", "new")
    assert (saved.rules_version, saved.rules_sha256) == (advisor.version, advisor.sha256)
    assert saved.saved_report == advisor.evaluate(facts).to_dict()
    [note] = Store(db_path).notes(saved.id)
    assert (note.text, note.author) == ("Reported at once; what else should I do?", "Case manager")


def test_saving_twice_keeps_one_consultation(app, rulebase, db_path):
    from ui.storage import Store

    answer(app, rulebase, {"gift_offered": True})
    app.button(key="consult.advise").click().run()
    app.text_input(key="consult.title").input("Token gift at a home visit").run()
    app.text_input(key="you.name").input("Case manager").run()
    app.button(key="consult.save").click().run()
    app.button(key="consult.save").click().run()
    assert len(Store(db_path).consultations()) == 1
    assert any("Already saved as consultation #1" in i.value for i in app.info)


def test_a_new_consultation_starts_from_nothing(app, rulebase):
    answer(app, rulebase, {"suspected_abuse": True})
    app.button(key="consult.advise").click().run()
    app.button(key="consult.reset").click().run()
    assert app.session_state["consult.facts"] == {}
    assert not app.checkbox(key="consult.area.safety").value


def test_widget_labels_read_aloud_as_they_show(app, rulebase):
    """Streamlit gives a label's raw string to screen readers: no **, backslash escapes or arrows."""
    for group in rulebase.groups:
        app.checkbox(key=f"consult.area.{group.id}").check()
    app.run()
    labels = [w.label for kind in ("checkbox", "radio", "multiselect", "number_input", "text_input", "text_area")
              for w in getattr(app, kind)]
    assert len(labels) > 40
    assert not [text for text in labels if "**" in text or "\\" in text or "↳" in text]
    group = rulebase.groups[0]
    assert app.checkbox(key=f"consult.area.{group.id}").label == f"{group.title}: {group.question}"


def test_the_headings_of_the_consultation_skip_no_level(app, rulebase, advisor):
    import re

    answer(app, rulebase, {"suspected_abuse": True, "victim_group": "child", "imminent_danger": True})
    app.button(key="consult.advise").click().run()
    def walk(node):
        """Every heading's level, in page order: titles, headers, subheaders and Markdown headings."""
        for child in getattr(node, "children", {}).values():
            kind = getattr(child, "type", "")
            if kind == "title":
                levels.append(1)
            elif kind == "header":
                levels.append(2)
            elif kind == "subheader":
                levels.append(3)
            elif kind == "markdown":
                m = re.match(r"(#{1,6}) ", child.value)
                if m:
                    levels.append(len(m.group(1)))
            walk(child)
    levels = []
    walk(app.main)
    assert len(levels) > 8 and 3 in levels  # the steps and the report's sections are there
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels


def test_see_the_advice_moves_the_focus_to_it_and_announces_it_once(app, rulebase, advisor):
    facts = {"suspected_abuse": True, "victim_group": "child"}
    answer(app, rulebase, facts)
    app.button(key="consult.advise").click().run()
    scripts = [h.proto.body for h in app.get("html") if "nacm-live" in h.proto.body]
    assert len(scripts) == 1
    assert '"anchor": "decide"' in scripts[0]
    assert f"The advice is ready. {headline(advisor.evaluate(facts))}" in scripts[0]
    app.run()  # the next change of an answer: the focus stays where the person is
    assert not [h for h in app.get("html") if "nacm-live" in h.proto.body]


def test_an_over_long_title_is_cut_with_a_message(app, rulebase):
    from ui.storage import TITLE_MAX

    answer(app, rulebase, {"gift_offered": True})
    app.button(key="consult.advise").click().run()
    app.text_input(key="consult.title").input("t" * (TITLE_MAX + 5)).run()
    assert app.text_input(key="consult.title").value == "t" * TITLE_MAX
    assert any(f"had {TITLE_MAX + 5:,} characters" in w.value for w in app.warning)
