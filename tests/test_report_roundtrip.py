"""A report read back from its JSON is the same report: what a saved consultation keeps, so that
today's report can be compared with the one given when it was saved."""
from __future__ import annotations

import json

import pytest

import engine
from engine.report import Report
from engine.scenarios import read_scenarios
from tests.conftest import SCENARIOS_DIR


def test_every_scenario_report_reads_back_from_its_json_unchanged(advisor):
    scenarios = read_scenarios(SCENARIOS_DIR, advisor.rulebase)
    assert len(scenarios) > 50
    for scenario in scenarios:
        report = advisor.evaluate(scenario.raw_facts)
        again = Report.from_dict(json.loads(json.dumps(report.to_dict())))
        assert again.to_dict() == report.to_dict(), scenario.id
        assert engine.compare(again, report).is_empty and not engine.compare(again, report).changed_facts


def test_what_is_not_a_report_is_refused(advisor):
    with pytest.raises((KeyError, TypeError)):
        Report.from_dict({"facts": {}})
