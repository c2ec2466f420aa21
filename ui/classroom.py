"""A class session's answers, summarised for its trainer: each trainee scored, what the class chose
against the expected answer (the chart's data), the most common misses, and the class report as
Markdown and CSV. Pure: no Streamlit, no storage calls; the pages pass in what they read.

Every trainee is scored by engine/exercise.py, the same rule as a solo exercise on the Train page.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from engine.exercise import URGENCY_CHOICES, ExerciseResult, score_exercise, urgency_word
from engine.model import RuleBase
from engine.render import md_escape
from engine.scenarios import Scenario

from .feedback import csv_text
from .record import when
from .storage import ClassAnswer, ClassSession

EXPECTED, MAY, EXTRA, MUST_NOT = "expected", "defensible either way", "not expected", "must not"
SESSION_WORDS = {"open": "open", "closed": "closed by the trainer", "expired": "expired"}


@dataclass(frozen=True)
class Scored:
    nickname: str
    answer: ClassAnswer
    result: ExerciseResult


@dataclass(frozen=True)
class Tally:
    """One commitment or action: how many trainees chose it, and what the scenario says of it."""

    kind: str  # "commitment" | "action"
    item: str  # the commitment's number or the action's id
    label: str
    status: str  # EXPECTED | MAY | EXTRA | MUST_NOT
    chosen: int
    answers: int  # trainees who answered
    urgency_right: int = 0  # for an expected action: chosen with its expected urgency

    @property
    def missed(self) -> int:
        return self.answers - self.chosen if self.status == EXPECTED else 0


def score(scenario: Scenario, rulebase: RuleBase, answers: Iterable[ClassAnswer]) -> list[Scored]:
    """Each answer scored; an answer naming something the rule base no longer has is scored
    without it (the rules may have changed since the trainee answered)."""
    known_c = {c.number for c in rulebase.code.commitments}
    scored = []
    for answer in answers:
        commitments = [n for n in answer.commitments if n in known_c]
        actions = {a: u for a, u in answer.actions.items() if a in rulebase.actions}
        scored.append(Scored(answer.nickname, answer, score_exercise(scenario, rulebase, commitments, actions)))
    return scored


def tallies(scenario: Scenario, rulebase: RuleBase, scored: Sequence[Scored]) -> list[Tally]:
    """Every item that is expected or that someone chose: commitments in the Code's order, then actions
    in the scenario's order followed by the catalogue's."""
    exp = scenario.expected
    expected_actions = dict(exp.actions)
    code = rulebase.code
    rows: list[Tally] = []
    numbers = sorted({*exp.must_commitments, *(n for s in scored for n in s.answer.commitments
                                               if n in {c.number for c in code.commitments})})
    for n in numbers:
        status = EXPECTED if n in exp.must_commitments else MAY if n in exp.may_commitments else EXTRA
        chosen = sum(1 for s in scored if n in s.answer.commitments)
        rows.append(Tally("commitment", str(n), f"{n}. {code.commitment(n).title}", status, chosen, len(scored)))
    chosen_actions = {a for s in scored for a in s.answer.actions if a in rulebase.actions}
    catalogue = list(rulebase.actions)
    for a in [*expected_actions, *sorted(chosen_actions - set(expected_actions), key=catalogue.index)]:
        status = EXPECTED if a in expected_actions else MUST_NOT if a in exp.must_not else EXTRA
        chosen = sum(1 for s in scored if a in s.answer.actions)
        right = sum(1 for s in scored if a in expected_actions and s.answer.actions.get(a) == expected_actions[a])
        rows.append(Tally("action", a, rulebase.actions[a].label, status, chosen, len(scored), right))
    return rows


def common_misses(rows: Sequence[Tally], limit: int = 5) -> list[Tally]:
    """The expected items the most trainees missed (none that nobody missed)."""
    missed = [t for t in rows if t.missed > 0]
    return sorted(missed, key=lambda t: -t.missed)[:limit]


def chart_rows(rows: Sequence[Tally]) -> list[dict]:
    """The chart's data: one row per item, the number who chose it and how the scenario sees it."""
    return [{"item": t.label, "kind": "Commitments" if t.kind == "commitment" else "Actions", "chosen": t.chosen,
             "status": t.status, "missed": t.missed} for t in rows]


def expected_lines(scenario: Scenario, rulebase: RuleBase) -> list[str]:
    """The expected answer in words (plain text), as the trainer reads it and the class is shown it."""
    exp = scenario.expected
    code = rulebase.code
    lines = [f"Commitment {n}: {code.commitment(n).title} (must be named)" for n in exp.must_commitments]
    lines += [f"Commitment {n}: {code.commitment(n).title} (defensible either way)" for n in exp.may_commitments]
    lines += [f"{rulebase.actions[a].label}: {urgency_word(u)}" for a, u in exp.actions]
    lines += [f"Never: {rulebase.actions[a].label}" for a in exp.must_not]
    lines += [f"Order: {rulebase.actions[a].label} before {rulebase.actions[b].label}" for a, b in exp.order]
    return lines


def answer_words(rulebase: RuleBase, answer: ClassAnswer) -> tuple[str, str]:
    """A trainee's commitments and actions in words, for the report."""
    commitments = ", ".join(str(n) for n in answer.commitments) or "none"
    actions = "; ".join(f"{rulebase.actions[a].label if a in rulebase.actions else a} ({urgency_word(u)})"
                        for a, u in answer.actions.items()) or "none"
    return commitments, actions


def report_markdown(session: ClassSession, scenarios: Mapping[str, Scenario], rulebase: RuleBase,
                    answers: Sequence[ClassAnswer], members: Sequence[str]) -> str:
    """The class report: the session, then for each scenario the expected answer, each trainee's
    result, what the class chose and the most common misses. Nicknames are escaped: trainees type them."""
    out = [f"# Class report: {md_escape(session.title)}", "",
           f"Session {session.code}, opened {when(session.created_at)}, {SESSION_WORDS[session.state]}; "
           f"{len(members)} trainee(s) joined.", ""]
    for step, scenario_id in enumerate(session.scenario_ids):
        scenario = scenarios.get(scenario_id)
        out += [f"## {step + 1}. {md_escape(scenario.title) if scenario else md_escape(scenario_id)}", ""]
        if scenario is None:
            out += ["This scenario is no longer in the library.", ""]
            continue
        scored = score(scenario, rulebase, [a for a in answers if a.step == step])
        out += ["Expected answer:", ""] + [f"- {md_escape(line)}" for line in expected_lines(scenario, rulebase)] + [""]
        if not scored:
            out += ["No answers.", ""]
            continue
        out += ["| nickname | answer | urgency | points | result |", "|---|---|---|---|---|"]
        for s in scored:
            out.append(f"| {md_escape(s.nickname)} | {s.result.summary} | {s.result.urgency_summary or '-'} | "
                       f"{s.result.score} of {s.result.possible} | {s.result.verdict.split(':')[0]} |")
        rows = tallies(scenario, rulebase, scored)
        out += ["", "What the class chose:", ""]
        out += [f"- {md_escape(t.label)} ({t.status}): {t.chosen} of {t.answers}"
                + (f", urgency right {t.urgency_right}" if t.kind == "action" and t.status == EXPECTED else "")
                for t in rows]
        misses = common_misses(rows)
        out += ["", "Most common misses: " + ("; ".join(f"{md_escape(t.label)} ({t.missed})" for t in misses)
                                            if misses else "none."), ""]
    return "\n".join(out)


def report_csv(session: ClassSession, scenarios: Mapping[str, Scenario], rulebase: RuleBase,
               answers: Sequence[ClassAnswer]) -> str:
    """One row per trainee and scenario (cells a spreadsheet shows as text, never as a formula)."""
    rows = []
    for step, scenario_id in enumerate(session.scenario_ids):
        scenario = scenarios.get(scenario_id)
        if scenario is None:
            continue
        for s in score(scenario, rulebase, [a for a in answers if a.step == step]):
            commitments, actions = answer_words(rulebase, s.answer)
            r = s.result
            rows.append((session.code, step + 1, scenario.id, s.nickname, r.found_count, r.expected_count,
                         r.extra_count, len(r.urgency_right), r.score, r.possible, "yes" if r.passed else "no",
                         commitments, actions, when(s.answer.answered_at)))
    return csv_text(["session", "step", "scenario", "nickname", "expected_named", "expected", "extra", "urgency_right",
                 "points", "possible", "passed", "commitments", "actions", "answered"], rows)


__all__ = ["EXPECTED", "EXTRA", "MAY", "MUST_NOT", "URGENCY_CHOICES", "Scored", "Tally", "answer_words", "chart_rows",
           "common_misses", "expected_lines", "report_csv", "report_markdown", "score", "tallies"]
