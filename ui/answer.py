"""An exercise as the Train page and a class session share it: the answer (commitments, actions and
the urgency of each), the trainee's result, and the facilitator's view of a scenario.

The answer is not a form: the urgency questions appear under the actions as they are chosen, so
each run draws them. The expected answer is shown only in the facilitator's view (reached
deliberately, before the exercise) and, in a class, when the trainer reveals it.
"""
from __future__ import annotations

from typing import Mapping

import streamlit as st

from engine.exercise import SCORING_RULE, URGENCY_CHOICES, ExerciseResult, urgency_word
from engine.model import RuleBase
from engine.report import Report
from engine.scenarios import Scenario

from . import classroom, widgets
from .widgets import md

URGENCY_HELP = "Now: before anything else, today. Soon: before the next contact with the individual. Routine: in the course of the work."


def answer_widgets(rulebase: RuleBase, key: str, disabled: bool = False) -> tuple[list[int], dict[str, str | None]]:
    """The trainee's answer: commitments, actions, and for each action chosen how urgent it is."""
    code = rulebase.code
    commitments = st.multiselect("Which commitments of the Code are at stake?", [c.number for c in code.commitments],
                                 key=f"{key}.c", format_func=lambda n: f"{n}. {code.commitment(n).title}",
                                 placeholder="Choose commitments", disabled=disabled)
    actions = st.multiselect("Which actions would you take?", list(rulebase.actions), key=f"{key}.a",
                             format_func=lambda a: rulebase.actions[a].label, placeholder="Choose actions",
                             disabled=disabled)
    marked: dict[str, str | None] = {}
    if actions:
        st.markdown("**How urgent is each action?**")
        st.caption(URGENCY_HELP)
    for action_id in actions:
        marked[action_id] = st.radio(f"How urgent: {rulebase.actions[action_id].label}", list(URGENCY_CHOICES),
                                     key=f"{key}.u.{action_id}", index=None, horizontal=True,
                                     format_func=URGENCY_CHOICES.get, disabled=disabled)
    return commitments, marked


def scoring_caption() -> None:
    st.caption(f"How it is scored: {md(SCORING_RULE)}")


def _listing(rulebase: RuleBase, title: str, numbers: tuple, actions: tuple,
             urgency: Mapping[str, str | None] | None = None) -> None:
    code = rulebase.code
    items = [f"- {n}\\. {md(code.commitment(n).title)}" for n in numbers]  # "- 19. x" would number a list
    items += [f"- {md(rulebase.actions[a].label)}" + (f" ({md(urgency_word(urgency.get(a)))})" if urgency else "")
              for a in actions]
    st.markdown(f"**{title}**  \n" + ("\n".join(items) if items else "None."))


def show_result(result: ExerciseResult, rulebase: RuleBase, marked: Mapping[str, str | None] | None = None) -> None:
    """The trainee's result: what they found against what was expected, the extras to defend, the
    urgencies, the verdict and the feedback, never a bare fraction."""
    st.subheader("Your result", anchor=False)
    st.markdown(f"**{md(result.summary.capitalize())}**"
                + (f"; {md(result.urgency_summary)}" if result.urgency_summary else "") + ".")
    columns = st.columns(3 if result.urgency_asked else 2)
    columns[0].metric("Expected items you named", f"{result.found_count} of {result.expected_count}")
    columns[1].metric("Extra (defensible?)", str(result.extra_count))
    if result.urgency_asked:
        named = len(result.urgency_right) + len(result.urgency_wrong)
        columns[2].metric("Urgency right", f"{len(result.urgency_right)} of {named}")
    st.caption(f"Points: {result.score} of {result.possible}.")
    if result.must_not_picked:
        st.error("**Must not:** " + "; ".join(f"“{md(rulebase.actions[a].label)}”" for a in result.must_not_picked)
                 + " should not be done in this situation.", icon=":material/dangerous:")
    if result.perfect:
        st.success(md(result.verdict), icon=":material/verified:")
    elif result.passed:
        st.warning(md(result.verdict), icon=":material/rule:")
    else:
        st.error(md(result.verdict), icon=":material/close:")
    right, missed, extra = st.columns(3)
    with right:
        _listing(rulebase, "Right", result.right_commitments, result.right_actions, marked)
    with missed:
        _listing(rulebase, "Missed", result.missed_commitments, result.missed_actions)
    with extra:
        _listing(rulebase, "Extra (defensible?)", result.extra_commitments, result.extra_actions, marked)
    st.markdown("**Feedback**  \n" + "\n".join(f"- {md(line)}" for line in result.feedback))


def expected_answer(scenario: Scenario, rulebase: RuleBase) -> None:
    st.markdown("**The expected answer**  \n" + "\n".join(
        f"- {md(line)}" for line in classroom.expected_lines(scenario, rulebase)))


def facilitator_view(scenario: Scenario, rulebase: RuleBase, report: Report) -> None:
    """What the person running the exercise reads before it starts: the expected answer, the notes,
    the discussion questions, and the engine's reasoning."""
    st.markdown("#### Facilitator view")
    st.caption("For the person running the exercise. Trainees answer without seeing any of this.")
    expected_answer(scenario, rulebase)
    if scenario.review:
        with st.expander("Where an independent review disagreed with this answer", icon=":material/rule:"):
            st.markdown(widgets.paragraphs(scenario.review))
    st.markdown("**Facilitator notes**")
    st.markdown(widgets.paragraphs(scenario.facilitator_notes) if scenario.facilitator_notes
                else "This scenario has no notes.")
    discussion_questions(scenario)
    with st.expander("The engine's reasoning", icon=":material/psychology:"):
        widgets.show_report(report, rulebase)


def discussion_questions(scenario: Scenario) -> None:
    if scenario.discussion_questions:
        st.markdown("**Discussion questions**  \n" + "\n".join(f"- {md(q)}" for q in scenario.discussion_questions))
