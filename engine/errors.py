"""Errors a person can act on.

Every problem with the rules, a scenario or a set of facts is an :class:`Issue` that knows the
file, line, the thing it belongs to (a rule id, a fact id) and the field, so that a trainer reads
``rules/boundaries.yaml:21: rule gifts.cash: when.all[0]: unknown key 'equls' (did you mean
'equals'?)`` instead of a traceback. Problems are collected, not raised one at a time, so that one
run of ``validate`` lists them all.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field as dataclass_field
from typing import Iterable, Sequence


@dataclass(frozen=True)
class Issue:
    message: str
    file: str | None = None
    line: int | None = None
    owner: str | None = None  # e.g. "rule gifts.cash", "fact gift_value"
    field: str | None = None  # e.g. "when.all[0].equals"
    # Two lines of the author's YAML with a caret under the problem, where there is one; shown by
    # the authoring commands (validate, check) under the one-line message, never inside it.
    excerpt: str = dataclass_field(default="", compare=False)

    def __str__(self) -> str:
        place = ""
        if self.file:
            place = self.file + (f":{self.line}" if self.line else "") + ": "
        elif self.line:
            place = f"line {self.line}: "
        parts = [p for p in (self.owner, self.field) if p]
        where = ": ".join(parts)
        return f"{place}{where + ': ' if where else ''}{self.message}"


class InputError(Exception):
    """Bad rules, bad facts or a bad scenario: the user's input, never a bug of ours."""

    def __init__(self, issues: Sequence[Issue] | Issue | str):
        if isinstance(issues, str):
            issues = [Issue(issues)]
        elif isinstance(issues, Issue):
            issues = [issues]
        self.issues: tuple[Issue, ...] = tuple(issues)
        super().__init__(self.lines()[0] if self.issues else "invalid input")

    def lines(self) -> list[str]:
        return [str(i) for i in self.issues]

    def __str__(self) -> str:
        lines = self.lines()
        if len(lines) <= 1:
            return lines[0] if lines else "invalid input"
        return f"{lines[0]} (and {len(lines) - 1} more problem{'s' if len(lines) > 2 else ''})"


class RuleBaseError(InputError):
    """The rules folder does not validate."""


class FactsError(InputError):
    """A set of scenario facts does not fit the fact vocabulary."""


class ScenarioError(InputError):
    """A scenario file is malformed."""


class EngineFailure(RuntimeError):
    """The rules engine misbehaved (an error code, a rule that did not report back).

    This is a defect, not bad input: the report would be wrong, so none is produced.
    """


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' suffix, or '' when nothing is close."""
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def raise_if_any(issues: Sequence[Issue], kind: type[InputError] = InputError) -> None:
    if issues:
        raise kind(list(issues))
