"""The Train page: the scenario library, exercises that score and explain, a trainer's own file."""
from __future__ import annotations

import pytest
import yaml

from engine.exercise import score_exercise
from ui.training import parse_uploaded

from conftest import unescape

OWN = {
    "id": "own-bruise", "title": "A bruise nobody explains", "topic": "suspected_abuse",
    "level": "introductory",
    "narrative": "During a home visit you see a bruise on a child's arm. The parent changes the subject.",
    "facts": {"suspected_abuse": True, "victim_group": "child"},
    "expected": {
        "commitments": {"must": [19], "may": [25]},
        "actions": {"report_to_authorities": "immediate", "consult_supervisor": "soon", "document": "routine"},
        "must_not": ["transfer_case"],
    },
    "discussion_questions": ["Who must make the report?"],
    "facilitator_notes": "Ask who in the room has made such a report before.",
}


def upload(app, data, name="mine.yaml"):
    app.switch_page("views/train.py").run()
    app.radio(key="train.source").set_value("A file of your own").run()
    text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    app.file_uploader(key="train.upload").upload(name, text.encode("utf-8"), "application/yaml").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def submit(app, sid, commitments, actions):
    """Answer as a trainee: commitments, actions, then (a mapping) the urgency of each action."""
    app.multiselect(key=f"train.{sid}.c").set_value(commitments)
    app.multiselect(key=f"train.{sid}.a").set_value(list(actions)).run()
    if isinstance(actions, dict):
        for action_id, urgency in actions.items():
            app.radio(key=f"train.{sid}.u.{action_id}").set_value(urgency)
    app.button(key="train.submit").click().run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def metrics(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def listed(app, heading: str) -> str:
    return unescape(next(m.value for m in app.markdown if m.value.startswith(f"**{heading}")))


@pytest.fixture()
def own(advisor):
    return parse_uploaded(advisor, yaml.safe_dump(OWN), "mine.yaml")


def test_a_perfect_answer(app, advisor, rulebase, own):
    upload(app, OWN)
    submit(app, "own.own-bruise", [19], {"report_to_authorities": "immediate", "consult_supervisor": "soon",
                                          "document": "routine"})
    assert metrics(app) == {"Expected items you named": "4 of 4", "Extra (defensible?)": "0", "Urgency right": "3 of 3"}
    assert any(unescape(c.value) == "Points: 7 of 7." for c in app.caption)
    assert any(unescape(s.value).startswith("Perfect") for s in app.success)
    assert "None." in listed(app, "Missed") and "None." in listed(app, "Extra")
    assert rulebase.actions["report_to_authorities"].label in listed(app, "Right")


def test_a_partial_answer(app, advisor, rulebase, own):
    upload(app, OWN)
    submit(app, "own.own-bruise", [19, 7], {"report_to_authorities": "soon"})
    expected = score_exercise(own, rulebase, [19, 7], {"report_to_authorities": "soon"})
    assert any(unescape(c.value) == f"Points: {expected.score} of {expected.possible}." for c in app.caption)
    assert metrics(app)["Expected items you named"] == "2 of 4" and metrics(app)["Extra (defensible?)"] == "1"
    assert metrics(app)["Urgency right"] == "0 of 1"
    assert any("2 of 4 expected, 1 extra (defensible?)" in unescape(m.value) for m in app.markdown)
    assert any("is expected now; you marked it soon" in unescape(m.value) for m in app.markdown)
    missed = listed(app, "Missed")
    assert rulebase.actions["consult_supervisor"].label in missed and rulebase.actions["document"].label in missed
    assert f"7. {rulebase.code.commitment(7).title}" in listed(app, "Extra")
    assert f"19. {rulebase.code.commitment(19).title}" in listed(app, "Right")


def test_a_wrong_answer_with_a_must_not_action(app, advisor, rulebase, own):
    upload(app, OWN)
    submit(app, "own.own-bruise", [7], ["transfer_case"])
    assert metrics(app)["Expected items you named"] == "0 of 4"
    must_not = next(unescape(e.value) for e in app.error if "Must not" in e.value)
    assert rulebase.actions["transfer_case"].label in must_not
    assert any(unescape(e.value).startswith("Not passed") for e in app.error)


def test_after_the_answer_come_the_reasoning_and_the_questions_but_never_the_facilitators_notes(app, advisor):
    upload(app, OWN)
    assert not any("Commitment 19" in m.value or "(must be named)" in m.value for m in app.markdown)
    submit(app, "own.own-bruise", [19], ["report_to_authorities"])
    reasoning = next(e for e in app.expander if e.label == "The engine's reasoning")
    assert any("Commitment 19" in m.value for m in reasoning.markdown)
    assert any("Who must make the report?" in unescape(m.value) for m in app.markdown)
    assert not any("who in the room" in unescape(m.value) for m in app.markdown)
    assert not app.toggle and not any("expected answer" in m.value for m in app.markdown)


def test_the_facilitator_reads_the_notes_and_the_expected_answer_before_the_exercise(app, rulebase):
    upload(app, OWN)
    app.button(key="train.facilitate").click().run()
    text = unescape("\n".join(m.value for m in app.markdown))
    assert OWN["facilitator_notes"] in text and "Who must make the report?" in text
    assert f"Commitment 19: {rulebase.code.commitment(19).title} (must be named)" in text
    assert f"{rulebase.actions['report_to_authorities'].label}: now" in text
    assert f"Never: {rulebase.actions['transfer_case'].label}" in text
    assert not any(k.key and k.key.startswith("train.own.") for k in app.multiselect)  # no answer form here
    app.button(key="train.leave_facilitator").click().run()
    assert app.multiselect(key="train.own.own-bruise.c") is not None
    assert OWN["facilitator_notes"] not in unescape("\n".join(m.value for m in app.markdown))


def test_a_wrong_file_lists_every_problem_with_its_line(app):
    broken = dict(OWN, topic="abuse", facts={"suspected_abuse": True, "victim_grop": "child"})
    upload(app, broken)
    problems = unescape("\n".join(m.value for m in app.markdown if "unknown" in m.value))
    assert "mine.yaml:" in problems
    assert "unknown topic 'abuse'" in problems
    assert "unknown fact 'victim_grop'" in problems and "did you mean 'victim_group'" in problems
    assert any("2 problem(s)" in e.value for e in app.error)


def test_a_file_that_is_not_yaml_says_where(app):
    upload(app, "id: x\ntitle: [unclosed\n")
    assert any("malformed YAML" in unescape(m.value) and "mine.yaml:" in unescape(m.value) for m in app.markdown)


def test_the_library_can_be_filtered(app, library):
    app.switch_page("views/train.py").run()
    if not library.scenarios:
        assert any("no scenario yet" in i.value for i in app.info)
        pytest.skip("the scenario library is empty")
    topic = library.scenarios[0].topic
    app.multiselect(key="train.topics").set_value([topic]).run()
    expected = [s for s in library.scenarios if s.topic == topic]
    assert app.selectbox(key="train.pick").options == [
        f"{s.title} ({topic.replace('_', ' ').capitalize()}, {s.level})" for s in expected]
    assert any(c.value == f"{len(expected)} of {len(library.scenarios)} scenarios match." for c in app.caption)


def test_a_library_exercise_scores_the_engines_own_answer_as_perfect(app, advisor, rulebase, library):
    result = next((r for r in library.results if r.passed and r.scenario.facts.values.get("suspected_abuse")), None)
    if result is None:
        pytest.skip("no passing suspected-abuse scenario in the library yet")
    scenario = result.scenario
    app.switch_page("views/train.py").run()
    app.selectbox(key="train.pick").set_value(scenario.id).run()
    submit(app, scenario.id, list(scenario.expected.must_commitments), dict(scenario.expected.actions))
    assert any(unescape(s.value).startswith("Perfect") for s in app.success)
