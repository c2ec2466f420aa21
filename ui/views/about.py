"""About: what the tool is, how it decides, its limits, the rule-base version."""
from __future__ import annotations

import streamlit as st

from ui import widgets
from ui.widgets import md

advisor = widgets.advisor()
rb = advisor.rulebase

st.title("About")
widgets.disclaimer()
st.markdown(f"""
## What it is
Decision support for case managers facing an ethical question, built on the
*{md(rb.code.title)}*: {len(rb.code.purposes)} purposes and {len(rb.code.commitments)} commitments.
It helps you recognise what is at stake, decide what comes first, test the decision and document it,
and it helps trainers and supervisors teach and review.

## How it decides
- You answer questions from a fixed vocabulary of {len(rb.input_facts)} facts, grouped in
  {len(rb.groups)} areas. *Not sure* leaves a fact unknown, which is never read as *no*.
- {len(rb.rules)} rules, written as data and each citing the Code, test those facts. Every rule that
  matches contributes: the commitments it cites, the actions it recommends with their urgency, the
  tensions and the questions it raises.
- Actions are listed most urgent first; safety actions (emergency, a report of suspected abuse, duty to
  warn) always come first and need no one's approval.
- “What else to find out” lists the unanswered questions whose answer would change the advice.
- Every item of a report shows its reasons: the rules and the facts behind it. The same facts always
  give the same report.

## Its limits
- It knows only what the rules say, and only the facts you give it. It cannot weigh what it was not
  told, and it does not know the law of your jurisdiction or your agency's policy.
- It supports your judgement and your supervision; it replaces neither. When someone may be in danger,
  call emergency services first.
- Training scores compare your answer with the scenario author's expected answer; discuss the
  differences, they are often the most useful part.

## Your data
Nothing you type is logged or put in a web address. A consultation is saved only when you choose to,
with a de-identified title, {widgets.storage_place()}. Downloads are made on request and stay with you.

## Version
Rules **{md(rb.name)}**, version **{md(rb.version)}**, sha256 `{rb.sha256}`.
{len(rb.actions)} actions in the catalogue; {len(widgets.library().scenarios)} training scenarios.
""")
