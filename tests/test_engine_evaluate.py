"""Compiling and evaluating: every operator, chaining, follow-ups, ordering, the report's shape."""
from __future__ import annotations

import pytest

import engine
from engine.errors import FactsError
from tests.support.minirules import CHAIN_RULES, make_rules_dir

# One rule per operator (and its negation), each citing a different commitment so that the
# commitments in a report say exactly which rules fired.
OPERATOR_RULES = CHAIN_RULES + """\
  - id: op.equals_bool
    title: equals true
    when: {fact: flag_b, equals: true}
    cites: [{commitment: 1, why: w}]
  - id: op.equals_false
    title: equals false
    when: {fact: flag_b, equals: false}
    cites: [{commitment: 2, why: w}]
  - id: op.equals_enum
    title: equals enum
    when: {fact: colour, equals: red}
    cites: [{commitment: 3, why: w}]
  - id: op.one_of
    title: one of
    when: {fact: colour, one_of: [green, blue]}
    cites: [{commitment: 4, why: w}]
  - id: op.contains_any
    title: contains any
    when: {fact: kinds, contains_any: [k1, k2]}
    cites: [{commitment: 5, why: w}]
  - id: op.contains_all
    title: contains all
    when: {fact: kinds, contains_all: [k1, k2]}
    cites: [{commitment: 6, why: w}]
  - id: op.known
    title: known
    when: {fact: colour, is: known}
    cites: [{commitment: 8, why: w}]
  - id: op.unknown
    title: unknown
    when: {fact: colour, is: unknown}
    cites: [{commitment: 9, why: w}]
  - id: op.gt
    title: gt
    when: {fact: age, gt: 64}
    cites: [{commitment: 10, why: w}]
  - id: op.gte
    title: gte
    when: {fact: age, gte: 65}
    cites: [{commitment: 11, why: w}]
  - id: op.lt
    title: lt
    when: {fact: age, lt: 18}
    cites: [{commitment: 12, why: w}]
  - id: op.lte
    title: lte
    when: {fact: age, lte: 17}
    cites: [{commitment: 13, why: w}]
  - id: op.int_equals
    title: int equals
    when: {fact: age, equals: 40}
    cites: [{commitment: 14, why: w}]
  - id: op.not_equals_enum
    title: not equals
    when: {not: {fact: colour, equals: red}}
    cites: [{commitment: 15, why: w}]
  - id: op.not_contains_all
    title: not contains all
    when: {not: {fact: kinds, contains_all: [k1, k2]}}
    cites: [{commitment: 16, why: w}]
  - id: op.not_gt
    title: not gt
    when: {not: {fact: age, gt: 64}}
    cites: [{commitment: 17, why: w}]
  - id: op.any
    title: any
    when: {any: [flag_b, {fact: colour, equals: blue}]}
    cites: [{commitment: 18, why: w}]
  - id: op.not_all
    title: not all
    when: {not: {all: [flag_b, {fact: kinds, contains_any: [k3]}]}}
    cites: [{commitment: 19, why: w}]
  - id: op.not_int_one_of
    title: not int one of
    when: {not: {fact: age, one_of: [30, 40]}}
    cites: [{commitment: 20, why: w}]
"""

# (facts, the op.* rules that must fire: exactly these)
CASES = [
    ({}, {"op.unknown", "op.not_equals_enum", "op.not_contains_all", "op.not_gt", "op.not_all",
          "op.not_int_one_of"}),
    ({"flag_b": True}, {"op.equals_bool", "op.unknown", "op.not_equals_enum", "op.not_contains_all",
                        "op.not_gt", "op.any", "op.not_all", "op.not_int_one_of"}),
    ({"flag_b": False}, {"op.equals_false", "op.unknown", "op.not_equals_enum", "op.not_contains_all",
                         "op.not_gt", "op.not_all", "op.not_int_one_of"}),
    ({"colour": "red"}, {"op.equals_enum", "op.known", "op.not_contains_all", "op.not_gt", "op.not_all",
                         "op.not_int_one_of"}),
    ({"colour": "blue"}, {"op.one_of", "op.known", "op.not_equals_enum", "op.not_contains_all", "op.not_gt",
                          "op.any", "op.not_all", "op.not_int_one_of"}),
    ({"kinds": ["k2"]}, {"op.contains_any", "op.unknown", "op.not_equals_enum", "op.not_contains_all",
                         "op.not_gt", "op.not_all", "op.not_int_one_of"}),
    ({"kinds": ["k2", "k1", "k3"], "flag_b": True},
     {"op.contains_any", "op.contains_all", "op.unknown", "op.not_equals_enum", "op.not_gt", "op.equals_bool",
      "op.any", "op.not_int_one_of"}),
    ({"kinds": []}, {"op.unknown", "op.not_equals_enum", "op.not_contains_all", "op.not_gt", "op.not_all",
                     "op.not_int_one_of"}),
    ({"age": 65}, {"op.gt", "op.gte", "op.unknown", "op.not_equals_enum", "op.not_contains_all", "op.not_all",
                   "op.not_int_one_of"}),
    ({"age": 64}, {"op.unknown", "op.not_equals_enum", "op.not_contains_all", "op.not_gt", "op.not_all",
                   "op.not_int_one_of"}),
    ({"age": 17}, {"op.lt", "op.lte", "op.unknown", "op.not_equals_enum", "op.not_contains_all", "op.not_gt",
                   "op.not_all", "op.not_int_one_of"}),
    ({"age": 18}, {"op.unknown", "op.not_equals_enum", "op.not_contains_all", "op.not_gt", "op.not_all",
                   "op.not_int_one_of"}),
    ({"age": 40}, {"op.int_equals", "op.unknown", "op.not_equals_enum", "op.not_contains_all", "op.not_gt",
                   "op.not_all"}),
    ({"age": 0}, {"op.lt", "op.lte", "op.unknown", "op.not_equals_enum", "op.not_contains_all", "op.not_gt",
                  "op.not_all", "op.not_int_one_of"}),
]


@pytest.fixture(scope="module")
def op_advisor(tmp_path_factory):
    return engine.load(make_rules_dir(tmp_path_factory.mktemp("ops"), OPERATOR_RULES))


@pytest.mark.parametrize("facts,expected", CASES, ids=[repr(c[0]) for c in CASES])
def test_every_operator_fires_exactly_when_its_test_holds(op_advisor, facts, expected):
    report = op_advisor.evaluate(facts, explore=False)
    fired = {r for r in report.fired_rules if r.startswith("op.")}
    assert fired == expected


def test_chaining_concludes_derived_facts_layer_by_layer(op_advisor):
    report = op_advisor.evaluate({"flag_a": True}, explore=False)
    assert {"chain.one", "chain.two", "chain.three"} <= set(report.fired_rules)
    assert report.to_dict()["derived_facts"] == {"level_one": True, "level_two": True}
    (action,) = [a for a in report.actions if a.id == "document"]
    assert action.because[0].rule == "chain.three"
    assert action.because[0].facts == {"level_two": True, "flag_b": None}


def test_negation_over_a_derived_fact_waits_for_its_conclusion(op_advisor):
    assert "chain.three" not in op_advisor.evaluate({"flag_a": True, "flag_b": True}, explore=False).fired_rules
    assert "chain.three" not in op_advisor.evaluate({"flag_a": False}, explore=False).fired_rules


def test_a_follow_up_answer_implies_its_parent(op_advisor):
    report = op_advisor.evaluate({"detail": "d1"}, explore=False)
    assert report.facts == {"flag_a": True, "detail": "d1"}
    assert report.implied_facts == ("flag_a",)
    assert "chain.one" in report.fired_rules


def test_a_follow_up_contradicting_its_parent_is_refused(op_advisor):
    with pytest.raises(FactsError) as err:
        op_advisor.evaluate({"flag_a": False, "detail": "d1"})
    assert "'detail' applies only when 'flag_a' is true, but it is false" in str(err.value)


@pytest.mark.parametrize("facts,fragment", [
    ({"flag_z": True}, "unknown fact 'flag_z'"),
    ({"flag_a": "yes"}, "'flag_a' is true or false, got 'yes'"),
    ({"flag_a": 1}, "'flag_a' is true or false, got 1"),
    ({"colour": "pink"}, "'pink' is not a value of 'colour'"),
    ({"kinds": "k1"}, "'kinds' is a list of values (k1, k2, k3), got 'k1'"),
    ({"kinds": ["k1", "k9"]}, "'k9' is not a value of 'kinds'"),
    ({"age": 200}, "'age' is at most 120, got 200"),
    ({"age": 3.5}, "'age' is a whole number, got 3.5"),
    ({"age": True}, "'age' is a whole number, got true"),
    ({"level_one": True}, "'level_one' is concluded by the rules and cannot be given"),
    (["flag_a"], "facts must be a mapping of fact id to value, got a list"),
])
def test_bad_facts_are_refused_with_the_fact_named(op_advisor, facts, fragment):
    with pytest.raises(FactsError) as err:
        op_advisor.evaluate(facts)
    assert fragment in str(err.value)


def test_null_means_not_known_and_lists_are_normalised(op_advisor):
    report = op_advisor.evaluate({"colour": None, "kinds": ["k3", "k1", "k3"]}, explore=False)
    assert report.facts == {"kinds": ["k1", "k3"]}


ORDER_RULES = CHAIN_RULES + """\
  - id: o.low
    title: low priority, immediate document
    priority: 10
    when: flag_b
    actions:
      - {id: document, urgency: immediate, note: Write it down now.}
      - maintain_boundary
  - id: o.high
    title: high priority, immediate consultation
    priority: 90
    when: flag_b
    actions:
      - {id: consult_supervisor, urgency: immediate}
  - id: o.safety
    title: a safety action from a low-priority rule
    priority: 5
    when: flag_b
    actions: [report_to_authorities]
  - id: o.again
    title: document again, routinely
    priority: 95
    when: flag_b
    actions: [document, reassess_needs, peer_support]
"""


@pytest.fixture(scope="module")
def order_advisor(tmp_path_factory):
    return engine.load(make_rules_dir(tmp_path_factory.mktemp("order"), ORDER_RULES))


def test_actions_are_ordered_by_urgency_then_safety_then_priority_then_the_authors_order(order_advisor):
    report = order_advisor.evaluate({"flag_b": True}, explore=False)
    assert [(a.id, a.urgency) for a in report.actions] == [
        ("report_to_authorities", "immediate"),  # safety first, whatever its rule's priority
        ("document", "immediate"),               # priority 95 (o.again) beats 90 (o.high)
        ("consult_supervisor", "immediate"),
        ("maintain_boundary", "soon"),
        ("reassess_needs", "routine"),           # same rule: the order its author listed them in,
        ("peer_support", "routine"),             # not the catalogue's (peer_support comes first there)
    ]


def test_an_action_takes_its_most_urgent_request_and_keeps_every_reason(order_advisor):
    report = order_advisor.evaluate({"flag_b": True}, explore=False)
    document = report.action("document")
    assert document.urgency == "immediate"
    assert [(b.rule, b.urgency) for b in document.because] == [("o.again", "routine"), ("o.low", "immediate")]
    assert document.notes == ("Write it down now.",)


def test_reports_are_deterministic_and_keep_nothing_between_calls(op_advisor):
    first = op_advisor.evaluate({"colour": "red", "kinds": ["k1"]}).to_dict()
    op_advisor.evaluate({"flag_a": True, "flag_b": True, "colour": "blue", "age": 70})
    again = op_advisor.evaluate({"colour": "red", "kinds": ["k1"]}).to_dict()
    assert first == again


def test_what_else_to_find_out_names_answers_that_change_the_advice(tmp_path):
    rules = CHAIN_RULES + """\
  - id: f.base
    title: base
    when: flag_b
    cites: [{commitment: 1, why: w}]
  - id: f.more
    title: more
    when: {all: [flag_b, {fact: colour, equals: red}]}
    actions: [{id: consult_supervisor, urgency: immediate}]
  - id: f.elsewhere
    title: unrelated area
    when: {fact: kinds, contains_any: [k3]}
    cites: [{commitment: 3, why: w}]
"""
    advisor = engine.load(make_rules_dir(tmp_path, rules))
    report = advisor.evaluate({"flag_b": True})
    assert [q.fact for q in report.to_find_out] == ["colour"]
    (change,) = report.to_find_out[0].changes
    assert (change.value, change.adds_actions, change.adds_commitments) == ("red", ("consult_supervisor",), ())
    assert advisor.evaluate({}).to_find_out == ()  # nothing engaged, nothing to ask


def test_report_json_has_the_contract_shape(advisor):
    data = advisor.evaluate({"suspected_abuse": True, "victim_group": "child"}).to_dict()
    assert {"ruleset", "facts", "commitments", "purposes", "actions", "tensions", "questions",
            "fired_rules"} <= set(data)
    assert set(data["ruleset"]) >= {"version", "sha256"} and len(data["ruleset"]["sha256"]) == 64
    for c in data["commitments"]:
        assert isinstance(c["number"], int) and 1 <= c["number"] <= 28
        assert isinstance(c["section"], str) and isinstance(c["text"], str)
        assert c["because"] and all(set(b) >= {"rule", "facts"} for b in c["because"])
    for a in data["actions"]:
        assert a["urgency"] in ("immediate", "soon", "routine") and a["label"] and a["because"]
    urgencies = [a["urgency"] for a in data["actions"]]
    assert urgencies == sorted(urgencies, key=["immediate", "soon", "routine"].index)
    for p in data["purposes"]:
        assert 1 <= p["number"] <= 4
    for t in data["tensions"]:
        assert len(t["between"]) == 2 and t["explanation"] and t["because"]
    assert all(isinstance(q, str) for q in data["questions"])
    assert data["disclaimer"] == engine.DISCLAIMER


def test_the_disclaimer_says_what_the_tool_does_not_replace():
    for words in ("professional judgement", "supervisor", "agency's policy", "law", "emergency services"):
        assert words in engine.DISCLAIMER


def test_compare_shows_what_a_changed_fact_adds_removes_and_escalates(order_advisor):
    before = order_advisor.evaluate({"flag_b": False}, explore=False)
    after = order_advisor.evaluate({"flag_b": True}, explore=False)
    diff = engine.compare(before, after)
    assert diff.added_actions == after.action_ids and diff.removed_actions == ()
    assert diff.changed_facts == (("flag_b", False, True),)
    assert engine.compare(after, after).is_empty


def test_a_condition_that_expands_beyond_the_engine_envelope_is_refused_by_name(tmp_path):
    parts = ["{any: [flag_a, flag_b]}", "{fact: colour, one_of: [red, blue]}", "{fact: kinds, contains_any: [k1, k2, k3]}",
             "{any: [{fact: age, gt: 50}, {fact: age, lt: 10}]}", "{not: {fact: age, one_of: [20, 30]}}",
             "{fact: detail, one_of: [d1, d2]}", "{any: [{fact: age, equals: 5}, {fact: kinds, contains_all: [k1, k3]}]}"]
    rule = (CHAIN_RULES + "  - id: huge.rule\n    title: too many alternatives\n    when:\n      all:\n"
            + "".join(f"        - {p}\n" for p in parts) + "    actions: [document]\n")
    with pytest.raises(engine.RuleBaseError) as err:
        engine.load(make_rules_dir(tmp_path, rule))
    (line,) = err.value.lines()
    assert line.startswith("rules/test.yaml:") and "rule huge.rule: when:" in line and "split it" in line


FALLBACK_RULES = CHAIN_RULES + """\
  - id: r.unsure
    title: unsure
    when: {fact: colour, equals: red}
    cites:
      - {commitment: 15, role: fallback, why: Ask when unsure.}
  - id: r.boundary
    title: a boundary
    when: flag_b
    cites:
      - {commitment: 8, why: The exploitation is the point.}
"""


@pytest.fixture(scope="module")
def fallback_advisor(tmp_path_factory):
    return engine.load(make_rules_dir(tmp_path_factory.mktemp("fallback"), FALLBACK_RULES))


def test_a_fallback_citation_governs_only_where_nothing_else_does(fallback_advisor):
    alone = fallback_advisor.evaluate({"colour": "red"}, explore=False)
    assert [c.number for c in alone.governing] == [15]
    beside = fallback_advisor.evaluate({"colour": "red", "flag_b": True}, explore=False)
    assert [c.number for c in beside.governing] == [8]
    assert [c.number for c in beside.also_relevant] == [15]
    assert [c["role"] for c in beside.to_dict()["commitments"]] == ["governing", "also_relevant"]


SUPPORTING_RULES = CHAIN_RULES + """\
  - id: s.consult_now
    title: the supervisor now
    priority: 80
    when: flag_b
    actions:
      - {id: consult_supervisor, urgency: immediate}
      - document
  - id: s.assess
    title: assess, from a less specific rule
    priority: 20
    when: flag_b
    actions: [assess_risk_directly, maintain_boundary]
"""


def test_a_supporting_step_made_immediate_keeps_its_rules_rank(tmp_path):
    advisor = engine.load(make_rules_dir(tmp_path, SUPPORTING_RULES))
    report = advisor.evaluate({"flag_b": True}, explore=False)
    assert [(a.id, a.urgency) for a in report.actions] == [
        ("consult_supervisor", "immediate"),   # supporting, but immediate: ranked by its rule
        ("assess_risk_directly", "immediate"),
        ("maintain_boundary", "soon"),
        ("document", "routine"),               # supporting at its usual urgency: last
    ]


LEADING_RULES = CHAIN_RULES + """\
  - id: l.policy_first
    title: the agency decides, so its policy first
    priority: 20
    when: flag_b
    actions:
      - {id: follow_agency_policy, urgency: soon, leads: true}
      - {id: consult_supervisor, urgency: soon}
  - id: l.situation
    title: the situation's own steps, from a more specific rule
    priority: 80
    when: flag_b
    actions: [maintain_boundary, end_outside_relationship]
  - id: l.danger
    title: a safety step still comes first
    priority: 10
    when: flag_a
    actions: [emergency_response]
"""


def test_a_leading_supporting_step_comes_before_the_situations_own_steps(tmp_path):
    advisor = engine.load(make_rules_dir(tmp_path, LEADING_RULES))
    report = advisor.evaluate({"flag_b": True}, explore=False)
    assert [(a.id, a.urgency) for a in report.actions] == [
        ("follow_agency_policy", "soon"),      # leads: before the higher-priority rule's steps
        ("maintain_boundary", "soon"),
        ("end_outside_relationship", "soon"),
        ("consult_supervisor", "soon"),        # supporting, not leading: after them
    ]
    with_danger = advisor.evaluate({"flag_a": True, "flag_b": True}, explore=False)
    assert [a.id for a in with_danger.actions][:2] == ["emergency_response", "follow_agency_policy"]
