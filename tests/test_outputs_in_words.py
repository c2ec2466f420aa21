"""Every output words facts and actions by their labels, never by their ids: the app, text, Markdown
and PDF all format the one presentation model (engine/present.py), so the model is checked on
every library scenario, and the text and Markdown renderers on top of it. Rule ids may appear:
they are cited as references ("because rule abuse.child")."""
from __future__ import annotations

import re

import pytest

from engine.present import outline
from engine.render import to_markdown, to_text
from ui.record import record_outline
from ui.storage import Consultation, Note
from ui.training import load_library

# A snake_case word that is not part of a dotted rule id.
ID_LIKE = re.compile(r"(?<![\w.\\])[a-z]+(?:\\?_[a-z0-9]+)+(?![\w.])")


@pytest.fixture(scope="module")
def reports(advisor):
    return [(s.id, advisor.evaluate(dict(s.facts.values))) for s in load_library(advisor).scenarios]


def ids_in(rulebase, text: str) -> set[str]:
    words = {w.replace("\\_", "_") for w in ID_LIKE.findall(text)}
    return {w for w in words if w in rulebase.facts or w in rulebase.actions}


def test_the_presentation_model_names_no_fact_or_action_by_its_id(rulebase, reports):
    assert len(reports) > 20
    for scenario_id, report in reports:
        doc = outline(report, rulebase)
        texts = [doc.headline, doc.disclaimer]
        for section in doc.sections:
            texts += [section.title, section.intro, section.empty]
            for e in section.entries:
                texts += [e.title, e.tag, e.tag_meaning, e.quote, *e.body, *e.notes, *e.details,
                          *(f"{r.title} {r.facts} {r.applies_when} {r.why}" for r in e.reasons)]
        found = set().union(*(ids_in(rulebase, t) for t in texts if t))
        assert not found, (scenario_id, found)


def test_text_and_markdown_say_what_else_to_find_out_in_labels(rulebase, reports):
    with_questions = [(s, r) for s, r in reports if r.to_find_out]
    assert with_questions
    for scenario_id, report in with_questions:
        for rendered in (to_text(report, rulebase, width=10_000), to_markdown(report, rulebase)):
            part = rendered[rendered.lower().index("what else to find out"):]
            assert not ids_in(rulebase, part), (scenario_id, ids_in(rulebase, part))
            change = report.to_find_out[0].changes[0]
            for action_id in change.adds_actions:
                label = rulebase.actions[action_id].label
                assert label in part.replace("\\", ""), (scenario_id, label)


def test_the_supervision_record_names_no_fact_or_action_by_its_id(rulebase, reports):
    scenario_id, report = reports[0]
    record = Consultation(1, "A title", dict(report.facts), report.version, report.sha256, "2026-01-01T00:00:00+00:00",
                          author="x", saved_report=report.to_dict())
    doc = record_outline(record, [Note(1, 1, "a note", "2026-01-01T00:00:00+00:00", "y")], report, rulebase)
    texts = [e.title for s in doc.sections for e in s.entries] + [d for s in doc.sections for e in s.entries
                                                                    for d in (*e.body, *e.details)]
    assert not set().union(*(ids_in(rulebase, t) for t in texts))
