"""The report: what the fired rules mean for the case manager, each item with its reasons.

Built from the rule base and the engine's firing only, so it never depends on durable-rules.
Everything is sorted by a stated key (firing order is not a contract): commitments governing
first, then also relevant, each by number; purposes by number; actions immediate -> soon ->
routine, safety actions first, then supporting actions a rule says lead, other supporting actions
last unless immediate, then by the highest priority of the rules behind them, then in the order
the author of that rule listed them, then in catalogue order; tensions by their pair; questions by rule priority.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from .model import URGENCIES, RuleBase

DISCLAIMER = (
    "This report supports your professional judgement; it does not replace it, nor your"
    " supervisor, your agency's policy or the law of your jurisdiction. If someone may be in"
    " danger, call emergency services first; a report of suspected abuse needs no one's approval."
)


@dataclass(frozen=True)
class Because:
    """One rule's part in an item: which rule, on which facts, and the rule's own reason."""

    rule: str
    title: str
    facts: Mapping[str, Any]
    why: str = ""
    urgency: str | None = None  # for actions: the urgency this rule asked for

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"rule": self.rule, "facts": dict(self.facts), "title": self.title}
        if self.why:
            out["why"] = self.why
        if self.urgency:
            out["urgency"] = self.urgency
        return out


ROLES = ("governing", "also_relevant")


@dataclass(frozen=True)
class CommitmentItem:
    """A commitment the rules reached, with its role: one of the few that govern the situation
    (a rule said so), or also relevant (every rule citing it cites it as background)."""

    number: int
    section: str
    title: str
    text: str
    because: tuple[Because, ...]
    role: str = "governing"  # one of ROLES

    @property
    def governs(self) -> bool:
        return self.role == "governing"

    def to_dict(self) -> dict:
        return {"number": self.number, "section": self.section, "text": self.text,
                "title": self.title, "role": self.role, "because": [b.to_dict() for b in self.because]}


@dataclass(frozen=True)
class PurposeItem:
    number: int
    title: str
    text: str
    because: tuple[Because, ...]

    def to_dict(self) -> dict:
        return {"number": self.number, "text": self.text, "title": self.title,
                "because": [b.to_dict() for b in self.because]}


@dataclass(frozen=True)
class ActionItem:
    id: str
    label: str
    guidance: str
    urgency: str
    safety: bool
    notes: tuple[str, ...]
    because: tuple[Because, ...]

    def to_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "urgency": self.urgency,
                "because": [b.to_dict() for b in self.because], "guidance": self.guidance,
                "safety": self.safety, "notes": list(self.notes)}


@dataclass(frozen=True)
class ReplacedItem:
    """An action general advice would give, taken out because this situation makes it wrong."""

    id: str
    label: str
    because: tuple[Because, ...]  # the rules that replaced it

    def to_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "because": [b.to_dict() for b in self.because]}


@dataclass(frozen=True)
class TensionItem:
    between: tuple[int, int]
    explanation: str
    because: tuple[Because, ...]

    def to_dict(self) -> dict:
        return {"between": list(self.between), "explanation": self.explanation,
                "because": [b.to_dict() for b in self.because]}


@dataclass(frozen=True)
class Change:
    """What answering one open question with one value would add to the report."""

    value: Any
    value_label: str
    adds_commitments: tuple[int, ...]
    adds_actions: tuple[str, ...]
    raises_urgency: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"value": self.value, "value_label": self.value_label,
                "adds_commitments": list(self.adds_commitments), "adds_actions": list(self.adds_actions),
                "raises_urgency": list(self.raises_urgency)}


@dataclass(frozen=True)
class OpenQuestion:
    """An unanswered fact whose answer would change the advice."""

    fact: str
    label: str
    question: str
    changes: tuple[Change, ...]

    def to_dict(self) -> dict:
        return {"fact": self.fact, "label": self.label, "question": self.question,
                "if_answered": [c.to_dict() for c in self.changes]}


@dataclass(frozen=True)
class Report:
    ruleset_name: str
    version: str
    sha256: str
    facts: Mapping[str, Any]
    implied_facts: tuple[str, ...]
    derived: Mapping[str, bool]
    commitments: tuple[CommitmentItem, ...]
    purposes: tuple[PurposeItem, ...]
    actions: tuple[ActionItem, ...]
    tensions: tuple[TensionItem, ...]
    questions: tuple[str, ...]
    fired_rules: tuple[str, ...]
    to_find_out: tuple[OpenQuestion, ...] = ()
    replaced: tuple[ReplacedItem, ...] = ()
    disclaimer: str = DISCLAIMER

    def to_dict(self) -> dict:
        """The report JSON of the contract (section 3), plus the project's own additions."""
        return {
            "ruleset": {"version": self.version, "sha256": self.sha256, "name": self.ruleset_name},
            "facts": dict(self.facts),
            "commitments": [c.to_dict() for c in self.commitments],
            "purposes": [p.to_dict() for p in self.purposes],
            "actions": [a.to_dict() for a in self.actions],
            "tensions": [t.to_dict() for t in self.tensions],
            "questions": list(self.questions),
            "fired_rules": list(self.fired_rules),
            "implied_facts": list(self.implied_facts),
            "derived_facts": {k: v for k, v in self.derived.items() if v},
            "to_find_out": [q.to_dict() for q in self.to_find_out],
            "replaced_actions": [r.to_dict() for r in self.replaced],
            "disclaimer": self.disclaimer,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Report":
        """The report again from its JSON (to_dict), e.g. as it was when a consultation was saved,
        so that it can be compared with today's report on the same facts. Raises KeyError or
        TypeError on a mapping that is not a report's JSON."""
        def because(items) -> tuple[Because, ...]:
            return tuple(Because(b["rule"], b.get("title", ""), dict(b["facts"]), b.get("why", ""),
                                 b.get("urgency")) for b in items)

        ruleset = data["ruleset"]
        return cls(
            ruleset_name=ruleset.get("name", ""), version=ruleset["version"], sha256=ruleset["sha256"],
            facts=dict(data["facts"]), implied_facts=tuple(data.get("implied_facts", ())),
            derived=dict(data.get("derived_facts", {})),
            commitments=tuple(CommitmentItem(c["number"], c["section"], c.get("title", ""), c["text"],
                                             because(c["because"]), c.get("role", "governing"))
                              for c in data["commitments"]),
            purposes=tuple(PurposeItem(p["number"], p.get("title", ""), p["text"], because(p["because"]))
                           for p in data["purposes"]),
            actions=tuple(ActionItem(a["id"], a["label"], a.get("guidance", ""), a["urgency"], a.get("safety", False),
                                     tuple(a.get("notes", ())), because(a["because"])) for a in data["actions"]),
            tensions=tuple(TensionItem(tuple(t["between"]), t["explanation"], because(t["because"]))
                           for t in data["tensions"]),
            questions=tuple(data["questions"]), fired_rules=tuple(data["fired_rules"]),
            to_find_out=tuple(OpenQuestion(q["fact"], q["label"], q["question"], tuple(
                Change(c["value"], c["value_label"], tuple(c["adds_commitments"]), tuple(c["adds_actions"]),
                       tuple(c["raises_urgency"])) for c in q["if_answered"])) for q in data.get("to_find_out", ())),
            replaced=tuple(ReplacedItem(r["id"], r["label"], because(r["because"]))
                           for r in data.get("replaced_actions", ())),
            disclaimer=data.get("disclaimer", DISCLAIMER),
        )

    @property
    def commitment_numbers(self) -> tuple[int, ...]:
        return tuple(c.number for c in self.commitments)

    @property
    def governing(self) -> tuple[CommitmentItem, ...]:
        return tuple(c for c in self.commitments if c.governs)

    @property
    def also_relevant(self) -> tuple[CommitmentItem, ...]:
        return tuple(c for c in self.commitments if not c.governs)

    @property
    def action_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.actions)

    def action(self, action_id: str) -> ActionItem | None:
        return next((a for a in self.actions if a.id == action_id), None)


# --- building ---------------------------------------------------------------------------------

def _because(rulebase: RuleBase, rule_id: str, facts: Mapping[str, Any], derived: Mapping[str, bool],
             why: str = "", urgency: str | None = None, read: Mapping[str, Any] | None = None) -> Because:
    rule = rulebase.rule(rule_id)
    if read is None:
        read = _facts_read(rulebase, rule_id, facts, derived)
    return Because(rule.id, rule.title, read, why, urgency)


def _facts_read(rulebase: RuleBase, rule_id: str, facts: Mapping[str, Any], derived: Mapping[str, bool]) -> dict:
    """The facts one rule reads, with their values for this report (derived ones true or false)."""
    return {fact_id: derived.get(fact_id, False) if rulebase.facts[fact_id].derived else facts.get(fact_id)
            for fact_id in rulebase.rule(rule_id).reads}


def _by_priority(rulebase: RuleBase, fired: Iterable[str]) -> list:
    """Fired rules, highest priority first, then in rule-base order."""
    rules = [rulebase.rule(r) for r in fired]
    return sorted(rules, key=lambda r: (-r.priority, rulebase.position(r.id)))


def commitment_numbers(rulebase: RuleBase, fired: Iterable[str]) -> set[int]:
    return {c.number for r in fired for c in rulebase.rule(r).cites if c.kind == "commitment"}


def replaced_actions(rulebase: RuleBase, fired: Iterable[str]) -> set[str]:
    """Actions a fired rule takes out of the report (never a safety action: the validator refuses)."""
    return {a for r in fired for a in rulebase.rule(r).replaces}


def action_urgencies(rulebase: RuleBase, fired: Iterable[str]) -> dict[str, str]:
    """Each recommended action with its most urgent urgency among the rules recommending it,
    less the actions a fired rule replaces."""
    fired = tuple(fired)
    replaced = replaced_actions(rulebase, fired)
    result: dict[str, str] = {}
    for rule_id in fired:
        for ref in rulebase.rule(rule_id).actions:
            if ref.id in replaced:
                continue
            urgency = ref.urgency or rulebase.actions[ref.id].urgency
            if ref.id not in result or URGENCIES.index(urgency) < URGENCIES.index(result[ref.id]):
                result[ref.id] = urgency
    return result


def build_report(rulebase: RuleBase, facts: Mapping[str, Any], implied: tuple[str, ...],
                 fired: tuple[str, ...], derived: Mapping[str, bool],
                 to_find_out: tuple[OpenQuestion, ...] = ()) -> Report:
    ranked = _by_priority(rulebase, fired)
    code = rulebase.code
    reads: dict[str, dict] = {}  # each fired rule's facts with their values, worked out once

    def because(rule_id: str, why: str = "", urgency: str | None = None) -> Because:
        read = reads.get(rule_id)
        if read is None:
            read = reads[rule_id] = _facts_read(rulebase, rule_id, facts, derived)
        return _because(rulebase, rule_id, facts, derived, why, urgency, read)

    commitments: dict[int, list[Because]] = {}
    purposes: dict[int, list[Because]] = {}
    governed_by: dict[int, set[str]] = {}  # commitment -> the rules that cite it as governing
    for rule in sorted(ranked, key=lambda r: not any(c.governs for c in r.cites if c.kind == "commitment")):
        for cite in rule.cites:
            target = commitments if cite.kind == "commitment" else purposes
            target.setdefault(cite.number, []).append(because(rule.id, cite.why))
            if cite.kind == "commitment" and cite.governs:
                governed_by.setdefault(cite.number, set()).add(rule.id)
    if not governed_by:  # nothing more specific governs: the fallback citations do
        for rule in ranked:
            for cite in rule.cites:
                if cite.kind == "commitment" and cite.fallback:
                    governed_by.setdefault(cite.number, set()).add(rule.id)
    # A governing commitment's reasons lead with the rules that make it govern.
    for number, reasons in commitments.items():
        reasons.sort(key=lambda b: b.rule not in governed_by.get(number, ()))
    governing = set(governed_by)
    # Governing commitments first, then the ones also relevant; each group by number.
    commitment_order = sorted(commitments, key=lambda n: (n not in governing, n))

    urgencies = action_urgencies(rulebase, fired)
    action_reasons: dict[str, list[Because]] = {}
    action_priority: dict[str, int] = {}
    author_position: dict[str, int] = {}  # place in the list of the highest-priority rule naming it
    replaced: dict[str, list[Because]] = {}
    for rule in ranked:
        for action_id in rule.replaces:
            replaced.setdefault(action_id, []).append(because(rule.id))
        for ref in rule.actions:
            if ref.id not in urgencies:
                continue  # replaced by another rule
            urgency = ref.urgency or rulebase.actions[ref.id].urgency
            action_reasons.setdefault(ref.id, []).append(
                because(rule.id, ref.note, urgency))
            if rule.priority > action_priority.get(ref.id, -1):
                action_priority[ref.id] = rule.priority
                author_position[ref.id] = [r.id for r in rule.actions].index(ref.id)
    catalogue = list(rulebase.actions)

    leading = {ref.id for rule in ranked for ref in rule.actions if ref.leads and ref.id in urgencies}

    def action_key(action_id: str) -> tuple:
        action = rulebase.actions[action_id]
        # Within one urgency: safety first, then a supporting step a rule says leads (the decision is
        # the supervisor's or the agency's, so asking comes first), other supporting steps last (but
        # not when a rule makes one immediate: consulting now is then part of the response, not a
        # formality after it), then the steps of the most specific (highest-priority) rule in the
        # order its author listed them.
        demoted = action.supporting and urgencies[action_id] != "immediate"
        return (URGENCIES.index(urgencies[action_id]), not action.safety, action_id not in leading, demoted,
                -action_priority[action_id], author_position[action_id], catalogue.index(action_id))

    actions = []
    for action_id in sorted(urgencies, key=action_key):
        action = rulebase.actions[action_id]
        reasons = tuple(action_reasons[action_id])
        notes = tuple(dict.fromkeys(b.why for b in reasons if b.why))
        actions.append(ActionItem(action.id, action.label, action.guidance, urgencies[action_id],
                                  action.safety, notes, reasons))

    tensions: dict[tuple[int, int], tuple[str, list[Because]]] = {}
    for rule in ranked:
        for spec in rule.tensions:
            explanation, reasons = tensions.setdefault(spec.between, (spec.why, []))
            reasons.append(because(rule.id, spec.why))

    questions = tuple(dict.fromkeys(q for rule in ranked for q in rule.questions))

    return Report(
        ruleset_name=rulebase.name, version=rulebase.version, sha256=rulebase.sha256,
        facts=dict(facts), implied_facts=implied, derived=dict(derived),
        commitments=tuple(
            CommitmentItem(n, code.commitment(n).section, code.commitment(n).title, code.commitment(n).text,
                           tuple(commitments[n]), ROLES[n not in governing]) for n in commitment_order),
        purposes=tuple(
            PurposeItem(n, code.purpose(n).title, code.purpose(n).text, tuple(purposes[n]))
            for n in sorted(purposes)),
        actions=tuple(actions),
        replaced=tuple(ReplacedItem(a, rulebase.actions[a].label, tuple(reasons))
                       for a, reasons in replaced.items()
                       if any(a in {ref.id for ref in rulebase.rule(r).actions} for r in fired)),
        tensions=tuple(TensionItem(pair, explanation, tuple(reasons))
                       for pair, (explanation, reasons) in sorted(tensions.items())),
        questions=questions,
        fired_rules=tuple(fired),
        to_find_out=to_find_out,
    )


# --- comparing two reports (what if?) ---------------------------------------------------------

@dataclass(frozen=True)
class ReportDiff:
    added_commitments: tuple[int, ...]
    removed_commitments: tuple[int, ...]
    added_actions: tuple[str, ...]
    removed_actions: tuple[str, ...]
    urgency_changes: tuple[tuple[str, str, str], ...]  # (action, before, after)
    added_tensions: tuple[tuple[int, int], ...]
    removed_tensions: tuple[tuple[int, int], ...]
    changed_facts: tuple[tuple[str, Any, Any], ...]  # (fact, before, after)

    @property
    def is_empty(self) -> bool:
        return not any((self.added_commitments, self.removed_commitments, self.added_actions,
                        self.removed_actions, self.urgency_changes, self.added_tensions,
                        self.removed_tensions))

    def to_dict(self) -> dict:
        return {
            "commitments": {"added": list(self.added_commitments), "removed": list(self.removed_commitments)},
            "actions": {"added": list(self.added_actions), "removed": list(self.removed_actions),
                        "urgency_changed": [{"id": a, "before": b, "after": c}
                                            for a, b, c in self.urgency_changes]},
            "tensions": {"added": [list(p) for p in self.added_tensions],
                         "removed": [list(p) for p in self.removed_tensions]},
            "facts": [{"fact": f, "before": b, "after": a} for f, b, a in self.changed_facts],
        }


def compare(before: Report, after: Report) -> ReportDiff:
    b_c, a_c = set(before.commitment_numbers), set(after.commitment_numbers)
    b_a = {a.id: a.urgency for a in before.actions}
    a_a = {a.id: a.urgency for a in after.actions}
    b_t, a_t = {t.between for t in before.tensions}, {t.between for t in after.tensions}
    fact_ids = list(dict.fromkeys([*before.facts, *after.facts]))
    return ReportDiff(
        added_commitments=tuple(sorted(a_c - b_c)),
        removed_commitments=tuple(sorted(b_c - a_c)),
        added_actions=tuple(a for a in after.action_ids if a not in b_a),
        removed_actions=tuple(a for a in before.action_ids if a not in a_a),
        urgency_changes=tuple((a, b_a[a], a_a[a]) for a in after.action_ids if a in b_a and b_a[a] != a_a[a]),
        added_tensions=tuple(sorted(a_t - b_t)),
        removed_tensions=tuple(sorted(b_t - a_t)),
        changed_facts=tuple((f, before.facts.get(f), after.facts.get(f)) for f in fact_ids
                            if before.facts.get(f) != after.facts.get(f)),
    )
