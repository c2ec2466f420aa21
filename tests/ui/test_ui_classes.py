"""Class sessions through the app (AppTest): a trainer opens a session, three trainees join from their
own sessions and answer, the trainer sees the answers, the misses and the chart, reveals the answer,
moves on and closes; and the class report."""
from __future__ import annotations

import csv
import io

import pytest
from streamlit.testing.v1 import AppTest

from ui import classroom
from ui.storage import EVERYONE, Store

from conftest import APP, unescape

SCENARIO = "abuse-child-unexplained-bruises"


def new_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    return at


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    return unescape("\n".join(m.value for m in at.markdown))


@pytest.fixture()
def scenario(library):
    found = library.get(SCENARIO)
    if found is None:
        pytest.skip(f"the library has no {SCENARIO}")
    return found.scenario


def open_session(trainer: AppTest, scenario_ids, title="Tuesday group") -> str:
    ok(trainer.switch_page("views/classes.py").run())
    trainer.text_input(key="classes.title").input(title)
    trainer.multiselect(key="classes.scenarios").set_value(list(scenario_ids)).run()
    ok(trainer.button(key="classes.open").click().run())
    return trainer.session_state["classes.code"]


def join(code: str, nickname: str) -> AppTest:
    trainee = new_app()
    ok(trainee.switch_page("views/join.py").run())
    trainee.text_input(key="join.code").input(code.lower())
    trainee.text_input(key="join.nickname").input(nickname)
    ok(trainee.button(key="FormSubmitter:join.form-Join").click().run())
    return trainee


def send(trainee: AppTest, code: str, commitments, actions: dict, step: int = 0) -> AppTest:
    prefix = f"join.{code}.{step}"
    trainee.multiselect(key=f"{prefix}.c").set_value(commitments)
    ok(trainee.multiselect(key=f"{prefix}.a").set_value(list(actions)).run())
    for action_id, urgency in actions.items():
        trainee.radio(key=f"{prefix}.u.{action_id}").set_value(urgency)
    return ok(trainee.button(key="join.send").click().run())


def test_a_class_of_three_answers_and_the_trainer_sees_each_answer_the_misses_and_the_chart(app, db_path, scenario, rulebase):
    code = open_session(app, [SCENARIO])
    assert any(f"Session {code} is open" in s.value for s in app.success)
    assert "(must be named)" in texts(app)  # the facilitator's view, for the trainer
    expected = dict(scenario.expected.actions)
    must = list(scenario.expected.must_commitments)
    first_action = next(iter(expected))
    kim = join(code, "Kim")
    lee = join(code, "Lee")
    ash = join(code, "Ash")
    assert f"You are **Kim**" in kim.markdown[0].value or any("You are **Kim**" in m.value for m in kim.markdown)
    assert "(must be named)" not in texts(kim)  # trainees never see the expected answer before the reveal

    send(kim, code, must, expected)  # everything, at the expected urgency
    send(lee, code, must, {first_action: "routine"})
    send(ash, code, [7], {"transfer_case": "soon"})
    assert any("Your answer is in" in s.value for s in kim.success)
    assert any(f"{len(must) + len(expected)} of {len(must) + len(expected)} expected" in m.value for m in kim.markdown)
    assert "is expected" not in texts(lee)  # the misses come with the reveal

    ok(app.run())
    page = texts(app)
    assert "3 of 3 trainee(s) have answered" in page
    assert "Most common misses" in page
    assert f"{rulebase.actions[first_action].label}: missed by 1 of 3" in page
    assert "| Kim |" in page and "| Ash |" in page
    charts = app.get("vega_lite_chart")
    assert len(charts) == 2  # commitments and actions

    ok(app.button(key="classes.reveal").click().run())
    ok(lee.run())
    assert "(must be named)" in texts(lee) and "Urgency:" in texts(lee)


def test_a_closed_session_takes_no_more_answers_and_a_late_trainee_is_told(app, db_path, scenario):
    code = open_session(app, [SCENARIO])
    kim = join(code, "Kim")
    ok(app.button(key="classes.close").click().run())
    ok(kim.run())
    assert any("no longer taken" in w.value for w in kim.warning)
    with pytest.raises(KeyError):
        kim.button(key="join.send")
    late = join(code, "Late")
    assert any("no longer open" in e.value for e in late.error)


def test_a_nickname_already_taken_and_a_wrong_code_are_said_plainly(app, db_path, scenario):
    code = open_session(app, [SCENARIO])
    join(code, "Kim")
    again = join(code, "KIM")
    assert any("already has that nickname" in e.value for e in again.error)
    wrong = join("ZZZZZZ", "Lee")
    assert any("No session has this code" in e.value for e in wrong.error)


def test_the_trainer_moves_the_class_to_the_next_scenario(app, db_path, library, scenario):
    other = next(s for s in library.scenarios if s.id != SCENARIO)
    code = open_session(app, [SCENARIO, other.id])
    kim = join(code, "Kim")
    assert any(scenario.title in unescape(s.value) for s in kim.subheader)
    ok(app.button(key="classes.next").click().run())
    ok(kim.run())
    assert any(f"2 of 2: {other.title}" in unescape(s.value) for s in kim.subheader)


def test_another_browser_needs_the_trainer_key_to_reach_a_session(app, db_path, scenario):
    code = open_session(app, [SCENARIO])
    key = app.session_state["classes.keys"][code]
    stranger = new_app()
    ok(stranger.switch_page("views/classes.py").run())
    stranger.text_input(key="classes.back_code").input(code)
    stranger.text_input(key="classes.back_key").input("guessed").run()
    ok(stranger.button(key="classes.back").click().run())
    assert any("No session of yours" in e.value for e in stranger.error)
    assert "have answered" not in texts(stranger)
    stranger.text_input(key="classes.back_key").input(key).run()
    ok(stranger.button(key="classes.back").click().run())
    assert "0 of 0 trainee(s) have answered" in texts(stranger)


def test_the_class_report_gives_each_trainee_and_what_the_class_missed(db_path, scenario, rulebase, library):
    store = Store(db_path)
    session, key = store.open_class("Report test", [SCENARIO], hours=1)
    expected = dict(scenario.expected.actions)
    for nickname, actions in (("Kim", expected), ("=cmd|' /C calc'!A0", {})):
        member = store.join_class(session.code, nickname)
        store.submit_class_answer(member.token, 0, list(scenario.expected.must_commitments), actions)
    answers = store.class_answers(session.code, EVERYONE, key)
    scenarios = {s.id: s for s in library.scenarios}
    rows = list(csv.DictReader(io.StringIO(classroom.report_csv(session, scenarios, rulebase, answers))))
    assert [r["nickname"] for r in rows] == ["Kim", "'=cmd|' /C calc'!A0"]  # never a formula in a spreadsheet
    assert rows[0]["passed"] == "yes" and rows[0]["urgency_right"] == str(len(expected))
    assert rows[1]["expected_named"] == str(len(scenario.expected.must_commitments))
    text = classroom.report_markdown(session, scenarios, rulebase, answers, store.class_members(session.code, EVERYONE, key))
    assert text.startswith("# Class report: Report test")
    assert "2 trainee(s) joined" in text and "Most common misses:" in text
    assert f"{rulebase.actions[next(iter(expected))].label} (expected): 1 of 2" in text
    store.close()
