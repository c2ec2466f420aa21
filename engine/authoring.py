"""The authoring checks a trainer runs with `nacm-ethics check`: each problem one line, file:line.

The validator (validate.py) refuses a rule base the engine cannot run. These checks go further,
to what makes a rule base trustworthy: every rule proved both ways by its own examples, every
fact read and every action used, questions that are questions, safety actions first and never
delayed, the emergency call from the highest-priority rules, and the public ids that saved
scenarios rely on. The tests call the same functions.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

from .evaluate import Advisor
from .model import RuleBase

SAFETY_ACTIONS = ("emergency_response", "report_to_authorities", "duty_to_warn")

# Ids that saved scenarios, training material and other tools are written against (the contract):
# they may gain values and be deprecated, never disappear.
PUBLIC_FACTS = {
    "suspected_abuse": (), "abuse_type": ("physical", "sexual", "emotional", "neglect", "financial", "self_neglect"),
    "victim_group": ("child", "older_adult", "dependent_adult", "other_adult"),
    "alleged_perpetrator": ("family_or_caregiver", "provider_or_staff", "colleague", "other", "unknown"),
    "individual_age": (), "imminent_danger": (), "asked_to_keep_secret": (), "threat_to_others": (), "risk_to_self": (),
    "mental_health_crisis": (), "involuntary_treatment_considered": (), "dual_relationship": (),
    "relationship_kind": ("friendship", "romantic_or_sexual", "business_or_financial", "family_member",
                          "neighbor_or_community", "social_media", "former_client", "employment", "bartering"),
    "small_community": (), "gift_offered": (), "gift_value": ("token", "moderate", "substantial"),
    "personal_gain": (), "colleague_impairment_suspected": (),
    "impairment_kind": ("substance", "mental_health", "physical_health", "fatigue_or_burnout"),
    "affects_individuals_served": (), "asked_to_cover": (), "colleague_misconduct": (), "supervisor_involved": (),
    "interdisciplinary_disagreement": (), "conflict_of_interest": (),
    "coi_kind": ("financial_interest_in_provider", "referral_to_own_business", "family_or_friend_provider",
                 "gifts_from_vendor", "employer_pressure"),
    "conflict_disclosed": (), "error_made": (), "pressure_to_falsify": (), "information_request": (),
    "requester": ("family", "other_provider", "law_enforcement", "employer_or_landlord", "media",
                  "researcher_or_educator", "other"),
    "consent_on_file": (), "sharing_for_education": (), "privacy_breach": (), "electronic_communication": (),
    "individual_refuses_service": (), "choice_risky": (), "capacity_in_question": (), "family_disagrees": (),
    "rights_denied": (), "stigma_or_discrimination": (), "cultural_factors": (), "cm_values_conflict": (),
    "isolated_individual": (), "services_not_working": (), "outside_competence": (), "cm_burnout": (),
    "ethical_uncertainty": (),
}
PUBLIC_DERIVED = ("boundary_risk", "mandated_report_likely")
PUBLIC_ACTIONS = (
    "emergency_response", "report_to_authorities", "duty_to_warn", "consult_supervisor", "document",
    "maintain_boundary", "decline_gift", "transfer_case", "disclose_conflict", "recuse",
    "urge_colleague_seek_help", "obtain_consent", "explain_confidentiality_limits",
    "support_self_determination", "crisis_plan", "seek_training_or_referral", "advocate",
    "cultural_consultation", "confront_stigma", "peer_support", "reassess_needs",
    "collaborate_interdisciplinary", "disclose_error", "refuse_improper_request", "deidentify", "self_care",
)


@dataclass(frozen=True)
class Finding:
    """One authoring problem, located."""

    file: str
    line: int | None
    owner: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.owner}: {self.message}"


def _rule_place(rulebase: RuleBase, rule_id: str) -> tuple[str, int]:
    rule = rulebase.rule(rule_id)
    return rule.file, rule.line


def check_examples(advisor: Advisor) -> list[Finding]:
    """Each rule fires on each `fires` example and stays silent on each `silent` near miss."""
    found = []
    for rule in advisor.rulebase.rules:
        if not rule.fires or not rule.silent:
            found.append(Finding(rule.file, rule.line, f"rule {rule.id}",
                                 "needs at least one 'fires' and one 'silent' example"))
        for kind, examples, wanted in (("fires", rule.fires, True), ("silent", rule.silent, False)):
            lines = rule.example_lines.get(kind, ())
            for index, example in enumerate(examples):
                fired = rule.id in advisor.evaluate(dict(example), explore=False).fired_rules
                if fired != wanted:
                    what = "does not fire on its 'fires' example" if wanted else "fires on its 'silent' example"
                    line = lines[index] if index < len(lines) and lines[index] else rule.line
                    found.append(Finding(rule.file, line, f"rule {rule.id}", f"{what} {dict(example)}"))
    return found


def _first_line(items: Iterable[Any]) -> int | None:
    """Where a list of declarations starts: the line cited for something missing from it."""
    return min((item.line for item in items if item.line), default=None)


def check_vocabulary(rulebase: RuleBase, facts_file: str) -> list[Finding]:
    """Questions are questions, new facts explain themselves, every fact is read, ids stay."""
    found = []
    read = {f for rule in rulebase.rules for f in rule.reads}
    for fact in rulebase.input_facts:
        owner, line = f"fact {fact.id}", fact.line or None
        if not fact.question.endswith("?"):
            found.append(Finding(facts_file, line, owner, "its question does not end with '?'"))
        if fact.id not in PUBLIC_FACTS and not fact.help:
            found.append(Finding(facts_file, line, owner, "a new fact needs help text saying what counts"))
        if fact.id not in read:
            found.append(Finding(facts_file, line, owner, "no rule reads it: ask nothing the advice ignores"))
    start = _first_line(rulebase.input_facts)
    for fact_id, values in PUBLIC_FACTS.items():
        fact = rulebase.facts.get(fact_id)
        if fact is None or fact.derived:
            found.append(Finding(facts_file, start, f"fact {fact_id}", "a public fact id has gone; deprecate, never drop"))
            continue
        gone = set(values) - set(fact.value_ids) - set(fact.unanswered)
        if gone:
            found.append(Finding(facts_file, fact.line or start, f"fact {fact_id}",
                                 f"public value ids have gone: {sorted(gone)}; deprecate, never drop"))
    return found


def check_actions(rulebase: RuleBase, actions_file: str) -> list[Finding]:
    """Safety actions first and immediate; every action used; public ids kept; no delay, ever."""
    found = []
    catalogue = list(rulebase.actions.values())
    start = _first_line(catalogue)
    safety = [a.id for a in catalogue if a.safety]
    if [a.id for a in catalogue[:len(SAFETY_ACTIONS)]] != list(SAFETY_ACTIONS) or set(safety) != set(SAFETY_ACTIONS):
        found.append(Finding(actions_file, start, "actions",
                             f"the three safety actions {list(SAFETY_ACTIONS)} come first, and only they are 'safety'"))
    used = {a.id for rule in rulebase.rules for a in rule.actions}
    for action in catalogue:
        if action.id not in used:
            found.append(Finding(actions_file, action.line or start, f"action {action.id}", "no rule recommends it"))
    for action_id in PUBLIC_ACTIONS:
        if action_id not in rulebase.actions:
            found.append(Finding(actions_file, start, f"action {action_id}", "a public action id has gone"))
    for rule in rulebase.rules:
        recommends_emergency = any(a.id == "emergency_response" for a in rule.actions)
        if recommends_emergency and rule.priority != 100:
            found.append(Finding(rule.file, rule.line, f"rule {rule.id}",
                                 "a rule that calls for an emergency response has priority 100, so the call comes first"))
        elif not recommends_emergency and rule.priority == 100 and any(a.id in SAFETY_ACTIONS for a in rule.actions):
            found.append(Finding(rule.file, rule.line, f"rule {rule.id}",
                                 "priority 100 is kept for the emergency call"))
    return found


def check_rules_read_well(rulebase: RuleBase) -> list[Finding]:
    found = []
    for rule in rulebase.rules:
        owner = f"rule {rule.id}"
        if not rule.title or not rule.title[0].isupper():
            found.append(Finding(rule.file, rule.line, owner, "its title starts with a capital letter"))
        if not (rule.cites or rule.actions or rule.concludes):
            found.append(Finding(rule.file, rule.line, owner, "cite a commitment, recommend an action or conclude a fact"))
        for question in rule.questions:
            if "?" not in question:
                found.append(Finding(rule.file, rule.line, owner, f"a reflection question asks something (no '?'): {question[:60]}"))
    return found


CHECKS: tuple[tuple[str, Callable[[Advisor], Iterable[Finding]]], ...] = (
    ("examples", check_examples),
    ("vocabulary", lambda advisor: check_vocabulary(advisor.rulebase, _file(advisor, "facts.yaml"))),
    ("actions", lambda advisor: check_actions(advisor.rulebase, _file(advisor, "actions.yaml"))),
    ("rules", lambda advisor: check_rules_read_well(advisor.rulebase)),
)


def _file(advisor: Advisor, name: str) -> str:
    return next((f for f in advisor.rulebase.files if f.endswith("/" + name) or f == name), name)


def authoring_findings(advisor: Advisor) -> list[Finding]:
    return [finding for _, check in CHECKS for finding in check(advisor)]


def summary(findings: list[Any]) -> str:
    return "no authoring problems" if not findings else f"{len(findings)} authoring problem(s)"
