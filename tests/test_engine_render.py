"""Each renderer shows what matters first, quotes the Code exactly and says why."""
from __future__ import annotations

import json

import pytest

import engine
from engine.present import headline
from engine.render import to_json, to_markdown, to_text
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


def test_text_puts_act_now_first_then_the_disclaimer_then_the_actions(report, advisor):
    text = to_text(report, advisor.rulebase)
    assert text.index("Act now: Report to protective services") < text.index("NOTE: This report supports")
    assert text.index("NOTE: This report supports your professional judgement") < text.index("WHAT TO DO")
    assert text.index("[IMMEDIATE] Report to protective services") < text.index("[ROUTINE] Document")
    assert text.index("WHAT TO DO") < text.index("COMMITMENTS THAT GOVERN") < text.index("WHAT PULLS AGAINST WHAT")
    assert "Note: Do it today." in text
    assert "because rule r.urgent (Flag B: yes)" in text


def test_text_quotes_the_code_exactly(report, advisor):
    flat = " ".join(to_text(report, advisor.rulebase, width=10_000).split())
    for number in (7, 18):
        assert f'"{advisor.rulebase.code.commitment(number).text}"' in flat


def test_markdown_has_sections_in_order_and_the_exact_code_text(report, advisor):
    md = to_markdown(report, advisor.rulebase, title="Consultation", stamp="2026-11-27")
    assert md.startswith("# Consultation\n")
    assert "rules version" in md and "2026-11-27" in md
    assert md.index("## What to do") < md.index("## Commitments that govern") < md.index("## What pulls against what")
    assert "**IMMEDIATE**" in md and "- **18. " in md
    code_text = advisor.rulebase.code.commitment(18).text
    assert f"  > {code_text}" in md


def test_markdown_escapes_text_it_did_not_write(report, advisor):
    md = to_markdown(report, advisor.rulebase, title="Mrs *X* <script>alert(1)</script> [link](http://x)")
    first = md.splitlines()[0]
    assert "<script>" not in first and "\\<script\\>" in first
    assert "\\*X\\*" in first and "\\[link\\]" in first
    assert "http:\u2060//x" in first  # a URL typed by a person is shown as text, never a live link


def test_no_url_or_address_in_typed_text_can_become_a_link():
    from engine.render import WORD_JOINER, unlinked

    typed = "see https://evil.example/x, HTTP://a.example, www.evil.example, WWW.b.example or help@evil.example"
    defused = unlinked(typed)
    assert defused.replace(WORD_JOINER, "") == typed  # reads the same
    assert "://" not in defused and "www." not in defused.lower() and "@" not in defused.replace(WORD_JOINER + "@", "")


def test_json_is_the_report_dictionary(report):
    assert json.loads(to_json(report)) == json.loads(json.dumps(report.to_dict()))


def test_an_empty_report_says_so_plainly(advisor):
    empty = advisor.evaluate({})
    assert headline(empty).startswith("No rule matched")
    assert "No action is recommended" in to_text(empty, advisor.rulebase)
    assert "No action is recommended" in to_markdown(empty, advisor.rulebase)
    assert "(none given)" in to_text(empty, advisor.rulebase)
    assert "Nothing has been answered yet" in to_text(empty, advisor.rulebase)


def test_implied_facts_are_marked(advisor):
    text = to_text(advisor.evaluate({"detail": "d2"}), advisor.rulebase)
    assert "Flag A: yes (implied by a follow-up answer)" in text


def test_values_are_shown_by_their_labels_not_their_ids(report, advisor):
    text = to_text(report, advisor.rulebase)
    assert "because rule r.calm (Colour: Red)" in text
    assert "- Colour: Red\n" in text and "Colour: red" not in text
    assert "- **Colour: Red**" in to_markdown(report, advisor.rulebase)
