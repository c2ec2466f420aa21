"""NACM Code of Ethics decision support: the engine.

The data flow, one module per step:

    load.py      read the rules folder (safe YAML with line numbers)
    validate.py  check it and build the RuleBase (model.py), listing every problem; schema.py
                 holds the documents' shapes, conditions.py the condition language, messages.py
                 what the author reads
    compile.py   compile it into durable-rules (the only module that knows the engine)
    evaluate.py  check a scenario's facts, run them, build the report (report.py)
    render.py    text, Markdown and JSON
    whatif.py    what if: which changed fact gives which difference, and the rules behind it

    import engine
    advisor = engine.load()
    report = advisor.evaluate({"suspected_abuse": True, "victim_group": "child"})
    report.to_dict()
"""
from __future__ import annotations

from pathlib import Path

from .errors import EngineFailure, FactsError, InputError, Issue, RuleBaseError, ScenarioError
from .evaluate import Advisor
from .facts import CheckedFacts, check_facts, fact_applies
from .load import DEFAULT_RULES_DIR, fingerprint, read_rules_dir
from .model import RuleBase
from .report import DISCLAIMER, Report, ReportDiff, compare
from .validate import validate
from .whatif import WhatIf
from .whatif import explain as _explain_what_if

__all__ = [
    "Advisor", "CheckedFacts", "DEFAULT_RULES_DIR", "DISCLAIMER", "EngineFailure", "FactsError",
    "InputError", "Issue", "Report", "ReportDiff", "RuleBase", "RuleBaseError", "ScenarioError",
    "WhatIf", "check_facts", "compare", "explain_what_if", "fact_applies", "fingerprint", "load", "load_rulebase",
]


def load_rulebase(rules_dir: str | Path | None = None) -> RuleBase:
    """Read and validate a rules folder (default: rules/ of this checkout)."""
    return validate(read_rules_dir(rules_dir))


def load(rules_dir: str | Path | None = None) -> Advisor:
    """Validate and compile a rules folder once; the Advisor evaluates scenarios many times."""
    return Advisor(load_rulebase(rules_dir))


def explain_what_if(advisor: Advisor, before: Report, after: Report) -> WhatIf:
    """What differs between two reports, each difference put down to the changed fact that gives
    it on its own, with the rules behind it (whatif.py)."""
    return _explain_what_if(advisor.rulebase, lambda facts: advisor.evaluate(facts, explore=False), before, after)
