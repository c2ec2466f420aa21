"""The intake generated from the vocabulary, and the exports (ui/intake.py, ui/exports.py)."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from engine.render import to_markdown
from ui import intake
from ui.exports import exports, stamp
from ui.widgets import md


def test_every_input_fact_is_asked_once_its_parents_open_it(rulebase):
    """Answer each question with the value its follow-ups ask for: every fact is then asked, once."""
    def opener(fact, _depth):
        seen.append(fact.id)
        for child in rulebase.input_facts:
            for parent, accepted in child.ask_if:
                if parent == fact.id:
                    return [accepted[0]] if fact.type == "list" else accepted[0]
        return None

    seen: list[str] = []
    intake.walk(rulebase, [g.id for g in rulebase.groups], opener)
    assert sorted(seen) == sorted(f.id for f in rulebase.input_facts)


def test_follow_ups_are_asked_only_when_their_condition_holds(rulebase):
    areas = ["safety"]
    assert "victim_group" not in intake.collect(rulebase, areas, {"victim_group": "child"})
    facts = intake.collect(rulebase, areas, {"suspected_abuse": intake.YES, "victim_group": "child"})
    assert facts == {"suspected_abuse": True, "victim_group": "child"}
    facts = intake.collect(rulebase, areas, {"suspected_abuse": intake.NO, "victim_group": "child"})
    assert facts == {"suspected_abuse": False}


def test_widget_values_round_trip_and_not_sure_is_no_fact(rulebase):
    for fact in rulebase.input_facts:
        samples = {"bool": [True, False], "enum": list(fact.value_ids), "list": [[], list(fact.value_ids[:2])],
                   "int": [fact.minimum or 0]}[fact.type]
        for value in samples:
            assert intake.from_widget(fact, intake.to_widget(fact, value)) == value, fact.id
        assert intake.from_widget(fact, intake.to_widget(fact, None)) is None, fact.id


def test_areas_of_facts(rulebase):
    assert intake.areas_of(rulebase, {"victim_group": "child", "gift_offered": True}) == ["safety", "relationships"]


def test_value_words_use_the_vocabularys_labels(rulebase):
    assert intake.value_words(rulebase.facts["victim_group"], "child") == "A child (under 18)"
    assert intake.value_words(rulebase.facts["suspected_abuse"], False) == "no"
    assert intake.value_words(rulebase.facts["suspected_abuse"], None) == "not sure"
    assert intake.value_words(rulebase.facts["relationship_kind"], []) == "none of these"


def test_exports_are_stamped_with_version_and_date_and_keep_titles_out_of_file_names(advisor):
    report = advisor.evaluate({"suspected_abuse": True, "victim_group": "child"})
    now = datetime(2025, 3, 1, 10, 30, tzinfo=timezone.utc)
    files = {e.label: e for e in exports(report, advisor.rulebase, "Bruise – home visit", now)}
    assert set(files) == {"PDF", "Markdown", "JSON"}
    assert all(e.file_name.startswith("ethics-report-2025-03-01-1030") for e in files.values())
    assert files["PDF"].make().startswith(b"%PDF-")
    text = files["Markdown"].make().decode("utf-8")
    assert text == to_markdown(report, advisor.rulebase, title="Bruise – home visit", stamp=stamp(now))
    assert "exported 2025-03-01 10:30 UTC" in text and report.version in text
    data = json.loads(files["JSON"].make())
    assert data["export"] == {"exported_at": "2025-03-01T10:30:00+00:00", "rules_version": report.version,
                              "rules_sha256": report.sha256, "title": "Bruise – home visit"}
    assert data["ruleset"]["version"] == report.version and data["actions"][0]["id"] == "report_to_authorities"


def test_markdown_escaping_shows_text_as_typed():
    assert md("**x** :red[y] $z$ <b>") == "\\*\\*x\\*\\* \\:red\\[y\\] \\$z\\$ \\<b\\>"
    assert md("line one\nline two") == "line one  \nline two"


def test_prose_from_yaml_keeps_its_paragraphs_but_not_its_line_breaks():
    from ui.widgets import paragraphs

    assert paragraphs("One line\nwrapped here.\n\nSecond *para*.\n") == "One line wrapped here\\.\n\nSecond \\*para\\*\\."
