"""Advice feedback: for trainers and supervisors, per rule, how often the actions it recommended were
judged not applicable in saved consultations, and why; downloadable as CSV."""
from __future__ import annotations

import streamlit as st

from ui import access
from ui import feedback as fb
from ui import widgets
from ui.widgets import md

P = "feedback"
advisor = widgets.advisor()
rb = advisor.rulebase
store = widgets.store()

st.title("Advice feedback")
st.markdown("When a saved consultation is reviewed, each recommended action can be marked planned, done or "
            "not applicable, with a reason. Here is how often each rule's advice was judged not applicable, "
            "and why: the place to look first when improving the rules or a training session.")

judgements = store.feedback(viewer=access.viewer())  # where people sign in: what they may see
if not judgements:
    st.info("No feedback has been given yet. On the Review page, open a saved consultation and use "
            "**Feedback on the advice**.", icon=":material/inbox:")
    st.stop()

summary = fb.by_rule(judgements, rb)
consulted = {j.consultation_id for j in judgements if j.consultation_id}  # none: a trainer's view, without them
st.markdown(f"**{len(judgements)} judgements**" + (f" on {len(consulted)} consultations." if consulted else "."))
st.markdown("| rule | title | judged | not applicable |\n|---|---|---|---|\n" + "\n".join(
    f"| `{r.rule}` | {md(r.title)} | {r.judged} | {r.not_applicable} ({r.share:.0%}) |" for r in summary))
for r in summary:
    if r.reasons:
        with st.expander(f"Why {r.rule} did not apply ({r.not_applicable})", icon=":material/help:"):
            st.markdown("\n".join(f"- **{md(action)}**: {md(reason)}" for action, reason in r.reasons))

left, right = st.columns(2)
with left:
    st.download_button("Download per rule (CSV)", fb.rules_csv(summary).encode("utf-8"), file_name="advice-feedback-by-rule.csv",
                       mime="text/csv", key=f"{P}.csv_rules", on_click="ignore", icon=":material/download:",
                       width="stretch")
with right:
    st.download_button("Download every judgement (CSV)", fb.judgements_csv(judgements, rb).encode("utf-8"),
                       file_name="advice-feedback.csv", mime="text/csv", key=f"{P}.csv_all", on_click="ignore",
                       icon=":material/download:", width="stretch")
