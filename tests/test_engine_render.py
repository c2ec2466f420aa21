"""Each renderer shows what matters first, quotes the Code exactly and says why."""
from __future__ import annotations

import json

import pytest

import engine
from engine.render import headline, to_json, to_markdown, to_text
from tests.support.minirules import CHAIN_RULES, make_rules_dir

RULES = CHAIN_RULES + """\
  - id: r.urgent
    title: urgent
    priority: 90
    when: flag_b
    cites: [{commitment: 18, why: Privacy matters here.}]
    actions: [{id: report_to_authorities, note: Do it today.}]
    tensions: [{between: [19, 18], why: Privacy against the duty to report.}]
    questions: ["Who else should know?"]
  - id: r.calm
    title: calm
    when: {fact: colour, equals: red}
    cites: [{commitment: 7, why: Roles.}, {purpose: 2, why: Hope.}]
    actions: [document]
"""


@pytest.fixture(scope="module")
def advisor(tmp_path_factory):
    return engine.load(make_rules_dir(tmp_path_factory.mktemp("render"), RULES))


@pytest.fixture(scope="module")
def report(advisor):
    return advisor.evaluate({"flag_b": True, "colour": "red"})


def test_text_puts_the_disclaimer_and_the_immediate_action_first(report):
    text = to_text(report)
    assert text.index("NOTE: This report supports your professional judgement") < text.index("WHAT TO DO")
    assert "Act now: Report to protective services" in text
    assert text.index("[IMMEDIATE] Report to protective services") < text.index("[ROUTINE] Document")
    assert text.index("WHAT TO DO") < text.index("COMMITMENTS AT STAKE") < text.index("WHAT PULLS AGAINST WHAT")
    assert "Note: Do it today." in text
    assert "because rule r.urgent (Flag B: yes)" in text


def test_text_quotes_the_code_exactly(report, advisor):
    flat = " ".join(to_text(report, width=10_000).split())
    for number in (7, 18):
        assert f'"{advisor.rulebase.code.commitment(number).text}"' in flat


def test_markdown_has_sections_in_order_and_the_exact_code_text(report, advisor):
    md = to_markdown(report, title="Consultation", stamp="2026-11-27")
    assert md.startswith("# Consultation\n")
    assert "rules version" in md and "2026-11-27" in md
    assert md.index("## What to do") < md.index("## Commitments at stake") < md.index("## What pulls against what")
    assert "**IMMEDIATE**" in md and "18 / 19" in md
    code_text = advisor.rulebase.code.commitment(18).text
    assert f"  > {code_text}" in md


def test_markdown_escapes_text_it_did_not_write(report):
    md = to_markdown(report, title="Mrs *X* <script>alert(1)</script> [link](http://x)")
    first = md.splitlines()[0]
    assert "<script>" not in first and "\\<script\\>" in first
    assert "\\*X\\*" in first and "\\[link\\]" in first


def test_json_is_the_report_dictionary(report):
    assert json.loads(to_json(report)) == json.loads(json.dumps(report.to_dict()))


def test_an_empty_report_says_so_plainly(advisor):
    empty = advisor.evaluate({})
    assert headline(empty).startswith("No rule matched")
    assert "No action is recommended" in to_text(empty)
    assert "No action is recommended" in to_markdown(empty)
    assert "(none given)" in to_text(empty)


def test_implied_facts_are_marked(advisor):
    text = to_text(advisor.evaluate({"detail": "d2"}))
    assert "Flag A: yes (implied by a follow-up answer)" in text


def test_values_are_shown_by_their_labels_not_their_ids(report):
    text = to_text(report)
    assert "because rule r.calm (Colour: Red)" in text
    assert "  Colour: Red\n" in text and "Colour: red" not in text
    assert "- Colour: Red" in to_markdown(report)
