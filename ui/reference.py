"""The Library's contents as searchable entries: the Code (purposes and commitments, with the rules
citing each and the scenarios reaching it), every rule in plain words, every scenario and every
action. Pure (no Streamlit): built once per version of the rules and scenarios, then searched.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from engine.describe import coverage, rule_words
from engine.model import RuleBase
from engine.words import URGENCY_WORDS

from .training import ScenarioLibrary, scenario_commitments, topic_words

KINDS = ("purpose", "commitment", "rule", "scenario", "action")


@dataclass(frozen=True)
class Entry:
    kind: str  # one of KINDS
    key: str  # "19", "abuse.child", a scenario id, an action id
    title: str  # what the entry is called, in words
    group: str  # the Code's section, the rule's file, the scenario's topic
    lines: tuple[str, ...]  # what it says, in plain words (prose, not Markdown)
    quote: str = ""  # the Code's exact words
    related: tuple[str, ...] = ()  # rules and scenarios, in words
    search_text: str = ""  # everything above, folded for search


def fold(text: str) -> str:
    """Lower case without accents, so that 'Self determination' finds 'Self-determination'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", " ", plain.lower()).strip()


def _entry(kind: str, key: str, title: str, group: str, lines: Iterable[str], quote: str = "",
           related: Iterable[str] = ()) -> Entry:
    lines, related = tuple(lines), tuple(related)
    text = fold(" ".join([key, title, group, quote, *lines, *related]))
    return Entry(kind, key, title, group, lines, quote, related, f" {text} ")


def build_entries(rulebase: RuleBase, library: ScenarioLibrary) -> tuple[Entry, ...]:
    code = rulebase.code
    rows = {(row.kind, row.number): row for row in coverage(rulebase, library.results).rows}
    titles = {s.id: s.title for s in library.scenarios}
    reached_by = {}  # rule id -> titles of the scenarios it fires in
    for result in library.results:
        for rule_id in result.report.fired_rules:
            reached_by.setdefault(rule_id, []).append(result.scenario.title)

    def related(kind: str, number: int) -> list[str]:
        row = rows[(kind, number)]
        return ([f"Rule: {rulebase.rule(r).title}" for r in row.rules]
                + [f"Scenario: {titles.get(s, s)}" for s in row.scenarios])

    entries = [_entry("purpose", str(p.number), f"Purpose {p.number}: {p.title}", "Purposes of case management",
                      (), quote=p.text, related=related("purpose", p.number)) for p in code.purposes]
    for section in code.sections:
        for number in section.commitments:
            c = code.commitment(number)
            entries.append(_entry("commitment", str(c.number), f"{c.number}. {c.title}", section.title, (),
                                  quote=c.text, related=related("commitment", c.number)))
    for rule in rulebase.rules:
        words = rule_words(rulebase, rule)
        entries.append(_entry("rule", rule.id, rule.title, rule.file, (*words.lines(), words.where),
                              related=[f"Scenario: {t}" for t in reached_by.get(rule.id, ())]))
    for scenario in library.scenarios:
        numbers = scenario_commitments(scenario)
        entries.append(_entry(
            "scenario", scenario.id, scenario.title, topic_words(scenario.topic, rulebase),
            (" ".join(scenario.narrative.split()),
             f"{scenario.level.capitalize()} level; commitments "
             + (", ".join(f"{n}. {code.commitment(n).title}" for n in numbers) or "none")
             + (". A control: nothing serious is wrong." if scenario.control else "."))))
    for action in rulebase.actions.values():
        recommending = [r.title for r in rulebase.rules if any(ref.id == action.id for ref in r.actions)]
        entries.append(_entry(
            "action", action.id, action.label, URGENCY_WORDS[action.urgency] + (" · safety" if action.safety else ""),
            (action.guidance,), related=[f"Rule: {t}" for t in recommending]))
    return tuple(entries)


def search(entries: Iterable[Entry], query: str) -> tuple[Entry, ...]:
    """The entries holding every word of the query (in any order, any case, with or without
    accents); all of them when the query is empty."""
    words = fold(query).split()
    return tuple(e for e in entries if all(f" {w}" in e.search_text for w in words))


__all__ = ["Entry", "KINDS", "build_entries", "fold", "search"]
