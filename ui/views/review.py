"""Review: saved consultations for a supervisor, with dated notes and "what if?"."""
from __future__ import annotations

import streamlit as st

import engine
from ui import widgets
from ui.widgets import md

P = "review"


def when(iso: str) -> str:
    """A stored UTC timestamp as people read it: 2025-03-01 10:30 UTC."""
    return iso[:16].replace("T", " ") + " UTC"


advisor = widgets.advisor()
rb = advisor.rulebase
store = widgets.store()

st.title("Review saved consultations")
st.markdown("Consultations are saved only when someone chooses to, with a de-identified title. Open one to "
            "see its report again, add dated notes from supervision, and ask “what if?”.")

deleted = st.session_state.pop(f"{P}.deleted", None)
if deleted is not None:
    st.success(f"Consultation #{deleted} and its notes were deleted for good.", icon=":material/delete:")
saved = store.consultations()
if not saved:
    st.info("No consultation has been saved yet. On the Consult page, give one a short de-identified title "
            "and choose **Save for review**.", icon=":material/inbox:")
    st.stop()

by_id = {c.id: c for c in saved}
with st.expander(f"All saved consultations ({len(saved)})", icon=":material/list:"):
    st.markdown("| # | saved | title | rules | notes |\n|---|---|---|---|---|\n" + "\n".join(
        f"| {c.id} | {when(c.created_at)} | {md(c.title)} | {md(c.rules_version)}"
        + (" (changed since)" if c.rules_sha256 != advisor.sha256 else "") + f" | {c.note_count} |" for c in saved))
pick_key = f"{P}.pick"
if st.session_state.get(pick_key) not in by_id:
    st.session_state.pop(pick_key, None)
chosen = st.selectbox("Saved consultation", list(by_id), key=pick_key,
                      format_func=lambda i: f"#{i} · {by_id[i].created_at[:10]} · {by_id[i].title}"
                                            f" · {by_id[i].note_count} note(s)")
item = by_id[chosen]

st.subheader(md(item.title), anchor=False)
st.caption(f"Consultation #{item.id}, saved {when(item.created_at)} under rules version "
           f"{md(item.rules_version)} ({item.rules_sha256[:12]}).")
if item.rules_sha256 != advisor.sha256:
    st.warning(f"The rules have changed since this was saved: the report below is derived again with the current "
               f"rules (version {md(advisor.version)}, {advisor.sha256[:12]}).", icon=":material/update:")
try:
    report = advisor.evaluate(item.facts)
except engine.InputError as exc:
    st.error("The saved answers no longer fit the current fact vocabulary:")
    st.markdown("\n".join(f"- {md(line)}" for line in exc.lines()))
    st.stop()

if st.button("Ask “what if?” from here", key=f"{P}.whatif", icon=":material/compare_arrows:", type="primary"):
    widgets.start_what_if(item.facts, f"saved consultation #{item.id}")

report_tab, notes_tab, facts_tab = st.tabs(["Report", f"Notes ({item.note_count})", "Answers"])
with report_tab:
    widgets.show_report(report, rb)
    widgets.downloads(report, item.title, key=f"{P}.download")

with notes_tab:
    notes = store.notes(item.id)
    if not notes:
        st.markdown("No notes yet.")
    for note in notes:
        with st.container(border=True):
            st.caption(when(note.created_at))
            st.markdown(md(note.text))
    note_key = f"{P}.note.{item.id}"

    def add_note() -> None:
        text = st.session_state.get(note_key, "")
        try:
            store.add_note(item.id, text)
        except ValueError as exc:
            st.session_state[f"{P}.note_error"] = str(exc)
        else:
            st.session_state[note_key] = ""

    widgets.private_text("Add a note from supervision (dated automatically; keep it de-identified)",
                         key=note_key, area=True, max_chars=4000)
    st.button("Add note", key=f"{P}.add_note", on_click=add_note, icon=":material/note_add:")
    if error := st.session_state.pop(f"{P}.note_error", None):
        st.error(md(error))

with facts_tab:
    widgets.facts_summary(rb, report.facts)

st.divider()
with st.expander("Delete this consultation", icon=":material/delete:"):
    st.markdown("Deleting removes the answers, the title and every note, for good.")
    sure = st.checkbox("Yes, delete it and its notes", key=f"{P}.sure.{item.id}")
    if st.button("Delete", key=f"{P}.delete", disabled=not sure):
        store.delete(item.id)
        st.session_state.pop(pick_key, None)
        st.session_state[f"{P}.deleted"] = item.id  # said on the next run, once
        st.rerun()
