"""The scenario library for the Train and Library pages: pure helpers, no Streamlit.

Each scenario file is read on its own, so that one broken file (a trainer's, or one being
edited) is reported without hiding the others.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from engine import Advisor, InputError, Issue
from engine.errors import one_line
from engine.inputs import decode_text, read_file_bytes, yaml_files
from engine.paths import DEFAULT_SCENARIOS_DIR
from engine.scenarios import (
    LEVELS, Scenario, ScenarioResult, collect_scenarios, parse_scenario, run_scenario,
)
from engine.model import RuleBase
from engine.yamlio import parse_yaml

SCENARIOS_DIR = DEFAULT_SCENARIOS_DIR  # the checkout's scenarios/, or the installed copy


@dataclass(frozen=True)
class ScenarioLibrary:
    results: tuple[ScenarioResult, ...]  # one per readable scenario, in file-name order
    problems: tuple[str, ...]  # one line per problem in an unreadable file

    @property
    def scenarios(self) -> tuple[Scenario, ...]:
        return tuple(r.scenario for r in self.results)

    def get(self, scenario_id: str) -> ScenarioResult | None:
        return next((r for r in self.results if r.scenario.id == scenario_id), None)


def folder_fingerprint(directory: Path = SCENARIOS_DIR) -> str:
    digest = hashlib.sha256()
    try:
        paths = yaml_files(directory, "scenarios folder") if directory.is_dir() else []
    except InputError:
        paths = []
    for path in paths:
        try:  # read like any input: a named pipe left in the folder must not freeze the app
            data = read_file_bytes(path)
        except InputError as exc:
            data = str(exc).encode("utf-8", "replace")  # load_library reports it; the key still changes
        digest.update(path.name.encode("utf-8", "surrogateescape") + b"\0" + data + b"\0")
    return digest.hexdigest()


def load_library(advisor: Advisor, directory: Path = SCENARIOS_DIR) -> ScenarioLibrary:
    scenarios, issues = collect_scenarios(directory, advisor.rulebase) if directory.is_dir() else ([], [])
    results = tuple(run_scenario(advisor, scenario) for scenario in scenarios)
    return ScenarioLibrary(results, tuple(str(issue) for issue in issues))


MAX_PROBLEMS_SHOWN = 30  # a hostile file's 10,000 problems are summed up, not listed
MAX_UPLOAD_BYTES = 1024 * 1024  # the uploader's own limit, 1 MB as Streamlit counts it (server.maxUploadSize)


def parse_uploaded(advisor: Advisor, data: bytes | str, name: str) -> Scenario:
    """A trainer's own scenario file; raises InputError listing every problem (file, line, field).
    The bytes are checked like any file (size, strict UTF-8, NUL) before YAML sees them."""
    name = one_line(name, 120)
    if isinstance(data, bytes):
        if len(data) > MAX_UPLOAD_BYTES:
            raise InputError(Issue(f"too large: {len(data):,} bytes; the limit is {MAX_UPLOAD_BYTES:,}", file=name))
        data = decode_text(data, name)
    return parse_scenario(parse_yaml(data, name), name, advisor.rulebase, text=data)


def scenario_commitments(scenario: Scenario) -> tuple[int, ...]:
    """The commitments a scenario is about: those it expects (must and may)."""
    exp = scenario.expected
    return tuple(sorted({*exp.must_commitments, *exp.may_commitments}))


def filter_scenarios(scenarios: Iterable[Scenario], topics: Iterable[str] = (), commitments: Iterable[int] = (),
                     levels: Iterable[str] = ()) -> list[Scenario]:
    """Scenarios of any of the topics, reaching any of the commitments, at any of the levels
    (an empty filter lets everything through)."""
    topics, commitments, levels = set(topics), set(commitments), set(levels)
    return [s for s in scenarios
            if (not topics or s.topic in topics)
            and (not levels or s.level in levels)
            and (not commitments or commitments & set(scenario_commitments(s)))]


def topic_order(rulebase: RuleBase) -> list[str]:
    """The topics in the order the rules declare them (ruleset.yaml `topics:`)."""
    return [t.id for t in rulebase.topics]


def topic_words(topic: str, rulebase: RuleBase) -> str:
    """A topic's title as the rules give it."""
    return next((t.title for t in rulebase.topics if t.id == topic), topic.replace("_", " ").capitalize())


__all__ = ["LEVELS", "SCENARIOS_DIR", "ScenarioLibrary", "filter_scenarios", "folder_fingerprint",
           "load_library", "parse_uploaded", "scenario_commitments", "topic_order", "topic_words"]
