"""Consult: a guided intake in the decision steps practitioners know, then the report as cards."""
from __future__ import annotations

import streamlit as st

from engine.present import outline
from ui import access, style, widgets
from ui.widgets import md

P = "consult"
advisor = widgets.advisor()
rb = advisor.rulebase

widgets.emergency_line()
st.title("Consult")
st.markdown("Describe the situation by answering a few questions: no names, no free text needed. "
            "Answer **Not sure** whenever you do not know: it is not the same as *No*, and the advice "
            "will tell you what else to find out.")
at_a_glance = st.empty()  # once the advice is asked for: what comes first, at the top of the page
act_now = st.empty()  # immediate safety steps, as soon as an answer calls for them

st.header("1 · Recognise the issue", anchor="recognise")
st.markdown("Which areas does the situation involve? Choose every one that might apply.")
areas = widgets.area_picker(rb, P)

st.header("2 · Think it through", anchor="think")
if not areas:
    st.info("Choose at least one area above: its questions appear here.", icon=":material/arrow_upward:")
facts = widgets.questions(rb, P, areas)
st.session_state[f"{P}.facts"] = facts  # the What if page starts from these
if not st.session_state.get(f"{P}.asked"):
    with act_now.container():
        widgets.urgent_now(advisor.evaluate(facts, explore=False), rb)

st.header("3 · Decide", anchor="decide")
if not st.session_state.get(f"{P}.asked"):
    if st.button("See the advice", type="primary", key=f"{P}.advise", icon=":material/lightbulb:"):
        st.session_state[f"{P}.asked"] = True
        st.session_state[f"{P}.announce"] = True  # once: the button the keyboard was on is gone
        st.rerun()  # the advice follows the answers from now on: the button has done its work
    else:
        st.caption("The advice appears here, and follows your answers as you change them.")
        widgets.disclaimer()
        st.stop()

report = advisor.evaluate(facts)
with at_a_glance.container():
    widgets.glance(report)
widgets.show_decision(report, rb)
if st.session_state.pop(f"{P}.announce", False):
    style.focus_and_announce("decide", f"The advice is ready. {outline(report, rb).headline}")

st.header("4 · Test the decision", anchor="test")
widgets.show_testing(report, rb)
st.markdown("Would the advice change if a fact were different?")
if st.button("Ask “what if?”", key=f"{P}.whatif", icon=":material/compare_arrows:"):
    widgets.start_what_if(facts, "your consultation")

st.header("5 · Implement and document", anchor="document")
title_key = widgets.restore(f"{P}.title", "")
title = widgets.private_text("A short title for this consultation (optional for downloads, needed to save)",
                             key=title_key)
widgets.remember(title_key)
widgets.downloads(report, title, key=f"{P}.download")
st.markdown("Save it so that your supervisor can review it with you. The answers, the title, who saved it, the "
            "rules version and the report as given now are kept; on the Review page the report is derived again "
            "with the rules of the day, and what changed is shown.")
you = widgets.who_are_you()
note_key = widgets.restore(f"{P}.first_note", "")
first_note = widgets.private_text("A note for your supervisor (optional; keep it de-identified)", key=note_key,
                                  area=True, max_chars=4000)
widgets.remember(note_key)
share_with: list[str] = []
if access.shared():  # people sign in: the consultation is theirs, and reaches the supervisors they choose
    supervisors = {u.username: u.name for u in access.directory().with_role("supervisor")}
    share_with = st.multiselect("Share it for review with", list(supervisors), key=f"{P}.share",
                                format_func=supervisors.get, placeholder="Only you (choose a supervisor to share it)")
# The same title and answers saved twice are one consultation, not two.
what = (" ".join(title.split()), tuple(sorted((k, str(v)) for k, v in facts.items())))
already = st.session_state.get(f"{P}.saved", {}).get(what)
if st.button("Save for review", key=f"{P}.save", icon=":material/save:", disabled=not (title.strip() and you)):
    if already:
        st.info(f"Already saved as consultation #{already}; nothing has changed since.", icon=":material/check:")
    else:
        try:
            saved = widgets.store().save(title, facts, advisor.version, advisor.sha256, note_text=first_note,
                                         author=you, report=report.to_dict(), viewer=access.viewer(),
                                         shared_with=share_with)
        except ValueError as exc:
            st.error(md(exc))
        else:
            st.session_state.setdefault(f"{P}.saved", {})[what] = saved
            st.success(f"Saved as consultation #{saved}. It is listed on the Review page.", icon=":material/check:")
if not (title.strip() and you):
    st.caption("Type a short, de-identified title and your name or role to save this consultation.")

st.divider()
if st.button("Start a new consultation", key=f"{P}.reset", icon=":material/restart_alt:"):
    widgets.forget(P, everything=True)
    st.rerun()
