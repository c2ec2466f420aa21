"""What if: change one or more facts of a report and see the difference side by side."""
from __future__ import annotations

import streamlit as st

import engine
from ui import intake, widgets
from ui.widgets import md

P = "whatif"
advisor = widgets.advisor()
rb = advisor.rulebase

st.title("What if?")
st.markdown("Change one or more facts and see what the advice would be: what is added, what goes, "
            "and what becomes more or less urgent.")

base = st.session_state.get(f"{P}.base")
if base is None:
    consulted = st.session_state.get("consult.facts")
    choices = {}
    if consulted:
        choices["consult"] = "Your current consultation"
    for scenario in widgets.library().scenarios:
        choices[f"scenario:{scenario.id}"] = f"Scenario: {scenario.title}"
    choices["empty"] = "Nothing known yet (start from scratch)"
    st.markdown("Start from a consultation (the Consult page, or a saved one on the Review page) or from a "
                "training scenario.")
    pick = st.selectbox("Starting point", list(choices), format_func=choices.get, key=f"{P}.start")
    if st.button("Use this starting point", key=f"{P}.use", type="primary"):
        if pick == "consult":
            facts, origin = consulted, "your consultation"
        elif pick.startswith("scenario:"):
            scenario = widgets.library().get(pick.split(":", 1)[1]).scenario
            facts, origin = dict(scenario.facts.values), f"scenario “{scenario.title}”"
        else:
            facts, origin = {}, "nothing known"
        widgets.start_what_if(facts, origin)
    st.stop()

if st.session_state.get(f"{P}.loaded") != base["token"]:
    widgets.preset(P, rb, base["facts"])
    st.session_state[f"{P}.loaded"] = base["token"]

before = advisor.evaluate(base["facts"])
st.caption(f"Starting point: {md(base['origin'])}.")
with st.expander("Change the facts", expanded=True, icon=":material/edit:"):
    areas = widgets.area_picker(rb, P)
    facts = widgets.questions(rb, P, areas)
after = advisor.evaluate(facts)
diff = engine.compare(before, after)

st.subheader("What changes")
widgets.disclaimer(after)
changed = [(f, b, a) for f, b, a in diff.changed_facts if f in rb.facts]
if not changed:
    st.info("No fact has been changed yet: change one above.", icon=":material/edit:")
else:
    st.markdown("**Facts changed:**\n" + "\n".join(
        f"- {md(rb.facts[f].label)}: {md(intake.value_words(rb.facts[f], b))} → "
        f"**{md(intake.value_words(rb.facts[f], a))}**" for f, b, a in changed))
    lines = widgets.diff_summary(rb, diff)
    if lines:
        st.markdown("**Advice changed:**\n" + "\n".join(f"- {line}" for line in lines))
    else:
        st.success("These changes make no difference to the advice.", icon=":material/check:")

left, right = st.columns(2)
with left:
    st.markdown("#### Before")
    widgets.report_summary(rb, before, diff, side="before")
with right:
    st.markdown("#### After")
    widgets.report_summary(rb, after, diff, side="after")

with st.expander("The full report after the change", icon=":material/article:"):
    widgets.show_report(after, rb)

one, two = st.columns(2)
with one:
    if st.button("Undo my changes", key=f"{P}.undo", icon=":material/undo:"):
        st.session_state.pop(f"{P}.loaded", None)
        st.rerun()
with two:
    if st.button("Choose another starting point", key=f"{P}.other", icon=":material/swap_horiz:"):
        st.session_state.pop(f"{P}.base", None)
        widgets.forget(P)
        st.rerun()
