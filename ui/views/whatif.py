"""What if: change one or more facts and see, beside the form, what each change does to the advice
and which rules are behind it; from a saved consultation, keep the outcome as one of its notes."""
from __future__ import annotations

import streamlit as st

import engine
from engine.present import fact_change_words, what_if_text
from ui import widgets
from ui.storage import NOTE_MAX
from ui.widgets import md

P = "whatif"
st.set_page_config(layout="wide")  # the form and its result side by side; stacked on a phone
advisor = widgets.advisor()
rb = advisor.rulebase

st.title("What if?")
st.markdown("Change one or more facts and see what the advice would be: what is added, what goes, what "
            "becomes more or less urgent, and which change and which rules are behind each difference.")

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
st.caption(f"Starting point: {md(base['origin'])}. What changes is shown beside the form; on a phone, "
           "[below it](#changes).")
# Wide screens: the result column stays in view while the form beside it scrolls. Phones stack the columns.
st.html("""<style>
@media (min-width: 640px) {
  [data-testid="stColumn"]:has(.st-key-whatif-result) {
    position: sticky; top: 3.75rem; align-self: flex-start; max-height: calc(100vh - 4.5rem); overflow-y: auto;
  }
}
</style>""")
form, result = st.columns(2, gap="large")
with form:
    st.header("Change the facts", anchor="change")
    areas = widgets.area_picker(rb, P)
    facts = widgets.questions(rb, P, areas)
after = advisor.evaluate(facts)
whatif = engine.explain_what_if(advisor, before, after)
diff = whatif.diff

with result, st.container(key=f"{P}-result"):
    st.header("What changes", anchor="changes")
    if not whatif.changes:
        st.info("No fact has been changed yet: change one beside (or above) this.", icon=":material/edit:")
    else:
        st.markdown("**Facts changed:**\n" + "\n".join(f"- {md(fact_change_words(rb, c))}" for c in whatif.changes))
        if whatif.differences:
            st.markdown("**Advice changed**, under the change that causes each difference (found by making each "
                        "change on its own), with the rules behind it:")
            widgets.what_if_explained(rb, whatif)
        else:
            st.success("These changes make no difference to the advice.", icon=":material/check:")
        if whatif.untried:
            st.caption("Not tried on its own, because alone it contradicts another answer: "
                       + "; ".join(md(fact_change_words(rb, c)) for c in whatif.untried) + ".")
    st.warning(md(after.disclaimer), icon=":material/gavel:")

    before_column, after_column = st.columns(2)
    with before_column:
        st.subheader("Before", anchor=False)
        widgets.report_summary(rb, before, diff, side="before")
    with after_column:
        st.subheader("After", anchor=False)
        widgets.report_summary(rb, after, diff, side="after")

    consultation = base.get("consultation")
    if consultation is not None:
        st.subheader(f"Keep it with consultation #{consultation}", anchor=False)
        text = what_if_text(rb, whatif, base["origin"])
        cut = len(text) > NOTE_MAX
        if cut:
            text = text[:NOTE_MAX - 1].rsplit("\n", 1)[0] + "\n…"
        st.markdown("The changed facts and what each changes are kept as a note of the consultation, signed with "
                    "your name or role; the supervisor sees it under **Notes** on the Review page.")
        you = widgets.who_are_you()
        kept = st.session_state.setdefault(f"{P}.kept", {})
        if st.button(f"Keep as a note of consultation #{consultation}", key=f"{P}.keep", icon=":material/note_add:",
                     disabled=not (you and whatif.changes)):
            if kept.get((consultation, text)):
                st.info("This what-if is already kept with the consultation.", icon=":material/check:")
            elif (store := widgets.store(stop=False)) is not None:
                try:
                    kept[(consultation, text)] = store.add_note(consultation, text, author=you)
                except KeyError:
                    st.error(f"Consultation #{consultation} no longer exists: it may have been deleted.")
                except ValueError as exc:
                    st.error(md(exc))
                else:
                    st.success(f"Kept as a note of consultation #{consultation}: it is under **Notes** on the "
                               "Review page.", icon=":material/check:")
        if cut:
            st.caption(f"A note holds at most {NOTE_MAX:,} characters: the last differences are left out of it "
                       "(they are all shown above).")
        if not whatif.changes:
            st.caption("Change a fact first: then what it changes can be kept.")
        elif not you:
            st.caption("Give your name or role to keep it: notes say who wrote them.")

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
