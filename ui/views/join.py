"""Join a class: a trainee types the session's code and a nickname (never their real name), reads
the scenario, answers (commitments, actions and their urgency) and sees their own score; when the
trainer reveals the answer, it appears here, and when the trainer moves on, so does this page."""
from __future__ import annotations

import streamlit as st

from engine.exercise import score_exercise
from ui import answer, classroom, widgets
from ui.storage import ClassSession
from ui.widgets import md

P = "join"
WATCH_S = 3  # how often the page looks for the trainer's moves (next scenario, answer revealed, closed)
TOKEN = f"{P}.token"

advisor = widgets.advisor()
rb = advisor.rulebase
store = widgets.store()
lib = widgets.library()

st.title("Join a class")
token = st.session_state.get(TOKEN, "")
session = store.class_of(token) if token else None

if session is None:
    st.markdown("Your trainer gives you a short code. Choose a nickname: any short name, **not your real name**. "
                "Your answers are seen by your trainer under that nickname.")
    with st.form(f"{P}.form"):
        code = st.text_input("Session code", key=f"{P}.code", max_chars=12, placeholder="for example K7QX2M")
        nickname = st.text_input("Your nickname", key=f"{P}.nickname", max_chars=30,
                                 help="Any short name, not your real one: the trainer and the class report show it.")
        joined = st.form_submit_button("Join", type="primary", icon=":material/login:")
    if joined:
        try:
            member = store.join_class(code, nickname)
        except KeyError:
            st.error("No session has this code. Check it with your trainer.")
        except ValueError as exc:
            st.error(md(exc))
        else:
            st.session_state[TOKEN] = member.token
            st.rerun()
    st.stop()


@st.fragment(run_every=WATCH_S)
def watch(seen: tuple) -> None:
    """Read the session again every few seconds; when the trainer has moved it on, draw the page anew."""
    now = store.class_of(token)
    if now is None or (now.step, now.revealed, now.state) != seen:
        st.rerun()


watch((session.step, session.revealed, session.state))
me = store.member(token)
if me is None:  # the session was deleted meanwhile
    st.session_state.pop(TOKEN, None)
    st.rerun()
st.markdown(f"You are **{md(me.nickname)}** in **{md(session.title)}** (session {session.code}).")
if session.state != "open":
    st.warning(f"This session is {classroom.SESSION_WORDS[session.state]}: answers are no longer taken.",
               icon=":material/lock:")

scenario = lib.get(session.scenario_id)
if scenario is None:
    st.error("The scenario of this step is not in this app's library. Tell your trainer.")
    st.stop()
scenario = scenario.scenario
step = session.step
st.subheader(f"{step + 1} of {len(session.scenario_ids)}: {md(scenario.title)}", anchor=False)
st.markdown(widgets.paragraphs(scenario.narrative))

mine = store.own_answer(token, step)
revealed = step in session.revealed
if mine is None and session.state == "open":
    chosen_c, marked = answer.answer_widgets(rb, f"{P}.{session.code}.{step}")
    if st.button("Send my answer", key=f"{P}.send", type="primary", icon=":material/send:"):
        try:
            score_exercise(scenario, rb, chosen_c, marked)  # refuses what the rules do not know
            store.submit_class_answer(token, step, chosen_c, marked)
        except (ValueError, PermissionError) as exc:
            st.error(md(exc))
        else:
            st.rerun()
    answer.scoring_caption()
elif mine is None:
    st.info("You did not answer this scenario.")

if mine is not None:
    result = score_exercise(scenario, rb, list(mine.commitments), dict(mine.actions))
    st.success("Your answer is in: your trainer sees it.", icon=":material/check:")
    if revealed:
        answer.show_result(result, rb, mine.actions)
    else:
        st.subheader("Your score", anchor=False)
        st.markdown(f"**{md(result.summary.capitalize())}**"
                    + (f"; {md(result.urgency_summary)}" if result.urgency_summary else "") + ".")
        st.caption(f"Points: {result.score} of {result.possible}. What you missed is shown when your trainer "
                   "reveals the answer.")
if revealed:
    answer.expected_answer(scenario, rb)
    answer.discussion_questions(scenario)
else:
    st.caption("Your trainer will reveal the expected answer to the class.")

st.divider()
if st.button("Leave the session", key=f"{P}.leave", icon=":material/logout:"):
    st.session_state.pop(TOKEN, None)
    st.rerun()
