"""Library: the Code (each commitment and purpose with the rules citing it and the scenarios reaching
it), every rule in plain words, the scenarios (each one a click from its exercise) and the action
catalogue, searched all at once. Built once per version of the rules (ui/reference.py, cached);
only the open tab is drawn."""
from __future__ import annotations

import streamlit as st

from ui import widgets
from ui.reference import Entry, search
from ui.widgets import md

P = "library"
advisor = widgets.advisor()
rb = advisor.rulebase
code = rb.code
entries = widgets.reference()

st.title("Library")
st.markdown(f"*{md(code.title)}*: its commitments and purposes, the rules that apply them, the training "
            "scenarios and the actions a report can recommend.")
query = widgets.bounded_text("Search the Code, the rules and the scenarios", f"{P}.search", 120,
                             placeholder="for example: gift, secret, supervisor, self-determination",
                             help="Every word must appear, in any order; parts of words count.")
found = search(entries, query) if query.strip() else entries
by_kind = {kind: [e for e in found if e.kind == kind] for kind in ("purpose", "commitment", "rule", "scenario", "action")}
if query.strip():
    counts = [(len(by_kind["purpose"]) + len(by_kind["commitment"]), "in the Code"), (len(by_kind["rule"]), "rules"),
              (len(by_kind["scenario"]), "scenarios"), (len(by_kind["action"]), "actions")]
    if found:
        st.markdown(f"**{len(found)} found:** " + ", ".join(f"{n} {what}" for n, what in counts) + ".")
    else:
        st.info("Nothing in the library has all these words. Try fewer words, or another word for the same thing.",
                icon=":material/search_off:")


def counted(label: str, n: int) -> str:
    return f"{label} ({n})" if query.strip() else label


def bullet_list(title: str, items) -> str:
    items = list(items)
    return f"**{title}**  \n" + ("\n".join(f"- {md(i)}" for i in items) if items else "none yet.")


def code_entry(entry: Entry, few: bool) -> None:
    rules = [i.removeprefix("Rule: ") for i in entry.related if i.startswith("Rule: ")]
    scenarios = [i.removeprefix("Scenario: ") for i in entry.related if i.startswith("Scenario: ")]
    kind, number = entry.kind, int(entry.key)
    citing = [r.id for r in rb.rules if any(c.kind == kind and c.number == number for c in r.cites)]
    rule_lines = "\n".join(f"- {md(t)} · `{rule_id}`" for t, rule_id in zip(rules, citing))  # ids: references
    with st.expander(entry.title, expanded=few):
        st.markdown(f"> “{md(entry.quote)}”\n\n**Rules that cite it**  \n" + (rule_lines or "none yet.")
                    + "\n\n" + bullet_list("Scenarios that reach it", scenarios))


code_tab, rules_tab, scenarios_tab, actions_tab = widgets.kept_tabs(f"{P}.tab", {
    "code": counted("The Code", len(by_kind["purpose"]) + len(by_kind["commitment"])),
    "rules": counted("Rules", len(by_kind["rule"])), "scenarios": counted("Scenarios", len(by_kind["scenario"])),
    "actions": counted("Actions", len(by_kind["action"]))})

if code_tab.open:
    with code_tab:
        few = bool(query.strip()) and len(by_kind["purpose"]) + len(by_kind["commitment"]) <= 3
        if not query.strip():
            with st.expander("Scope and application", icon=":material/description:"):
                st.markdown(widgets.paragraphs(code.scope))
                st.markdown(widgets.paragraphs(code.application))
        if by_kind["purpose"]:
            st.markdown("## Purposes of case management")
            for entry in by_kind["purpose"]:
                code_entry(entry, few)
        if by_kind["commitment"]:
            st.markdown(f"## Commitments  \n*{md(code.preamble)}*")
            for section in code.sections:
                shown = [e for e in by_kind["commitment"] if e.group == section.title]
                if shown:
                    st.markdown(f"### {md(section.title)}")
                    for entry in shown:
                        code_entry(entry, few)
        if not by_kind["purpose"] and not by_kind["commitment"]:
            st.markdown("No commitment or purpose has these words.")

if rules_tab.open:
    with rules_tab:
        rules = by_kind["rule"]
        st.markdown(f"{len(rb.rules)} rules, each in plain words: when it applies, what it cites, what it recommends "
                    "and how urgently. The rule's name and file, for authors, come last.")
        if not query.strip():
            files = sorted({e.group for e in rules})
            pick = st.selectbox("Rule file", files + ["All files"], key=f"{P}.file")
            rules = [e for e in rules if pick == "All files" or e.group == pick]
        if not rules:
            st.markdown("No rule has these words.")
        for entry in rules:
            with st.expander(f"{entry.title} ({entry.key})", expanded=len(rules) <= 3):
                *said, where = entry.lines
                scenarios = [i.removeprefix("Scenario: ") for i in entry.related]
                st.markdown("\n".join(f"- {md(line)}" for line in said)
                            + "\n\n" + bullet_list("Fires in the scenarios", scenarios) + f"\n\n*{md(where)}*")

if scenarios_tab.open:
    with scenarios_tab:
        shown = by_kind["scenario"]
        st.markdown("Each scenario is an exercise on the Train page: read it, name the commitments and the actions, "
                    "and compare your answer with the expected one.")
        if not shown:
            st.markdown("No scenario has these words.")
        for topic in dict.fromkeys(e.group for e in shown):
            st.markdown(f"## {md(topic)}")
            for entry in (e for e in shown if e.group == topic):
                with st.container(border=True):
                    narrative, about = entry.lines
                    summary = narrative if len(narrative) <= 240 else narrative[:240].rsplit(" ", 1)[0] + " …"
                    st.markdown(f"**{md(entry.title)}**  \n{md(about)}  \n{md(summary)}")
                    # The title in the button's name: a list of buttons all called "Do this exercise"
                    # says nothing to a screen-reader user.
                    if st.button(widgets.widget_label(f"Do the exercise “{entry.title}”"), key=f"{P}.train.{entry.key}",
                                 icon=":material/school:"):
                        widgets.open_exercise(entry.key)

if actions_tab.open:
    with actions_tab:
        st.markdown("The catalogue of actions a report can recommend, with their usual urgency "
                    "(a rule can make one more urgent).")
        if not by_kind["action"]:
            st.markdown("No action has these words.")
        for entry in by_kind["action"]:
            action = rb.actions[entry.key]
            with st.container(border=True):
                st.markdown(f"{widgets.badge(action.urgency)}" + (" :red-badge[Safety]" if action.safety else "")
                            + f"  \n**{md(action.label)}** (`{action.id}`)  \n{md(action.guidance)}")
                st.caption(f"Recommended by {len(entry.related)} rule{'s' if len(entry.related) != 1 else ''}"
                           + (": " + "; ".join(md(r.removeprefix("Rule: ")) for r in entry.related) if entry.related else "")
                           + ".")
