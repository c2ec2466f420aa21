"""Train: browse the scenario library, do an exercise (score, feedback, the engine's reasoning),
or check a scenario file of your own."""
from __future__ import annotations

import streamlit as st

import engine
from engine.exercise import SCORING_RULE, score_exercise
from engine.scenarios import check_report
from ui import training, widgets
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
st.markdown(widgets.paragraphs(scenario.narrative))

with st.form(f"{P}.form.{sid}"):
    chosen_c = st.multiselect("Which commitments of the Code are at stake?",
                              [c.number for c in code.commitments], key=f"{P}.c.{sid}",
                              format_func=lambda n: f"{n}. {code.commitment(n).title}",
                              placeholder="Choose commitments")
    chosen_a = st.multiselect("Which actions would you take?", list(rb.actions), key=f"{P}.a.{sid}",
                              format_func=lambda a: rb.actions[a].label, placeholder="Choose actions")
    submitted = st.form_submit_button("Submit my answer", key=f"{P}.submit", type="primary",
                                      icon=":material/task_alt:")
report = advisor.evaluate(dict(scenario.facts.values))
if submitted:
    st.session_state[f"{P}.result.{sid}"] = score_exercise(scenario, rb, chosen_c, chosen_a, report)
result = st.session_state.get(f"{P}.result.{sid}")
st.caption(f"How it is scored: {md(SCORING_RULE)}")
if result is None:
    st.stop()

st.subheader("Your result", anchor=False)
st.metric("Score", f"{result.score} / {result.possible}")
if result.must_not_picked:
    st.error("**Must not:** " + "; ".join(f"“{md(rb.actions[a].label)}”" for a in result.must_not_picked)
             + " should not be done in this situation.", icon=":material/dangerous:")
if result.perfect:
    st.success(md(result.verdict), icon=":material/verified:")
elif result.passed:
    st.warning(md(result.verdict), icon=":material/rule:")
else:
    st.error(md(result.verdict), icon=":material/close:")


def listing(title: str, numbers: tuple, actions: tuple) -> None:
    items = [f"- {n}\\. {md(code.commitment(n).title)}" for n in numbers]  # "- 19. x" would number a list
    items += [f"- {md(rb.actions[a].label)}" for a in actions]
    st.markdown(f"**{title}**  \n" + ("\n".join(items) if items else "None."))


right, missed, extra = st.columns(3)
with right:
    listing("Right", result.right_commitments, result.right_actions)
with missed:
    listing("Missed", result.missed_commitments, result.missed_actions)
with extra:
    listing("Extra (not expected)", result.extra_commitments, result.extra_actions)
st.markdown("**Feedback**  \n" + "\n".join(f"- {md(line)}" for line in result.feedback))

with st.expander("The engine's reasoning", icon=":material/psychology:"):
    widgets.show_report(report, rb)
if scenario.discussion_questions:
    st.markdown("#### Discussion questions")
    st.markdown("\n".join(f"- {md(q)}" for q in scenario.discussion_questions))
if st.toggle("I am the facilitator: show the notes", key=f"{P}.facilitator"):
    st.markdown("#### Facilitator notes")
    st.markdown(widgets.paragraphs(scenario.facilitator_notes) if scenario.facilitator_notes
                else "This scenario has no notes.")
