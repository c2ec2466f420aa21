"""Step 2 of 5: turn located YAML documents into a checked :class:`RuleBase`, or list every problem.

Two passes. The shape of each document (keys, kinds of value) is checked against its model in
schema.py, with errors located in the author's file. Then the meaning is checked here: references
to facts, values, actions, commitments and purposes; duplicate ids; derived facts that nothing
concludes or nothing reads; chains that loop; conditions (conditions.py) that can never hold;
safety actions that a rule tries to delay. Every problem becomes an Issue with file, line, owner,
field and an excerpt of the YAML, worded from the one table in messages.py; they are all reported
together.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from .conditions import Names, can_ever_hold, parse_condition, size
from .errors import FactsError, Issue, RuleBaseError
from .facts import check_facts
from .load import Document, RawRuleBase
from .compile import MAX_TERMS_PER_RULE, atom_terms
from .messages import FACT_KINDS, say, suggestion, value_problem
from .model import (
    Action, ActionRef, AllOf, Atom, Citation, Code, Commitment, Condition, Definition, Fact, FactGroup, Parameter, Purpose, Rule,
    RuleBase, Section, TensionSpec, Topic, Not, condition_facts, derivation_layers,
)
from .schema import (
    ActionsDoc, CodeDoc, FactsDoc, Locator, RuleFileDoc, RulesetDoc, check_shape, dotted,
)
from .words import facts_condition_words
from .yamlio import line_at

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
RULE_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
COMMITMENT_COUNT = 28
PURPOSE_COUNT = 4


def _numbers(numbers: list[int]) -> str:
    return ", ".join(map(str, numbers)) or "none"


def _kind_named(fact_type: str) -> str:
    return f"{FACT_KINDS[fact_type]} (type '{fact_type}')"


def _check_id(place: Locator, value: str, loc: tuple, what: str, pattern=ID_PATTERN) -> None:
    if not pattern.match(value):
        place.add(say("bad_id", what=what, value=value,
                      dots=" (dots separate parts)" if pattern is RULE_ID_PATTERN else ""), loc)


# --- the Code -----------------------------------------------------------------------------------

def _build_code(doc: Document, issues: list[Issue]) -> Code | None:
    parsed: CodeDoc | None = check_shape(doc, CodeDoc, issues)
    if parsed is None:
        return None
    place = Locator(doc, issues)
    start = len(issues)
    purposes = tuple(Purpose(p.number, p.title.strip(), p.text.strip()) for p in parsed.purposes)
    numbers = [p.number for p in purposes]
    if numbers != list(range(1, PURPOSE_COUNT + 1)):
        place.add(say("purposes_numbered", count=PURPOSE_COUNT, numbers=_numbers(numbers)), ("purposes",), point="key")
    commitments: list[Commitment] = []
    sections: list[Section] = []
    seen_sections: set[str] = set()
    for si, s in enumerate(parsed.sections):
        _check_id(place, s.id, ("sections", si, "id"), "section id")
        if s.id in seen_sections:
            place.add(say("duplicate_id", what="section id", value=s.id), ("sections", si, "id"))
        seen_sections.add(s.id)
        for c in s.commitments:
            commitments.append(Commitment(c.number, s.title.strip(), s.id, c.title.strip(), c.text.strip()))
        sections.append(Section(s.id, s.title.strip(), tuple(c.number for c in s.commitments)))
    numbers = [c.number for c in commitments]
    if numbers != list(range(1, COMMITMENT_COUNT + 1)):
        place.add(say("commitments_numbered", count=COMMITMENT_COUNT, numbers=_numbers(numbers)), ("sections",),
                  point="key")
    for kind, items in (("purposes", parsed.purposes), ("sections", parsed.sections)):
        for i, item in enumerate(items):
            if hasattr(item, "text") and not item.text.strip():
                place.add(say("empty_text"), (kind, i, "text"), point="key")
    if len(issues) > start:
        return None
    return Code(parsed.title.strip(), parsed.preamble.strip(), parsed.scope.strip(),
                parsed.application.strip(), parsed.source, purposes, tuple(sections), tuple(commitments))


# --- facts --------------------------------------------------------------------------------------

def _build_facts(doc: Document, issues: list[Issue]) -> tuple[tuple[FactGroup, ...], dict[str, Fact]] | None:
    parsed: FactsDoc | None = check_shape(doc, FactsDoc, issues)
    if parsed is None:
        return None
    place = Locator(doc, issues)
    start = len(issues)
    groups: list[FactGroup] = []
    for gi, g in enumerate(parsed.groups):
        _check_id(place, g.id, ("groups", gi, "id"), "group id")
        if any(x.id == g.id for x in groups):
            place.add(say("duplicate_id", what="group id", value=g.id), ("groups", gi, "id"))
        groups.append(FactGroup(g.id, g.title.strip(), g.question.strip(), g.help.strip()))
    group_ids = [g.id for g in groups]

    facts: dict[str, Fact] = {}
    first_line: dict[str, tuple] = {}
    for fi, f in enumerate(parsed.facts):
        loc = ("facts", fi)
        _check_id(place, f.id, loc + ("id",), "fact id")
        if f.id in facts:
            place.add(say("duplicate_id", what="fact id", value=f.id), loc + ("id",))
        if f.group not in group_ids:
            place.add(say("unknown_group", group=f.group, suggestion=suggestion(f.group, group_ids, synonyms=False)),
                      loc + ("group",))
        values: tuple[tuple[str, str], ...] = ()
        if f.type in ("enum", "list"):
            if not f.values:
                place.add(say("needs_values", kind=_kind_named(f.type)), loc, point="key")
            else:
                for value_id in f.values:
                    _check_id(place, str(value_id), loc + ("values", value_id), "value id")
                values = tuple((str(k), v) for k, v in f.values.items())
        elif f.values:
            place.add(say("takes_no_values", kind=_kind_named(f.type),
                          hint=": did you mean type: enum (one value) or type: list (several)?" if f.type == "bool" else ""),
                      loc + ("values",), point="key")
        if f.type != "int" and (f.min is not None or f.max is not None or f.unit):
            place.add(say("number_options_only"), loc, point="key")
        if f.type == "int" and f.min is not None and f.max is not None and f.min > f.max:
            place.add(say("min_above_max", min=f.min, max=f.max), loc + ("min",))
        for i, alias in enumerate(f.unanswered):
            if f.type not in ("enum", "list"):
                place.add(say("unanswered_for_choices"), loc + ("unanswered", i))
            elif alias in dict(values):
                place.add(say("unanswered_and_value", value=alias), loc + ("unanswered", i))
        facts[f.id] = Fact(id=f.id, type=f.type, group=f.group, label=f.label.strip(),
                           question=f.question.strip(), help=f.help.strip(), values=values,
                           minimum=f.min, maximum=f.max, unit=f.unit,
                           unanswered=tuple(f.unanswered), line=line_at(doc.data, loc) or 0)
        first_line[f.id] = loc

    # ask_if is checked once every fact is known, since it may point forward.
    for fi, f in enumerate(parsed.facts):
        if not f.ask_if or f.id not in facts:
            continue
        conditions = []
        for parent_id, accepted in f.ask_if.items():
            loc = ("facts", fi, "ask_if", parent_id)
            parent = facts.get(parent_id)
            if parent is None:
                place.add(say("unknown_fact", fact=parent_id, suggestion=suggestion(parent_id, facts, synonyms=False)),
                          loc, point="key")
                continue
            if parent_id == f.id:
                place.add(say("ask_if_self"), loc, point="key")
                continue
            accepted_values = tuple(accepted) if isinstance(accepted, list) else (accepted,)
            for value in accepted_values:
                problem = value_problem(parent, value)
                if problem:
                    place.add(problem, loc)
            conditions.append((parent_id, accepted_values))
        facts[f.id] = replace(facts[f.id], ask_if=tuple(conditions))
    _check_ask_if_cycles(facts, place, first_line)

    for di, d in enumerate(parsed.derived):
        loc = ("derived", di)
        _check_id(place, d.id, loc + ("id",), "derived fact id")
        if d.id in facts:
            place.add(say("duplicate_id", what="fact id", value=d.id,
                          first=" (derived facts share the fact namespace)"), loc + ("id",))
        facts[d.id] = Fact(id=d.id, type="bool", group="derived", label=d.label.strip(),
                           question="", help=d.meaning.strip(), derived=True, line=line_at(doc.data, loc) or 0)
        first_line[d.id] = loc
    if len(issues) > start:
        return None
    return tuple(groups), facts


def _check_ask_if_cycles(facts: dict[str, Fact], place: Locator, locs: dict[str, tuple]) -> None:
    for fact in facts.values():
        seen, current = [fact.id], fact
        while current.ask_if:
            parent = current.ask_if[0][0]
            if parent in seen:
                place.add(say("ask_if_loop", chain=" -> ".join(seen + [parent])), locs[fact.id] + ("ask_if",),
                          point="key")
                break
            seen.append(parent)
            current = facts.get(parent)
            if current is None:
                break


# --- actions ------------------------------------------------------------------------------------

def _build_actions(doc: Document, issues: list[Issue]) -> dict[str, Action] | None:
    parsed: ActionsDoc | None = check_shape(doc, ActionsDoc, issues)
    if parsed is None:
        return None
    place = Locator(doc, issues)
    start = len(issues)
    actions: dict[str, Action] = {}
    for ai, a in enumerate(parsed.actions):
        loc = ("actions", ai)
        _check_id(place, a.id, loc + ("id",), "action id")
        if a.id in actions:
            place.add(say("duplicate_id", what="action id", value=a.id), loc + ("id",))
        if a.safety and a.urgency != "immediate":
            place.add(say("safety_always_immediate"), loc + ("urgency",))
        if a.safety and a.supporting:
            place.add(say("safety_not_supporting"), loc + ("supporting",),
                      f"action {a.id}", "supporting")
        actions[a.id] = Action(a.id, a.label.strip(), a.guidance.strip(), a.urgency, a.safety, a.supporting,
                               line=line_at(doc.data, loc) or 0)
    if len(issues) > start:
        return None
    return actions


# --- is a condition small enough to expand? -----------------------------------------------------

_SATURATED = 10 ** 9  # counting stops here: a count this large is refused whatever it is exactly


def alternatives_count(cond: Condition, facts: dict[str, Fact], positive: bool = True) -> int:
    """How many alternatives the compiler would write a condition out into, counted from the tree
    without writing any out: 'all' multiplies its items' counts, 'any' adds them ('not' swaps the
    two), an atom counts as the compiler's own alternatives for it (one_of [a, b] is two). An upper
    bound: the compiler then drops duplicate and contradictory alternatives. Saturates at 10^9."""
    if isinstance(cond, Atom):
        return len(atom_terms(cond, facts[cond.fact], positive))
    if isinstance(cond, Not):
        return alternatives_count(cond.item, facts, not positive)
    counts = (alternatives_count(item, facts, positive) for item in cond.items)
    if isinstance(cond, AllOf) == positive:
        total = 1
        for count in counts:
            total = min(total * count, _SATURATED)
        return total
    return min(sum(counts), _SATURATED)


def expansion_problem(cond: Condition, facts: dict[str, Fact]) -> str | None:
    """Why a condition is too large to expand (nested all/any grow as a product), or None. Checked
    before anything expands it: 64 atoms nested five levels deep would otherwise take minutes."""
    count = alternatives_count(cond, facts)
    if count <= MAX_TERMS_PER_RULE:
        return None
    words = f"{count:,}" if count < _SATURATED else "more than a billion"
    return (f"its condition is too large: written out it has {words} alternative ways to hold ('all'"
            f" multiplies them, 'any' and 'one_of' add them), and the rules engine takes at most"
            f" {MAX_TERMS_PER_RULE} per rule; split it into smaller rules")


# --- rules --------------------------------------------------------------------------------------

# --- reuse: parameters, topics, named conditions, agreement ---------------------------------------

def _build_parameters(doc: Document, parsed: RulesetDoc, facts: dict[str, Fact],
                      issues: list[Issue]) -> dict[str, Parameter]:
    place = Locator(doc, issues)
    parameters: dict[str, Parameter] = {}
    for pi, p in enumerate(parsed.parameters):
        loc = ("parameters", pi, "id")
        _check_id(place, p.id, loc, "parameter id")
        if p.id in parameters:
            place.add(say("duplicate_id", what="parameter id", value=p.id), loc)
        elif p.id in facts:
            place.add(say("name_taken", name=p.id, other="a fact", what="parameter"), loc)
        parameters[p.id] = Parameter(p.id, p.value, p.meaning.strip(), p.source.strip(),
                                     line_at(doc.data, ("parameters", pi)) or 0)
    return parameters


def _build_topics(doc: Document, parsed: RulesetDoc, issues: list[Issue]) -> tuple[Topic, ...]:
    place = Locator(doc, issues)
    topics: list[Topic] = []
    for ti, t in enumerate(parsed.topics):
        _check_id(place, t.id, ("topics", ti, "id"), "topic id")
        if any(x.id == t.id for x in topics):
            place.add(say("duplicate_id", what="topic id", value=t.id), ("topics", ti, "id"))
        topics.append(Topic(t.id, t.title.strip()))
    return tuple(topics)


class NamedConditions:
    """Every rule file's `definitions:`, parsed once each on first use, loops refused; records
    which names the rules use."""

    def __init__(self, files: list[tuple[Document, RuleFileDoc | None]], facts: dict[str, Fact],
                 parameters: dict[str, Parameter], issues: list[Issue]):
        self.facts, self.issues = facts, issues
        self.parameters = {p.id: p.value for p in parameters.values()}
        self.raw: dict[str, tuple[Locator, int, Any]] = {}
        self.parsed: dict[str, Condition | None] = {}
        self.visiting: list[str] = []
        self.used: set[str] = set()
        for doc, parsed in files:
            if parsed is None:
                continue
            place = Locator(doc, issues)
            for di, d in enumerate(parsed.definitions):
                loc = ("definitions", di, "id")
                _check_id(place, d.id, loc, "definition id")
                if d.id in self.raw:
                    other, other_index, _ = self.raw[d.id]
                    first = line_at(other.doc.data, ("definitions", other_index))
                    place.add(say("duplicate_id", what="definition id", value=d.id,
                                  first=f" (first in {other.doc.path}:{first})"), loc)
                    continue
                if d.id in facts or d.id in parameters:
                    place.add(say("name_taken", name=d.id, other="a fact" if d.id in facts else "a parameter",
                                  what="named condition"), loc)
                    continue
                self.raw[d.id] = (place, di, d)

    def names(self, written: list | None = None, for_rule: bool = False) -> Names:
        resolve = self.resolve_for_rule if for_rule else self.resolve
        return Names(tuple(self.raw), resolve, self.parameters, written)

    def resolve_for_rule(self, name: str) -> tuple[Condition | None, str | None]:
        self.used.add(name)
        return self.resolve(name)

    def resolve(self, name: str) -> tuple[Condition | None, str | None]:
        if name in self.visiting:
            return None, say("definitions_loop", chain=" -> ".join(self.visiting[self.visiting.index(name):] + [name]))
        if name not in self.parsed:
            self.visiting.append(name)
            place, di, d = self.raw[name]
            loc = ("definitions", di)

            def report(message: str, path: tuple, point: str = "value") -> None:
                place.add(message, loc + ("when",) + path, f"definition {name}", dotted(("when",) + path), point)

            cond = parse_condition(d.when, self.facts, report, names=self.names())
            if cond is not None and not can_ever_hold(cond, self.facts):
                report(say("never_holds"), (), "key")
                cond = None
            self.visiting.pop()
            self.parsed[name] = cond
        return self.parsed[name], None

    def definitions(self) -> dict[str, Definition]:
        for name in self.raw:
            self.resolve(name)
        return {name: Definition(name, d.meaning.strip(), self.parsed[name], place.doc.path,
                                 line_at(place.doc.data, ("definitions", di)) or 0)
                for name, (place, di, d) in self.raw.items() if self.parsed.get(name) is not None}

    def unused(self) -> list[Issue]:
        found: list[Issue] = []
        for name, (place, di, _) in self.raw.items():
            if name not in self.used:
                Locator(place.doc, found).add(say("definition_unused"), ("definitions", di, "id"),
                                              f"definition {name}", None)
        return found


def _with_agreements(doc: Document, facts: dict[str, Fact], parameters: dict[str, Parameter],
                     issues: list[Issue]) -> dict[str, Fact]:
    """Each yes/no fact's `agrees_with`, parsed (facts and parameters only)."""
    data = doc.data.get("facts") if isinstance(doc.data, dict) else None
    place = Locator(doc, issues)
    names = Names((), None, {p.id: p.value for p in parameters.values()})
    updated = dict(facts)
    for fi, item in enumerate(data or ()):
        if not isinstance(item, dict) or item.get("agrees_with") is None or item.get("id") not in facts:
            continue
        fact = facts[item["id"]]
        loc = ("facts", fi, "agrees_with")
        if fact.type != "bool":
            place.add(say("agrees_with_yes_no"), loc, point="key")
            continue

        def report(message: str, path: tuple, point: str = "value", _loc=loc) -> None:
            place.add(message, _loc + path, point=point)

        cond = parse_condition(item["agrees_with"], facts, report, names=names)
        if cond is None:
            continue
        reads = condition_facts(cond)
        if fact.id in reads:
            place.add(say("agrees_with_itself"), loc, point="key")
        elif any(facts[r].derived for r in reads):
            place.add(say("agrees_with_derived", fact=next(r for r in reads if facts[r].derived)), loc, point="key")
        else:
            updated[fact.id] = replace(fact, agrees_with=cond)
    return updated


def _repeated_conditions(written: dict[str, tuple[Locator, tuple, list]], facts: dict[str, Fact]) -> list[Issue]:
    """A condition of two or more tests written out in two or more rules: name it once. Only the
    largest such condition is named, not each of its parts."""
    occurrences: dict[Condition, list[tuple[str, tuple]]] = {}
    for rule_id, (_, _, conditions) in written.items():
        for cond, path in conditions:
            if size(cond) >= 2:
                occurrences.setdefault(cond, []).append((rule_id, path))
    repeated = {c: places for c, places in occurrences.items() if len({r for r, _ in places}) >= 2}
    inside = {(r, p) for places in repeated.values() for r, p in places}

    def covered(rule_id: str, path: tuple) -> bool:
        return any((rule_id, path[:n]) in inside for n in range(len(path)))

    found: list[Issue] = []
    for cond, places in repeated.items():
        if all(covered(r, p) for r, p in places):
            continue
        (first_rule, first_path), *others = places
        place, loc, _ = written[first_rule]
        where = [f"rule {r} ({written[r][0].doc.path}:{line_at(written[r][0].doc.data, written[r][1] + ('when',) + p)})"
                 for r, p in others]
        Locator(place.doc, found).add(
            say("condition_repeated", others=", ".join(where), words=facts_condition_words(facts, cond)),
            loc + ("when",) + first_path, f"rule {first_rule}", dotted(("when",) + first_path), "key")
    return found


def _build_rules(files: list[tuple[Document, RuleFileDoc | None]], code: Code, facts: dict[str, Fact],
                 actions: dict[str, Action], facts_doc: Document,
                 issues: list[Issue], generic: frozenset[int] = frozenset(),
                 places: dict[str, tuple[Locator, tuple]] | None = None,
                 named: NamedConditions | None = None,
                 written: dict[str, tuple[Locator, tuple, list]] | None = None) -> tuple[Rule, ...] | None:
    """The rules of every rule file; `places` (rule id -> its Locator and location) and `written`
    (rule id -> the conditions as written, for the repeated-condition check) are filled in."""
    rules: list[Rule] = []
    places = {} if places is None else places
    written = {} if written is None else written
    start = len(issues)
    commitment_numbers = {c.number for c in code.commitments}
    purpose_numbers = {p.number for p in code.purposes}
    derived_ids = [f.id for f in facts.values() if f.derived]
    for doc, parsed in files:
        if parsed is None:
            continue
        place = Locator(doc, issues)
        for ri, r in enumerate(parsed.rules):
            loc = ("rules", ri)
            owner = f"rule {r.id}"
            before = len(issues)

            def report(message: str, path: tuple, point: str = "value", _loc=loc, _owner=owner,
                       _place=place) -> None:
                _place.add(message, _loc + ("when",) + path, _owner, dotted(("when",) + path), point)

            _check_id(place, r.id, loc + ("id",), "rule id", RULE_ID_PATTERN)
            if r.id in places:
                other_place, other_loc = places[r.id]
                first = line_at(other_place.doc.data, other_loc)
                place.add(say("duplicate_id", what="rule id", value=r.id,
                              first=f" (first in {other_place.doc.path}:{first})"),
                          loc + ("id",), owner, "id")
            places.setdefault(r.id, (place, loc))
            as_written: list = []
            written.setdefault(r.id, (place, loc, as_written))
            names = named.names(as_written, for_rule=True) if named is not None else Names(written=as_written)
            when = parse_condition(r.when, facts, report, names=names)
            too_large = when is not None and expansion_problem(when, facts)
            if too_large:  # refused before anything expands it (can_ever_hold, the compiler)
                report(too_large, (), "key")
            elif when is not None and not can_ever_hold(when, facts):
                report(say("never_holds"), (), "key")
            cites = []
            for ci, c in enumerate(r.cites):
                cloc = loc + ("cites", ci)
                if (c.commitment is None) == (c.purpose is None):
                    place.add(say("cite_one"), cloc, owner, dotted(("cites", ci)))
                elif c.commitment is not None and c.commitment not in commitment_numbers:
                    place.add(say("no_commitment", number=c.commitment, count=COMMITMENT_COUNT),
                              cloc + ("commitment",), owner, dotted(("cites", ci, "commitment")))
                elif c.purpose is not None and c.purpose not in purpose_numbers:
                    place.add(say("no_purpose", number=c.purpose, count=PURPOSE_COUNT),
                              cloc + ("purpose",), owner, dotted(("cites", ci, "purpose")))
                elif c.purpose is not None and c.role is not None:
                    place.add(say("role_for_commitments"), cloc + ("role",), owner, dotted(("cites", ci, "role")))
                else:
                    kind = "commitment" if c.commitment is not None else "purpose"
                    number = c.commitment if c.commitment is not None else c.purpose
                    if any(x.kind == kind and x.number == number for x in cites):
                        place.add(say("cited_twice", kind=kind, number=number), cloc, owner, dotted(("cites", ci)))
                    governs = kind == "commitment" and ((c.role == "governs") if c.role else number not in generic)
                    cites.append(Citation(kind, number, c.why.strip(), governs, fallback=c.role == "fallback"))
            refs = []
            for ai, a in enumerate(r.actions):
                aloc = loc + ("actions", ai)
                field = dotted(("actions", ai, "id"))
                if a.id not in actions:
                    place.add(say("unknown_action", action=a.id, suggestion=suggestion(a.id, actions, synonyms=False)),
                              aloc + ("id",), owner, field)
                    continue
                if any(x.id == a.id for x in refs):
                    place.add(say("action_twice", action=a.id), aloc + ("id",), owner, field)
                if actions[a.id].safety and a.urgency not in (None, "immediate"):
                    place.add(say("safety_delayed", action=a.id, urgency=a.urgency), aloc + ("urgency",), owner,
                              dotted(("actions", ai, "urgency")))
                if a.leads and not actions[a.id].supporting:
                    place.add(say("leads_not_supporting", action=a.id), aloc + ("leads",), owner,
                              dotted(("actions", ai, "leads")))
                refs.append(ActionRef(a.id, a.urgency, a.note.strip(), a.leads))
            for xi, x in enumerate(r.replaces):
                xloc, field = loc + ("replaces", xi), dotted(("replaces", xi))
                if x not in actions:
                    place.add(say("unknown_action", action=x, suggestion=suggestion(x, actions, synonyms=False)),
                              xloc, owner, field)
                elif actions[x].safety:
                    place.add(say("replaces_safety", action=x), xloc, owner, field)
                elif any(ref.id == x for ref in refs):
                    place.add(say("recommends_and_replaces", action=x), xloc, owner, field)
            for di, d in enumerate(r.concludes):
                if d not in facts or not facts[d].derived:
                    hint = (" (it is an input fact: only derived facts can be concluded)" if d in facts
                            else suggestion(d, derived_ids, synonyms=False))
                    place.add(say("unknown_derived", fact=d, hint=hint), loc + ("concludes", di), owner,
                              dotted(("concludes", di)))
                elif when is not None and d in condition_facts(when):
                    place.add(say("concludes_what_it_reads", fact=d), loc + ("concludes", di), owner,
                              dotted(("concludes", di)))
            tensions = []
            for ti, t in enumerate(r.tensions):
                tloc = loc + ("tensions", ti, "between")
                a, b = t.between
                bad = [n for n in (a, b) if n not in commitment_numbers]
                if bad:
                    place.add(say("no_commitment", number=bad[0], count=COMMITMENT_COUNT), tloc, owner,
                              dotted(("tensions", ti, "between")), "key")
                elif a == b:
                    place.add(say("tension_same"), tloc, owner, dotted(("tensions", ti, "between")), "key")
                else:
                    tensions.append(TensionSpec((min(a, b), max(a, b)), t.why.strip()))
            if not (r.cites or r.actions or r.concludes or r.tensions or r.questions or r.replaces):
                place.add(say("says_nothing"), loc, owner, None, "key")
            if len(issues) == before and when is not None:
                rules.append(Rule(
                    id=r.id, title=r.title.strip(), when=when, file=doc.path,
                    line=line_at(doc.data, loc) or 0, priority=r.priority, cites=tuple(cites),
                    actions=tuple(refs), concludes=tuple(dict.fromkeys(r.concludes)),
                    replaces=tuple(dict.fromkeys(r.replaces)),
                    tensions=tuple(tensions), questions=tuple(q.strip() for q in r.questions),
                    comment=r.comment.strip(), sources=tuple(r.sources),
                    fires=tuple(doc.data["rules"][ri].get("examples", {}).get("fires", ())),
                    silent=tuple(doc.data["rules"][ri].get("examples", {}).get("silent", ())),
                    example_lines={kind: tuple(line_at(doc.data, loc + ("examples", kind, k)) or 0
                                               for k in range(len(doc.data["rules"][ri].get("examples", {})
                                                                  .get(kind, ()))))
                                   for kind in ("fires", "silent")}))
    if len(issues) > start:
        return None
    _check_derived(rules, facts, places, Locator(facts_doc, issues))
    if len(issues) > start:
        return None
    return tuple(rules)


def _check_derived(rules: list[Rule], facts: dict[str, Fact], places: dict[str, tuple[Locator, tuple]],
                   facts_place: Locator) -> None:
    """Every derived fact is concluded by some rule and read by some rule, and chains never loop."""
    concluded = {d for r in rules for d in r.concludes}
    read = {f for r in rules for f in r.reads}
    declared = [d.get("id") if isinstance(d, dict) else None
                for d in (facts_place.doc.data.get("derived") or [])]
    for fact in facts.values():
        if not fact.derived:
            continue
        loc = ("derived", declared.index(fact.id)) if fact.id in declared else ("derived",)
        if fact.id not in concluded:
            facts_place.add(say("derived_never_concluded"), loc + ("id",),
                            f"derived fact {fact.id}", None)
        if fact.id not in read:
            facts_place.add(say("derived_never_read"), loc + ("id",),
                            f"derived fact {fact.id}", None)
    try:
        derivation_layers(rules)
    except ValueError as exc:
        rule_id = str(exc)
        place, loc = places[rule_id]
        place.add(say("derived_loop"), loc + ("concludes",), f"rule {rule_id}", "concludes", "key")


# --- the whole ----------------------------------------------------------------------------------

def validate(raw: RawRuleBase) -> RuleBase:
    """Check every document; raise RuleBaseError listing every problem found."""
    issues: list[Issue] = []
    ruleset: RulesetDoc | None = check_shape(raw.ruleset, RulesetDoc, issues)
    code = _build_code(raw.code, issues)
    facts_part = _build_facts(raw.facts, issues)
    actions = _build_actions(raw.actions, issues)
    files = [(doc, check_shape(doc, RuleFileDoc, issues)) for doc in raw.rule_files]
    if code is None or facts_part is None or actions is None or ruleset is None:
        raise RuleBaseError(issues)  # rules cannot be checked against a vocabulary that is itself broken
    groups, facts = facts_part
    parameters = _build_parameters(raw.ruleset, ruleset, facts, issues)
    topics = _build_topics(raw.ruleset, ruleset, issues)
    facts = _with_agreements(raw.facts, facts, parameters, issues)
    named = NamedConditions(files, facts, parameters, issues)
    definitions = named.definitions()
    known = {c.number for c in code.commitments}
    for i, number in enumerate(ruleset.generic_commitments):
        if number not in known:
            issues.append(Issue(say("no_commitment", number=number, count=COMMITMENT_COUNT),
                                file=raw.ruleset.path, line=line_at(raw.ruleset.data, ("generic_commitments", i)),
                                field=f"generic_commitments.{i}"))
    generic = frozenset(ruleset.generic_commitments)
    places: dict[str, tuple[Locator, tuple]] = {}
    written: dict[str, tuple[Locator, tuple, list]] = {}
    rules = _build_rules(files, code, facts, actions, raw.facts, issues, generic, places, named, written)
    if rules is not None and not rules:
        issues.append(Issue(say("no_rules"),
                            file=str(raw.directory)))
    if issues or rules is None:
        raise RuleBaseError(issues)
    warnings = named.unused() + _repeated_conditions(written, facts)
    rulebase = RuleBase(name=ruleset.name, version=ruleset.version, sha256=raw.sha256,
                        directory=str(raw.directory), code=code, groups=groups, facts=facts,
                        actions=actions, rules=rules, generic_commitments=tuple(sorted(generic)),
                        files=tuple(d.path for d in (raw.ruleset, raw.code, raw.facts, raw.actions,
                                                     *raw.rule_files)),
                        parameters=parameters, definitions=definitions, topics=topics, warnings=tuple(warnings))
    return _with_checked_examples(rulebase, places)


def _with_checked_examples(rulebase: RuleBase, places: dict[str, tuple[Locator, tuple]]) -> RuleBase:
    """Check each rule's example facts against the vocabulary; store them normalised."""
    issues: list[Issue] = []
    rules = []
    for rule in rulebase.rules:
        checked: dict[str, list] = {"fires": [], "silent": []}
        place, loc = places[rule.id]
        for kind in checked:
            for i, example in enumerate(getattr(rule, kind)):
                where = f"examples.{kind}[{i}]"
                try:
                    checked[kind].append(check_facts(rulebase, example, rule.file, (where,)).values)
                except FactsError as exc:
                    for x in exc.issues:
                        fact_id = (x.field or "")[len(where) + 1:] if (x.field or "").startswith(where + ".") else ""
                        at = loc + ("examples", kind, i) + ((fact_id,) if fact_id else ())
                        issues.append(replace(x, owner=f"rule {rule.id}", excerpt=place.excerpt(at, x.line)))
        rules.append(replace(rule, fires=tuple(checked["fires"]), silent=tuple(checked["silent"])))
    if issues:
        raise RuleBaseError(issues)
    return replace(rulebase, rules=tuple(rules))


__all__ = ["validate", "alternatives_count", "expansion_problem"]
