"""Class sessions, for the trainer: open a session on one scenario or a short sequence, give the
class its code, watch the answers arrive (live), reveal the expected answer, move on, export the
class report, close the session. Trainees answer on the Join a class page."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from ui import access, answer, classroom, widgets
from ui.record import when
from ui.storage import ClassSession
from ui.storage.store import CLASS_HOURS_MAX, CLASS_SCENARIOS_MAX
from ui.widgets import md

P = "classes"
REFRESH_S = 2  # how often the trainer's view of the answers is read again
COLOURS = {classroom.EXPECTED: "#1a7f37", classroom.MAY: "#6e7781", classroom.EXTRA: "#bc4c00",
           classroom.MUST_NOT: "#cf222e"}

advisor = widgets.advisor()
rb = advisor.rulebase
store = widgets.store()
lib = widgets.library()
you = access.viewer()
scenarios = {s.id: s for s in lib.scenarios}
kept_keys: dict[str, str] = st.session_state.setdefault(f"{P}.keys", {})  # code -> trainer key, this browser's

st.title("Class sessions")
st.markdown("Open a session on a scenario (or a short sequence of them) and give the class its code. Trainees "
            "join on the **Join a class** page with a nickname, from their own browsers; their answers appear "
            "here as they arrive. The expected answer is yours alone until you reveal it.")

if not you.open_install and you.role != "trainer":
    st.info("Class sessions are run by trainers. Ask your administrator for the trainer role.", icon=":material/lock:")
    st.stop()

with st.container():
    if said := st.session_state.pop(f"{P}.done", None):
        st.success(said, icon=":material/check:")

# --- open a session, or return to one -------------------------------------------------------------
with st.expander("Open a new session", icon=":material/add_circle:", expanded=not st.session_state.get(f"{P}.code")):
    if not scenarios:
        st.info("The scenario library is empty: a session needs at least one scenario.")
    else:
        title = st.text_input("A title for the session (the class sees it)", key=f"{P}.title", max_chars=80,
                              placeholder="for example “Tuesday induction group”")
        picked = st.multiselect(f"Scenarios, in the order the class works them (up to {CLASS_SCENARIOS_MAX})",
                                list(scenarios), key=f"{P}.scenarios", max_selections=CLASS_SCENARIOS_MAX,
                                format_func=lambda i: scenarios[i].title, placeholder="Choose scenarios")
        hours = st.select_slider("Open for (hours); it then expires", [1, 2, 3, 4, 6, 8, 12, CLASS_HOURS_MAX],
                                 value=3, key=f"{P}.hours")
        if st.button("Open the session", key=f"{P}.open", type="primary", icon=":material/groups:", disabled=not picked):
            try:
                session, key = store.open_class(title, picked, hours)
            except (ValueError, PermissionError) as exc:
                st.error(md(exc))
            else:
                kept_keys[session.code] = key
                st.session_state[f"{P}.code"] = session.code
                st.session_state[f"{P}.done"] = f"Session {session.code} is open: give the class its code."
                st.rerun()

mine = store.my_classes() if not you.open_install else [
    s for s in (store.trainer_class(code, key=key) for code, key in kept_keys.items()) if s is not None]
with st.expander("Return to a session", icon=":material/history:"):
    if mine:
        codes = [s.code for s in mine]
        back = st.selectbox("Your sessions", codes, key=f"{P}.mine", index=None, placeholder="Choose a session",
                            format_func=lambda c: next(f"{s.code} · {s.title} · {classroom.SESSION_WORDS[s.state]}"
                                                       for s in mine if s.code == c))
        if back and back != st.session_state.get(f"{P}.code"):
            st.session_state[f"{P}.code"] = back
            st.rerun()
    if you.open_install:
        st.caption("Without sign-in, a session is reached with its code and the trainer key shown when it was opened.")
        code_in = st.text_input("Session code", key=f"{P}.back_code", max_chars=12)
        key_in = st.text_input("Trainer key", key=f"{P}.back_key", max_chars=40, type="password")
        if st.button("Return to it", key=f"{P}.back", disabled=not (code_in and key_in)):
            found = store.trainer_class(code_in, key=key_in)
            if found is None:
                st.error("No session of yours has this code and key.")
            else:
                kept_keys[found.code] = key_in
                st.session_state[f"{P}.code"] = found.code
                st.rerun()

code = st.session_state.get(f"{P}.code")
key = kept_keys.get(code, "")
session = store.trainer_class(code, key=key) if code else None
if session is None:
    st.stop()


# --- the session ------------------------------------------------------------------------------------
st.header(f"Session {session.code}: {md(session.title)}", anchor=False)
st.markdown(f"Trainees open **Join a class** and type the code **{session.code}**. The session is "
            f"**{classroom.SESSION_WORDS[session.state]}**; opened {when(session.created_at)}, "
            f"{'expired' if session.state == 'expired' else 'expires'} {when(session.expires_at)}.")
if you.open_install:
    st.caption(f"Your trainer key, to come back to this session from another browser: `{key}`. Keep it to yourself.")

step = session.step
scenario = scenarios.get(session.scenario_id)
if len(session.scenario_ids) > 1:
    chosen_step = st.selectbox("The scenario the class is working on", range(len(session.scenario_ids)), index=step,
                               key=f"{P}.step.{session.code}.{step}",
                               format_func=lambda i: f"{i + 1}. " + (scenarios[session.scenario_ids[i]].title
                                                                     if session.scenario_ids[i] in scenarios
                                                                     else session.scenario_ids[i]))
    if chosen_step != step:
        store.set_class_step(session.code, chosen_step, key=key)
        st.rerun()
if scenario is None:
    st.error("This scenario is no longer in the library; choose another step.")
    st.stop()

st.subheader(f"{step + 1}. {md(scenario.title)}", anchor=False)
report = advisor.evaluate(dict(scenario.facts.values))
with st.expander("Facilitator view: the expected answer, the notes, the discussion questions",
                 icon=":material/co_present:"):
    answer.facilitator_view(scenario, rb, report)


def chart(rows: list[classroom.Tally], kind: str, answered: int) -> alt.Chart:
    data = pd.DataFrame([r for r in classroom.chart_rows(rows) if r["kind"] == kind])
    order = list(data["item"])
    return (alt.Chart(data, title=f"{kind}: how many chose each").mark_bar()
            .encode(x=alt.X("chosen:Q", title="trainees who chose it", scale=alt.Scale(domain=[0, max(answered, 1)]),
                            axis=alt.Axis(tickMinStep=1, format="d")),
                    y=alt.Y("item:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
                    color=alt.Color("status:N", title="the scenario says",
                                    scale=alt.Scale(domain=list(COLOURS), range=list(COLOURS.values()))),
                    tooltip=["item", "status", "chosen", "missed"]))


@st.fragment(run_every=REFRESH_S)
def live(session: ClassSession, step: int) -> None:
    """The answers as they arrive: read again every few seconds, without redrawing the rest of the page."""
    try:
        answers = store.class_answers(session.code, key=key, step=step)
        members = store.class_members(session.code, key=key)
    except KeyError:  # deleted meanwhile (by its trainer in another tab, or long expired)
        st.info("This session no longer exists.", icon=":material/delete:")
        return
    scored = classroom.score(scenario, rb, answers)
    st.markdown(f"**{len(answers)} of {len(members)} trainee(s) have answered** this scenario.")
    if scored:
        rows = classroom.tallies(scenario, rb, scored)
        for kind in ("Commitments", "Actions"):
            if any(r["kind"] == kind for r in classroom.chart_rows(rows)):
                st.altair_chart(chart(rows, kind, len(scored)), width="stretch")
        misses = classroom.common_misses(rows)
        st.markdown("**Most common misses**  \n" + ("\n".join(
            f"- {md(t.label)}: missed by {t.missed} of {t.answers}" for t in misses) if misses else "None so far."))
        with st.expander("The chart as a table", icon=":material/table:"):
            st.markdown("| item | the scenario says | chose it | urgency right |\n|---|---|---|---|\n" + "\n".join(
                f"| {md(t.label)} | {t.status} | {t.chosen} of {t.answers} | "
                f"{t.urgency_right if t.kind == 'action' and t.status == classroom.EXPECTED else '-'} |" for t in rows))
        st.markdown("| nickname | answer | urgency | points |\n|---|---|---|---|\n" + "\n".join(
            f"| {md(s.nickname)} | {md(s.result.summary)} | {md(s.result.urgency_summary or '-')} | "
            f"{s.result.score} of {s.result.possible} |" for s in scored))
    waiting = [m for m in members if m not in {a.nickname for a in answers}]
    if waiting:
        st.caption("Still answering: " + md(", ".join(waiting)))
    every = store.class_answers(session.code, key=key)
    left, right = st.columns(2)
    with left:
        st.download_button("Download the class report (Markdown)",
                           classroom.report_markdown(session, scenarios, rb, every, members).encode("utf-8"),
                           file_name=f"class-report-{session.code}.md", mime="text/markdown", on_click="ignore",
                           key=f"{P}.report_md", icon=":material/download:", width="stretch")
    with right:
        st.download_button("Download the class report (CSV)",
                           classroom.report_csv(session, scenarios, rb, every).encode("utf-8"),
                           file_name=f"class-report-{session.code}.csv", mime="text/csv", on_click="ignore",
                           key=f"{P}.report_csv", icon=":material/download:", width="stretch")


live(session, step)

left, middle, right = st.columns(3)
with left:
    revealed = step in session.revealed
    if st.button("The answer is shown to the class" if revealed else "Reveal the answer to the class",
                 key=f"{P}.reveal", icon=":material/visibility:", disabled=revealed, width="stretch"):
        store.reveal_class(session.code, step, key=key)
        st.session_state[f"{P}.done"] = "The class now sees the expected answer."
        st.rerun()
with middle:
    if step + 1 < len(session.scenario_ids):
        if st.button("Next scenario", key=f"{P}.next", icon=":material/skip_next:", width="stretch"):
            store.set_class_step(session.code, step + 1, key=key)
            st.rerun()
with right:
    if session.state == "open" and st.button("Close the session", key=f"{P}.close", icon=":material/lock:",
                                             width="stretch"):
        store.close_class(session.code, key=key)
        st.session_state[f"{P}.done"] = f"Session {session.code} is closed: no more answers are taken."
        st.rerun()

with st.expander("Delete this session", icon=":material/delete:"):
    st.markdown("Deleting removes the session, its nicknames and every answer, for good. Sessions are deleted "
                "anyway a month after they expire.")
    sure = st.checkbox("Yes, delete it and its answers", key=f"{P}.sure.{session.code}")
    if st.button("Delete the session", key=f"{P}.delete", disabled=not sure, icon=":material/delete:"):
        store.delete_class(session.code, key=key)
        kept_keys.pop(session.code, None)
        st.session_state.pop(f"{P}.code", None)
        st.session_state[f"{P}.done"] = f"Session {session.code} and its answers were deleted for good."
        st.rerun()
