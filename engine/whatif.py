"""What if: which changed fact caused which change in the advice, and the rules behind each one.

compare() says what differs between two reports; with two facts changed it cannot say which did
what. Here each changed fact (with the follow-up answers that changed with it) is applied alone to
the starting facts, and a difference that this one change reproduces on its own is put down to it.
A difference that no single change reproduces comes from the changes together, and says so.

Each difference also names the rules behind it: for what was added or made more urgent, the rules
that now ask for it; for what went or became less urgent, the rules that asked for it before (and,
for an action a more specific rule now takes out, that rule).

Pure: it needs only a way to evaluate facts (Advisor.evaluate) and the two reports.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from .errors import InputError
from .model import URGENCIES, RuleBase
from .report import Because, Report, ReportDiff, compare

# The kinds of difference, in the order they are listed (most consequential first).
KINDS = ("added_action", "removed_action", "more_urgent", "less_urgent", "added_commitment",
         "removed_commitment", "added_tension", "removed_tension")


@dataclass(frozen=True)
class FactChange:
    """One changed answer, with the follow-up answers that changed with it (they come and go
    with their parent, so they are tried together)."""

    changes: tuple[tuple[str, Any, Any], ...]  # (fact, before, after), the answer itself first

    @property
    def fact(self) -> str:
        return self.changes[0][0]

    @property
    def facts(self) -> tuple[str, ...]:
        return tuple(f for f, _, _ in self.changes)


@dataclass(frozen=True)
class Difference:
    """One difference in the advice, what caused it and the rules behind it."""

    kind: str  # one of KINDS
    item: Any  # an action id, a commitment number, a tension's pair of commitment numbers
    caused_by: tuple[FactChange, ...]  # each change that alone gives this difference; () = only together
    because: tuple[Because, ...]  # the rules that now ask for it (added, more urgent) or did before
    before: str | None = None  # an action's urgency before and after (urgency changes)
    after: str | None = None
    taken_out_by: tuple[Because, ...] = ()  # for a removed action: the rules that now take it out

    @property
    def key(self) -> tuple:
        return (self.kind, self.item, self.after)


@dataclass(frozen=True)
class WhatIf:
    before: Report
    after: Report
    diff: ReportDiff
    changes: tuple[FactChange, ...]
    differences: tuple[Difference, ...]
    untried: tuple[FactChange, ...] = ()  # changes that contradict the other answers when made alone

    @property
    def together(self) -> tuple[Difference, ...]:
        """Differences no single change gives: they come from the changes combined."""
        return tuple(d for d in self.differences if not d.caused_by)

    def caused_by(self, change: FactChange) -> tuple[Difference, ...]:
        return tuple(d for d in self.differences if change in d.caused_by)


def _keys(diff: ReportDiff) -> list[tuple[str, Any, str | None, str | None]]:
    """(kind, item, before, after) of every difference, in KINDS order."""
    more = [(a, b, c) for a, b, c in diff.urgency_changes if URGENCIES.index(c) < URGENCIES.index(b)]
    less = [(a, b, c) for a, b, c in diff.urgency_changes if URGENCIES.index(c) > URGENCIES.index(b)]
    return ([("added_action", a, None, None) for a in diff.added_actions]
            + [("removed_action", a, None, None) for a in diff.removed_actions]
            + [("more_urgent", a, b, c) for a, b, c in more]
            + [("less_urgent", a, b, c) for a, b, c in less]
            + [("added_commitment", n, None, None) for n in diff.added_commitments]
            + [("removed_commitment", n, None, None) for n in diff.removed_commitments]
            + [("added_tension", p, None, None) for p in diff.added_tensions]
            + [("removed_tension", p, None, None) for p in diff.removed_tensions])


def _ancestors(rulebase: RuleBase, fact_id: str) -> set[str]:
    """The facts a follow-up depends on (its ask_if parents, and theirs)."""
    found: set[str] = set()
    todo = [fact_id]
    while todo:
        fact = rulebase.facts.get(todo.pop())
        for parent, _ in fact.ask_if if fact else ():
            if parent not in found:
                found.add(parent)
                todo.append(parent)
    return found


def fact_changes(rulebase: RuleBase, diff: ReportDiff) -> tuple[FactChange, ...]:
    """The changed answers, each with the changed follow-ups that depend on it, in vocabulary order."""
    changed = {f: (b, a) for f, b, a in diff.changed_facts if f in rulebase.facts}
    order = {f.id: i for i, f in enumerate(rulebase.facts.values())}
    roots = [f for f in changed if not (_ancestors(rulebase, f) & set(changed))]
    groups = []
    for root in sorted(roots, key=order.get):
        members = [root] + sorted((f for f in changed if f != root and root in _ancestors(rulebase, f)),
                                  key=order.get)
        groups.append(FactChange(tuple((f, *changed[f]) for f in members)))
    return tuple(groups)


def _apply(facts: Mapping[str, Any], change: FactChange) -> dict[str, Any]:
    trial = dict(facts)
    for fact_id, _, after in change.changes:
        if after is None:
            trial.pop(fact_id, None)
        else:
            trial[fact_id] = after
    return trial


def _rules_behind(kind: str, item: Any, before: Report, after: Report, urgency_before: str | None,
                  urgency_after: str | None) -> tuple[tuple[Because, ...], tuple[Because, ...]]:
    """(the rules behind a difference, the rules that take an action out)."""
    if kind in ("added_action", "more_urgent"):
        action = after.action(item)
        reasons = action.because if action else ()
        if kind == "more_urgent":
            reasons = tuple(b for b in reasons if b.urgency == urgency_after) or reasons
        return reasons, ()
    if kind in ("removed_action", "less_urgent"):
        action = before.action(item)
        reasons = action.because if action else ()
        if kind == "less_urgent":
            reasons = tuple(b for b in reasons if b.urgency == urgency_before) or reasons
        out = next((r.because for r in after.replaced if r.id == item), ()) if kind == "removed_action" else ()
        return reasons, out
    if kind in ("added_commitment", "removed_commitment"):
        report = after if kind == "added_commitment" else before
        return next((c.because for c in report.commitments if c.number == item), ()), ()
    report = after if kind == "added_tension" else before
    return next((t.because for t in report.tensions if t.between == item), ()), ()


def explain(rulebase: RuleBase, evaluate: Callable[[Mapping[str, Any]], Report], before: Report,
            after: Report) -> WhatIf:
    """What changed between two reports, each difference put down to the change(s) that give it
    alone. `evaluate` is Advisor.evaluate (explore=False is enough and faster)."""
    diff = compare(before, after)
    changes = fact_changes(rulebase, diff)
    alone: list[set[tuple]] = []  # what each change gives on its own, in the order of `changes`
    untried = []
    if len(changes) == 1:
        alone.append({(k, i, a) for k, i, _, a in _keys(diff)})  # the one change is the cause
    else:
        for change in changes:
            try:
                trial = evaluate(_apply(before.facts, change))
            except InputError:  # alone, it contradicts another answer (an age and "under 18")
                untried.append(change)
                alone.append(set())
                continue
            alone.append({(k, i, a) for k, i, _, a in _keys(compare(before, trial))})
    differences = []
    for kind, item, was, now in _keys(diff):
        because, taken_out = _rules_behind(kind, item, before, after, was, now)
        caused = tuple(c for c, gives in zip(changes, alone) if (kind, item, now) in gives)
        differences.append(Difference(kind, item, caused, because, was, now, taken_out))
    return WhatIf(before, after, diff, changes, tuple(differences), tuple(untried))


__all__ = ["Difference", "FactChange", "KINDS", "WhatIf", "explain", "fact_changes"]
