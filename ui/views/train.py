"""Train: browse the scenario library, do an exercise (commitments, actions and their urgency; the
score, feedback, the engine's reasoning), or check a scenario file of your own. The facilitator
reads the notes and the expected answer in a view of their own, reached before the exercise."""
from __future__ import annotations

import streamlit as st

import engine
from engine.exercise import score_exercise
from engine.scenarios import check_report
from ui import access, answer, training, widgets
from ui.widgets import md

P = "train"
advisor = widgets.advisor()
rb = advisor.rulebase
code = rb.code


def topic_words(topic: str) -> str:
    return training.topic_words(topic, rb)


st.title("Train")
st.markdown("Read a scenario, name the commitments at stake and the actions you would take, and compare "
            "your answer with the expected one and the engine's reasoning.")

source = st.radio("Scenarios from", ["The library", "A file of your own"], key=f"{P}.source", horizontal=True)

if source == "The library":
    lib = widgets.library()
    if lib.problems:
        with st.expander(f"{len(lib.problems)} problem(s) in the scenario files: those files are left out",
                         icon=":material/warning:"):
            st.markdown("\n".join(f"- {md(p)}" for p in lib.problems))
    scenarios = lib.scenarios
    if not scenarios:
        st.info("The library has no scenario yet. You can load a file of your own above.")
        st.stop()
    topics = sorted({s.topic for s in scenarios}, key=training.topic_order(rb).index)
    numbers = sorted({n for s in scenarios for n in training.scenario_commitments(s)})
    c1, c2, c3 = st.columns(3)
    with c1:
        pick_topics = st.multiselect("Topic", topics, format_func=topic_words, key=f"{P}.topics",
                                     placeholder="Any topic")
    with c2:
        pick_numbers = st.multiselect("Commitment", numbers, key=f"{P}.commitments", placeholder="Any commitment",
                                      format_func=lambda n: f"{n}. {code.commitment(n).title}")
    with c3:
        pick_levels = st.multiselect("Level", training.LEVELS, key=f"{P}.levels", placeholder="Any level",
                                     format_func=str.capitalize)
    matching = training.filter_scenarios(scenarios, pick_topics, pick_numbers, pick_levels)
    st.caption(f"{len(matching)} of {len(scenarios)} scenarios match.")
    if not matching:
        st.info("No scenario matches these filters.")
        st.stop()
    with st.expander("The matching scenarios", icon=":material/list:"):
        st.markdown("\n".join(
            f"- **{md(s.title)}** · {md(topic_words(s.topic))} · {s.level} · commitments "
            + (", ".join(map(str, training.scenario_commitments(s))) or "none") for s in matching))
    by_id = {s.id: s for s in matching}
    scenario = by_id[st.selectbox("Scenario", list(by_id), key=f"{P}.pick",
                                  format_func=lambda i: f"{by_id[i].title} ({topic_words(by_id[i].topic)},"
                                                        f" {by_id[i].level})")]
    sid = scenario.id
else:
    upload = st.file_uploader("Your scenario file (YAML, one scenario, in the format of scenarios/*.yaml)",
                              type=["yaml", "yml"], key=f"{P}.upload", max_upload_size=1)
    if upload is None:
        st.caption("The file is checked against the rules' vocabulary; every problem is listed with its line.")
        st.stop()
    try:
        scenario = training.parse_uploaded(advisor, upload.getvalue(), upload.name)
    except engine.InputError as exc:
        st.error(f"This file has {len(exc.issues):,} problem(s); nothing was loaded:", icon=":material/error:")
        st.markdown("\n".join(f"- {md(line)}" for line in exc.lines(training.MAX_PROBLEMS_SHOWN)))
        st.stop()
    st.success("The file is valid.", icon=":material/check:")
    differences = check_report(scenario, advisor.evaluate(dict(scenario.facts.values), explore=False))
    if differences:
        st.warning("The engine's answer differs from the file's expected answer:  \n"
                   + "\n".join(f"- {md(d)}" for d in differences), icon=":material/rule:")
    else:
        st.success("The engine's answer matches the file's expected answer.", icon=":material/rule:")
    sid = "own." + scenario.id

st.subheader(md(scenario.title), anchor=False)
st.markdown(f":blue-badge[{md(topic_words(scenario.topic))}] :gray-badge[{scenario.level.capitalize()}]"
            + (" :green-badge[Control: nothing serious is wrong]" if scenario.control else ""))
report = advisor.evaluate(dict(scenario.facts.values))

# The facilitator's view is a deliberate step before the exercise, never a switch beside a trainee's result.
facilitating_key = f"{P}.facilitating"
if st.session_state.get(facilitating_key) and access.can_facilitate():
    st.markdown(widgets.paragraphs(scenario.narrative))
    answer.facilitator_view(scenario, rb, report)
    if st.button("Leave the facilitator view", key=f"{P}.leave_facilitator", icon=":material/logout:"):
        st.session_state[facilitating_key] = False
        st.rerun()
    st.stop()
if access.can_facilitate() and st.button(
        "I am the facilitator: read the notes and the expected answer first", key=f"{P}.facilitate",
        icon=":material/co_present:", help="For the person running the exercise, before it starts. "
        "Trainees answer without it."):
    st.session_state[facilitating_key] = True
    st.rerun()

st.markdown(widgets.paragraphs(scenario.narrative))
chosen_c, marked = answer.answer_widgets(rb, f"{P}.{sid}")
if st.button("Submit my answer", key=f"{P}.submit", type="primary", icon=":material/task_alt:"):
    st.session_state[f"{P}.result.{sid}"] = (score_exercise(scenario, rb, chosen_c, marked, report), dict(marked))
answer.scoring_caption()
kept = st.session_state.get(f"{P}.result.{sid}")
if kept is None:
    st.stop()
result, scored_marks = kept
answer.show_result(result, rb, scored_marks)
with st.expander("The engine's reasoning", icon=":material/psychology:"):
    widgets.show_report(report, rb)
answer.discussion_questions(scenario)
