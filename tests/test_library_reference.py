"""The Library's contents (ui/reference.py) and a rule in plain words (engine/describe.rule_words)."""
from __future__ import annotations

import pytest

from engine.describe import rule_words
from ui.reference import build_entries, fold, search
from ui.training import load_library


@pytest.fixture(scope="module")
def entries(advisor):
    return build_entries(advisor.rulebase, load_library(advisor))


def test_every_commitment_purpose_rule_scenario_and_action_is_an_entry(entries, rulebase, advisor):
    kinds = {}
    for e in entries:
        kinds.setdefault(e.kind, set()).add(e.key)
    assert kinds["commitment"] == {str(c.number) for c in rulebase.code.commitments}
    assert kinds["purpose"] == {str(p.number) for p in rulebase.code.purposes}
    assert kinds["rule"] == {r.id for r in rulebase.rules}
    assert kinds["action"] == set(rulebase.actions)
    assert kinds["scenario"] == {s.id for s in load_library(advisor).scenarios}


def test_search_needs_every_word_in_any_order_case_or_accent(entries):
    both = search(entries, "SELF determination supervisor")
    assert both and all(" self " in e.search_text and " determination" in e.search_text
                        and " supervisor" in e.search_text for e in both)
    assert set(search(entries, "détermination self")) == set(search(entries, "self determination"))
    assert search(entries, "") == tuple(entries)
    assert search(entries, "qqqq") == ()
    assert fold("Self-determination, “rights”") == "self determination rights"


def test_a_commitment_is_found_by_its_words_and_its_number(entries, rulebase):
    c19 = rulebase.code.commitment(19)
    assert any(e.kind == "commitment" and e.key == "19" for e in search(entries, c19.title))
    word = max(c19.text.split(), key=len).strip(".,;:")
    assert any(e.key == "19" for e in search(entries, word))


def test_a_rule_in_plain_words_names_facts_and_actions_by_their_labels(rulebase):
    rule = next(r for r in rulebase.rules if r.actions and r.replaces)
    words = rule_words(rulebase, rule)
    text = " ".join(words.lines())
    for ref in rule.actions:
        assert rulebase.actions[ref.id].label in text and f" {ref.id}" not in text
    for action_id in rule.replaces:
        assert rulebase.actions[action_id].label in words.takes_out
    assert words.where.startswith(f"{rule.file}, line {rule.line}; rule {rule.id}")


def test_the_library_is_built_once_per_version_of_the_rules_and_scenarios():
    from ui import widgets

    first = widgets.reference()
    assert widgets.reference() is first  # cached: a later visit only searches and draws
