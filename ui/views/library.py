"""Library: the Code (each commitment and purpose with the rules citing it and the scenarios
reaching it), every rule in plain language, and the action catalogue."""
from __future__ import annotations

import streamlit as st

from engine.describe import coverage, explain_rule
from ui import widgets
from ui.widgets import md

advisor = widgets.advisor()
rb = advisor.rulebase
code = rb.code
lib = widgets.library()
rows = {(row.kind, row.number): row for row in coverage(rb, lib.results).rows}
titles = {s.id: s.title for s in lib.scenarios}

st.title("Library")
st.markdown(f"*{md(code.title)}*")


def citing(kind: str, number: int) -> None:
    row = rows[(kind, number)]
    rules = [f"- `{r}` {md(rb.rule(r).title)}" for r in row.rules]
    st.markdown("**Rules that cite it**  \n" + ("\n".join(rules) if rules else "none yet."))
    reached = [f"- {md(titles.get(s, s))}" for s in row.scenarios]
    st.markdown("**Scenarios that reach it**  \n" + ("\n".join(reached) if reached else "none yet."))


def explain(rule) -> None:
    lines = explain_rule(rb, rule).rstrip("\n").split("\n")
    st.markdown("\n".join(f"- {md(line.strip())}" for line in lines[1:]))


code_tab, rules_tab, actions_tab = st.tabs(["The Code", "Rules", "Actions"])
with code_tab:
    with st.expander("Scope and application", icon=":material/description:"):
        st.markdown(widgets.paragraphs(code.scope))
        st.markdown(widgets.paragraphs(code.application))
    st.markdown("## Purposes of case management")
    for p in code.purposes:
        with st.expander(f"Purpose {p.number}: {p.title}"):
            st.markdown(f"> “{md(p.text)}”")
            citing("purpose", p.number)
    st.markdown(f"## Commitments  \n*{md(code.preamble)}*")
    for section in code.sections:
        st.markdown(f"### {md(section.title)}")
        for number in section.commitments:
            c = code.commitment(number)
            with st.expander(f"{c.number}. {c.title}"):
                st.markdown(f"> “{md(c.text)}”")
                citing("commitment", c.number)

with rules_tab:
    st.markdown(f"{len(rb.rules)} rules, each in plain words: what it needs, what it cites, what it recommends.")
    files = sorted({r.file for r in rb.rules})
    pick = st.selectbox("Rule file", ["All files", *files], key="library.file")
    for rule in rb.rules:
        if pick != "All files" and rule.file != pick:
            continue
        with st.expander(f"{rule.id}: {rule.title}"):
            explain(rule)

with actions_tab:
    st.markdown("The catalogue of actions a report can recommend, with their usual urgency "
                "(a rule can make one more urgent).")
    for action in rb.actions.values():
        recommending = [r.id for r in rb.rules if any(ref.id == action.id for ref in r.actions)]
        with st.container(border=True):
            st.markdown(f"{widgets.badge(action.urgency)}"
                        + (" :red-badge[Safety]" if action.safety else "")
                        + f"  \n**{md(action.label)}** (`{action.id}`)  \n{md(action.guidance)}")
            st.caption("Recommended by: " + (", ".join(recommending) if recommending else "no rule yet"))
