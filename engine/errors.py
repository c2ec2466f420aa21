"""Errors a person can act on.

Every problem with the rules, a scenario or a set of facts is an :class:`Issue` that knows the
file, line, the thing it belongs to (a rule id, a fact id) and the field, so that a trainer reads
``rules/boundaries.yaml:21: rule gifts.cash: when.all[0]: unknown key 'equls' (did you mean
'equals'?)`` instead of a traceback. Problems are collected, not raised one at a time, so that one
run of ``validate`` lists them all.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field as dataclass_field
from typing import Iterable, Sequence

MAX_LINE = 1_000  # characters of one message line; a hostile name or value never fills a screen
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match) -> str:
    char = match.group(0)
    if "\ud800" <= char <= "\udfff":  # a byte that was not UTF-8 (a file name under a C locale)
        return "\ufffd"
    return _ESCAPES.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def one_line(text: str, limit: int = MAX_LINE) -> str:
    """Text safe to print as one line of a message: a newline, carriage return or terminal escape
    in a file name or a value is shown escaped, so it can never start a line of its own (a forged
    'error:' line) nor drive the terminal; and it is cut to `limit` characters."""
    text = _UNPRINTABLE.sub(_escape, text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
        return one_line(f"{place}{where + ': ' if where else ''}{self.message}")


class InputError(Exception):
    """Bad rules, bad facts or a bad scenario: the user's input, never a bug of ours."""

    def __init__(self, issues: Sequence[Issue] | Issue | str):
        if isinstance(issues, str):
            issues = [Issue(issues)]
        elif isinstance(issues, Issue):
            issues = [issues]
        self.issues: tuple[Issue, ...] = tuple(issues)
        super().__init__(self.lines()[0] if self.issues else "invalid input")

    def lines(self, limit: int | None = None) -> list[str]:
        """One line per problem; with `limit`, at most that many, the last saying how many more."""
        lines = [str(i) for i in (self.issues if limit is None else self.issues[:limit])]
        hidden = len(self.issues) - len(lines)
        if hidden:
            lines.append(f"... and {hidden:,} more problem{'s' if hidden > 1 else ''} (fix these first)")
        return lines

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
    if not isinstance(word, str) or len(word) > 100:
        return ""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def raise_if_any(issues: Sequence[Issue], kind: type[InputError] = InputError) -> None:
    if issues:
        raise kind(list(issues))
