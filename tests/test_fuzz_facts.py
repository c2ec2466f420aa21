"""Fuzzing the facts a caller can hand `Advisor.evaluate` (hypothesis), valid and invalid alike.

* Any mapping at all, of any keys and values: either a report that is exactly the oracle's for
  the facts as understood, and obeys the safety invariants, or a FactsError whose every line is
  one short line naming the field, in words (never one of our class names); never any other
  exception, never a report from facts that were refused.
* Valid fact sets written the ways callers write them (a follow-up without its parent, a retired
  'not sure', null for not known, a list in any order with repeats, a tuple for a list): the
  oracle's report, the safety invariants, and the same report however the facts are written.
* No state between calls: a report never depends on what was evaluated before it.
"""
from __future__ import annotations

import string
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engine import FactsError, InputError
from engine.report import build_report
from tests.support import oracle
from tests.test_rulebase_safety import check_every_report, fact_sets

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
INTERNAL_NAMES = ("LineList", "LineDict", "NoneType", "instance of", "<class", "Traceback")


def oracle_report(advisor, facts) -> dict:
    checked = advisor.check(facts)
    fired, derived = oracle.fire(advisor.rulebase, checked.values)
    return build_report(advisor.rulebase, checked.values, checked.implied, fired, derived).to_dict()


def outcome(advisor, facts: Any) -> dict | FactsError:
    """The report (as its JSON), or the FactsError; anything else fails the test."""
    try:
        return advisor.evaluate(facts, explore=False).to_dict()
    except FactsError as exc:
        return exc


def assert_clean_refusal(error: InputError) -> None:
    lines = error.lines()
    assert lines, "a FactsError without a problem"
    for line in lines:
        assert "\n" not in line and "\r" not in line and len(line) < 600, line
        assert not any(name in line for name in INTERNAL_NAMES), line


# --- strategies -----------------------------------------------------------------------------------

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10 ** 6, 10 ** 6), st.integers(),
                    st.floats(allow_nan=True), st.text(max_size=30),
                    st.text(alphabet=string.ascii_lowercase + "_\n\r\x1b", max_size=12))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                                      st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                      max_leaves=12)


@st.composite
def any_mapping(draw, rulebase) -> dict:
    """Real fact ids with any values, made-up keys, and values of every kind: mostly invalid."""
    ids = [f.id for f in rulebase.facts.values()]
    keys = st.one_of(st.sampled_from(ids), st.text(max_size=20), st.integers(), st.booleans(), st.none())
    facts = draw(st.dictionaries(keys, values, max_size=8))
    for fact_id in draw(st.lists(st.sampled_from(ids), max_size=4)):  # and some well-typed values
        fact = rulebase.facts[fact_id]
        if fact.type == "bool" or fact.derived:
            facts[fact_id] = draw(st.booleans())
        elif fact.type in ("enum", "list"):
            pick = st.sampled_from([*fact.value_ids, *fact.unanswered, "nonsense"])
            facts[fact_id] = draw(pick) if fact.type == "enum" else draw(st.lists(pick, max_size=4))
        else:
            facts[fact_id] = draw(st.integers(-5, 200))
    return facts


@st.composite
def written_differently(draw, rulebase) -> tuple[dict, dict]:
    """A valid fact set, and the same facts as a caller might write them."""
    facts = draw(fact_sets(rulebase))
    written: dict[str, Any] = {}
    for fact_id, value in facts.items():
        fact = rulebase.facts[fact_id]
        if fact.type == "list" and value:
            shuffled = draw(st.permutations(value))
            value = shuffled + draw(st.lists(st.sampled_from(value), max_size=2))  # repeats
            if draw(st.booleans()):
                value = tuple(value)
        written[fact_id] = value
    for fact in rulebase.input_facts:  # unknown facts said as null or as a retired 'not sure'
        if fact.id not in written and draw(st.integers(0, 9)) == 0:
            written[fact.id] = draw(st.sampled_from([None, *fact.unanswered]))
    return facts, written


# --- the properties -------------------------------------------------------------------------------

def test_any_mapping_gives_the_oracles_report_or_a_clean_refusal(advisor, rulebase):
    seen = {"refused": 0, "reported": 0}

    @FUZZ
    @given(any_mapping(rulebase))
    def run(facts):
        result = outcome(advisor, facts)
        if isinstance(result, FactsError):
            seen["refused"] += 1
            assert_clean_refusal(result)
            with pytest.raises(FactsError):
                oracle_report(advisor, facts)  # the same facts are refused however they are read
            return
        seen["reported"] += 1
        assert result == oracle_report(advisor, facts)
        check_every_report(advisor.evaluate(facts, explore=False))

    run()
    assert seen["refused"] > 20 and seen["reported"] > 5, seen  # both ways were exercised


def test_anything_that_is_not_a_mapping_is_refused_in_words(advisor):
    @FUZZ
    @given(st.one_of(values, st.lists(st.text(max_size=5)), st.tuples(st.integers()), st.sets(st.integers())))
    def run(facts):
        assume(not isinstance(facts, dict) and facts is not None)
        result = outcome(advisor, facts)
        assert isinstance(result, FactsError)
        assert_clean_refusal(result)
        assert "facts must be a mapping of fact id to value" in result.lines()[0]

    run()


def test_valid_facts_however_written_give_one_report_the_oracles(advisor, rulebase):
    @FUZZ
    @given(written_differently(rulebase))
    def run(pair):
        facts, written = pair
        report = outcome(advisor, facts)
        assert not isinstance(report, FactsError), report
        assert outcome(advisor, written) == report
        assert report == oracle_report(advisor, facts)
        check_every_report(advisor.evaluate(written, explore=False))

    run()


def test_a_follow_up_alone_implies_its_parent_as_the_oracle_reads_it(advisor, rulebase):
    follow_ups = [f for f in rulebase.input_facts if f.ask_if and f.type in ("bool", "enum", "list")]
    assert follow_ups

    @FUZZ
    @given(st.sampled_from(follow_ups), st.data())
    def run(fact, data):
        value = (data.draw(st.booleans()) if fact.type == "bool" else data.draw(st.sampled_from(fact.value_ids))
                 if fact.type == "enum" else [data.draw(st.sampled_from(fact.value_ids))])
        result = outcome(advisor, {fact.id: value})
        if isinstance(result, FactsError):  # a parent that cannot be implied (a list, several values)
            assert_clean_refusal(result)
            return
        assert result == oracle_report(advisor, {fact.id: value})

    run()


def test_a_report_never_depends_on_what_was_evaluated_before(advisor, rulebase):
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(fact_sets(rulebase), fact_sets(rulebase))
    def run(first, second):
        alone = advisor.evaluate(first).to_dict()
        advisor.evaluate(second)
        assert advisor.evaluate(first).to_dict() == alone  # what else to find out included

    run()
