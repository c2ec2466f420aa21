"""Review: the supervision record of saved consultations. Find one (status, author, date, topic,
words), see its report again and what today's rules change, record the decision, the outcome and
the status, keep a thread of notes, export the whole record."""
from __future__ import annotations

from datetime import date

import streamlit as st

import engine
from ui import access
from ui import record as rec
from ui import widgets
from ui.feedback import JUDGEMENT_WORDS
from ui.storage import JUDGEMENTS, STATUSES, Query
from ui.widgets import md

P = "review"
STATUS_ICONS = {"new": ":blue-badge[:material/fiber_new: New]", "discussed": ":orange-badge[:material/forum: Discussed]",
                "closed": ":green-badge[:material/task_alt: Closed]"}
ANY = "any"
EARLIEST = date(2000, 1, 1)  # the date pickers reach back this far (their default is ten years)

advisor = widgets.advisor()
rb = advisor.rulebase
store = widgets.store()

st.title("Review saved consultations")
st.markdown("Consultations are saved only when someone chooses to, with a de-identified title. Open one to "
            "see its report again and what today's rules change, record the decision and the outcome, keep "
            "notes from supervision, and ask “what if?”.")
you = widgets.who_are_you("Your name or role (shown with your notes and changes)")

# One container whether or not there is news: the elements after it keep their place, so the open tab
# stays open on the next run (Streamlit knows an element by its position).
with st.container():
    for message in ("deleted", "done"):
        if said := st.session_state.pop(f"{P}.{message}", None):
            st.success(said, icon=":material/check:")  # our own words, with no typed text in them

everything = store.consultations()
if not everything:
    st.info("No consultation has been saved yet. On the Consult page, give one a short de-identified title "
            "and choose **Save for review**.", icon=":material/inbox:")
    st.stop()

# --- find ---------------------------------------------------------------------------------------
with st.expander("Find a consultation", icon=":material/search:", expanded=True):
    words = widgets.bounded_text("Words in the title, decision or outcome", f"{P}.find.text", 120)
    left, right = st.columns(2)
    with left:
        status = st.selectbox("Status", [ANY, *STATUSES], key=f"{P}.find.status",
                              format_func=lambda s: "Any status" if s == ANY else rec.STATUS_WORDS[s])
        since = st.date_input("Saved from", value=None, key=f"{P}.find.since", format="YYYY-MM-DD",
                              min_value=EARLIEST)
    with right:
        author = st.selectbox("Saved by", [ANY, *store.authors()], key=f"{P}.find.author",
                              format_func=lambda a: "Anyone" if a == ANY else a)
        until = st.date_input("Saved until", value=None, key=f"{P}.find.until", format="YYYY-MM-DD",
                              min_value=EARLIEST)
    groups = {g.id: g.title for g in rb.groups}
    topic = st.selectbox("Topic", [ANY, *groups], key=f"{P}.find.topic",
                         format_func=lambda g: "Any topic" if g == ANY else groups[g])

found = store.consultations(Query(status=None if status == ANY else status, author=None if author == ANY else author,
                                  since=since, until=until, text=words or None))
if topic != ANY:
    found = [c for c in found if topic in rec.topics(rb, c.facts)]
st.markdown(f"**{len(found)} of {len(everything)} saved consultations**")
if not found:
    st.info("No saved consultation matches. Change or clear the search above.", icon=":material/search_off:")
    st.stop()
st.markdown("| # | saved | title | by | status | topics | notes |\n|---|---|---|---|---|---|---|\n" + "\n".join(
    f"| {c.id} | {rec.when(c.created_at)} | {md(c.title)}"
    + (" (rules changed since)" if c.rules_sha256 != advisor.sha256 else "")
    + f" | {md(c.author or rec.NOT_GIVEN)} | {rec.STATUS_WORDS.get(c.status, md(c.status))}"
    f" | {md(', '.join(rec.topic_titles(rb, c.facts)))} | {c.note_count} |" for c in found))

by_id = {c.id: c for c in found}
pick_key = f"{P}.pick"
if st.session_state.get(pick_key) not in by_id:
    st.session_state.pop(pick_key, None)
# Only what never changes in an option's words (the browser keeps an option's first wording).
chosen = st.selectbox("Open", list(by_id), key=pick_key,
                      format_func=lambda i: f"#{i} · {by_id[i].created_at[:10]} · {by_id[i].title}")
item = by_id.get(chosen) or next(iter(by_id.values()))  # an id sent that is not in the list opens none of it

# --- the record -----------------------------------------------------------------------------------
st.header(md(item.title), anchor=False)
st.markdown(f"{STATUS_ICONS.get(item.status, md(item.status))} Consultation #{item.id}, saved by "
            f"**{md(item.author or rec.NOT_GIVEN)}**, {rec.when(item.created_at)}, under rules version "
            f"{md(item.rules_version)} ({item.rules_sha256[:12]}).")
if item.rules_sha256 != advisor.sha256:
    st.warning(f"The rules have changed since this was saved: the report below is derived again with the current "
               f"rules (version {md(advisor.version)}, {advisor.sha256[:12]}). See **What changed**.",
               icon=":material/update:")
try:
    report = advisor.evaluate(item.facts)
except engine.InputError as exc:
    st.error("The saved answers no longer fit the current fact vocabulary:")
    st.markdown("\n".join(f"- {md(line)}" for line in exc.lines()))
    st.stop()
notes = store.notes(item.id)
diff = rec.since_saved(item, report)

if st.button("Ask “what if?” from here", key=f"{P}.whatif", icon=":material/compare_arrows:", type="primary"):
    widgets.start_what_if(item.facts, f"saved consultation #{item.id}", consultation=item.id)

changed_tab = "What changed" + (" (!)" if diff is not None and not diff.is_empty else "")
judged = {f.action_id: f for f in store.feedback(item.id)}
# The tab a person is on stays open after a note is added, edited or deleted (its label changes).
report_tab, changed, record_tab, notes_tab, feedback_tab, facts_tab = widgets.kept_tabs(f"{P}.tab", {
    "report": "Report", "changed": changed_tab, "record": "Decision and status", "notes": f"Notes ({len(notes)})",
    "feedback": f"Feedback on the advice ({len(judged)})", "facts": "Answers"})
with report_tab:
    widgets.show_report(report, rb)
    widgets.downloads(report, item.title, key=f"{P}.download")

with changed:
    st.markdown(md(rec.change_summary(item, report, diff)))
    if diff is not None and item.rules_sha256 != advisor.sha256:
        lines = widgets.diff_summary(rb, diff)
        lines += [f"Read differently: **{md(rb.facts[f].label)}**" for f, _, _ in diff.changed_facts if f in rb.facts]
        if lines:
            st.markdown("\n".join(f"- {line}" for line in lines))

with record_tab:
    status_key, decision_key, outcome_key = (f"{P}.{k}.{item.id}" for k in ("status", "decision", "outcome"))
    st.session_state.setdefault(status_key, item.status if item.status in STATUSES else STATUSES[0])
    st.session_state.setdefault(decision_key, item.decision)
    st.session_state.setdefault(outcome_key, item.outcome)
    st.radio("Status", STATUSES, key=status_key, horizontal=True,
             format_func=lambda s: f"{rec.STATUS_WORDS[s]} ({rec.STATUS_HELP[s]})")
    widgets.private_text("Decision taken", key=decision_key, area=True, max_chars=4000,
                         help="What was decided in supervision, and why. Keep it de-identified.")
    widgets.private_text("Outcome", key=outcome_key, area=True, max_chars=4000,
                         help="What happened afterwards. Keep it de-identified.")
    if item.updated_at:
        st.caption(f"Last updated by {md(item.updated_by or rec.NOT_GIVEN)}, {rec.when(item.updated_at)}.")
    if st.button("Save the record", key=f"{P}.save_record", icon=":material/save:", disabled=not you):
        try:
            store.update_record(item.id, you, status=st.session_state[status_key],
                                decision=st.session_state[decision_key], outcome=st.session_state[outcome_key])
        except (ValueError, KeyError) as exc:
            st.error(md(exc if isinstance(exc, ValueError) else "This consultation no longer exists."))
        else:
            st.session_state[f"{P}.done"] = f"The record of consultation #{item.id} was saved."
            st.rerun()
    if not you:
        st.caption("Give your name or role at the top of the page to record a decision.")

with notes_tab:
    if not notes:
        st.markdown("No notes yet.")
    for note in notes:
        with st.container(border=True):
            st.caption(md(rec.note_heading(note)))
            st.markdown(md(note.text))
            if note.previous_text:
                with st.expander("Before the edit", icon=":material/history:"):
                    st.markdown(md(note.previous_text))
            if you and note.written_by(you):
                with st.expander("Edit or delete your note", icon=":material/edit:"):
                    edit_key = f"{P}.edit.{note.id}"
                    st.session_state.setdefault(edit_key, note.text)
                    widgets.private_text("Your note", key=edit_key, area=True, max_chars=4000)
                    left, right = st.columns(2)
                    with left:
                        if st.button("Save the edit", key=f"{P}.save_edit.{note.id}", icon=":material/save:"):
                            try:
                                store.edit_note(note.id, st.session_state[edit_key], you)
                            except (ValueError, PermissionError, KeyError) as exc:
                                st.error(md(exc if not isinstance(exc, KeyError) else "That note no longer exists."))
                            else:
                                st.session_state.pop(edit_key, None)
                                st.session_state[f"{P}.done"] = "Your note was changed; the edit is shown with it."
                                st.rerun()
                    with right:
                        sure = st.checkbox("Delete it for good", key=f"{P}.sure_note.{note.id}")
                        if st.button("Delete the note", key=f"{P}.delete_note.{note.id}", disabled=not sure,
                                     icon=":material/delete:"):
                            try:
                                store.delete_note(note.id, you)
                            except (PermissionError, KeyError):
                                st.error("Only the person who wrote a note can delete it.")
                            else:
                                st.session_state[f"{P}.done"] = "Your note was deleted for good."
                                st.rerun()
    note_key = f"{P}.note.{item.id}"

    def add_note() -> None:
        text = st.session_state.get(note_key, "")
        try:
            if not you:
                raise ValueError("give your name or role at the top of the page: notes say who wrote them")
            store.add_note(item.id, text, author=you)
        except ValueError as exc:
            st.session_state[f"{P}.note_error"] = str(exc)
        else:
            st.session_state[note_key] = ""

    widgets.private_text("Add a note from supervision (dated and signed automatically; keep it de-identified)",
                         key=note_key, area=True, max_chars=4000)
    st.button("Add note", key=f"{P}.add_note", on_click=add_note, icon=":material/note_add:")
    if error := st.session_state.pop(f"{P}.note_error", None):
        st.error(md(error))

with feedback_tab:
    st.markdown("For each recommended action: was it planned, done, or did it not apply here? Say why when it "
                "did not apply: trainers and supervisors read the reasons, per rule, on the **Advice feedback** page.")
    choices = ["", *JUDGEMENTS]
    for action in report.actions:
        pick_key_, reason_key = f"{P}.fb.{item.id}.{action.id}", f"{P}.fbr.{item.id}.{action.id}"
        earlier = judged.get(action.id)
        st.session_state.setdefault(pick_key_, earlier.judgement if earlier else "")
        st.session_state.setdefault(reason_key, earlier.reason if earlier else "")
        with st.container(border=True):
            st.markdown(f"{widgets.badge(action.urgency)} **{md(action.label)}**")
            st.radio("Judgement", choices, key=pick_key_, horizontal=True, label_visibility="collapsed",
                     format_func=lambda j: JUDGEMENT_WORDS.get(j, "Not judged yet"))
            if st.session_state[pick_key_] == "not_applicable":
                widgets.private_text("Why does it not apply here?", key=reason_key, max_chars=1000)
            if earlier:
                st.caption(f"{md(JUDGEMENT_WORDS[earlier.judgement])}, by {md(earlier.author or rec.NOT_GIVEN)}, "
                           f"{rec.when(earlier.updated_at)}.")
    if st.button("Save the feedback", key=f"{P}.save_feedback", icon=":material/save:", disabled=not you):
        problems = []
        for action in report.actions:
            pick = st.session_state.get(f"{P}.fb.{item.id}.{action.id}") or None
            reason = st.session_state.get(f"{P}.fbr.{item.id}.{action.id}", "")
            earlier = judged.get(action.id)
            if pick == (earlier.judgement if earlier else None) and (pick != "not_applicable" or reason == earlier.reason):
                continue  # unchanged: the earlier judgement keeps its author and time
            try:
                store.set_feedback(item.id, action.id, pick, you, reason=reason if pick == "not_applicable" else "",
                                   rules=tuple(b.rule for b in action.because))
            except (ValueError, KeyError) as exc:
                problems.append(f"{action.label}: {exc}")
        if problems:
            st.error("\n".join(f"- {md(p)}" for p in problems))
        else:
            st.session_state[f"{P}.done"] = f"The feedback on consultation #{item.id} was saved."
            st.rerun()
    if not you:
        st.caption("Give your name or role at the top of the page to record feedback.")

with facts_tab:
    widgets.facts_summary(rb, report.facts)

st.markdown("**The whole record** (the record, what changed, the notes and today's report):")
widgets.record_downloads(item, notes, report, key=f"{P}.record")

mine = not access.shared() or item.owner == store.viewer.user  # where people sign in, only who saved it
if access.shared() and mine:
    with st.expander("Share it for review", icon=":material/share:"):
        supervisors = {u.username: u.name for u in access.directory().with_role("supervisor")}
        share_key = f"{P}.share.{item.id}"
        st.session_state.setdefault(share_key, [u for u in store.shared_with(item.id) if u in supervisors])
        st.multiselect("Shared for review with", list(supervisors), key=share_key, format_func=supervisors.get,
                       placeholder="Only you")
        if st.button("Save who it is shared with", key=f"{P}.save_share", icon=":material/save:"):
            store.share(item.id, st.session_state[share_key])
            st.session_state[f"{P}.done"] = f"Who consultation #{item.id} is shared with was saved."
            st.rerun()

st.divider()
if mine:  # a supervisor reviews a shared consultation; only who saved it deletes it
    with st.expander("Delete this consultation", icon=":material/delete:"):
        st.markdown("Deleting removes the answers, the title, the decision, the outcome and every note, for good.")
        sure = st.checkbox("Yes, delete it and its notes", key=f"{P}.sure.{item.id}")
        if st.button("Delete", key=f"{P}.delete", disabled=not sure):
            store.delete(item.id)
            st.session_state.pop(pick_key, None)
            st.session_state[f"{P}.deleted"] = f"Consultation #{item.id} and its notes were deleted for good."
            st.rerun()
