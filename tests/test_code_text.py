"""The Code's own words in rules/code.yaml match the source record, word for word.

Only the SOURCE is normalised, and only for layout: lines joined, whitespace collapsed, the stray
space in "self- determination" removed, a hyphen at a line end joined to the next word (keeping
the hyphen), and the section headings that fall between items dropped (they are compared with
the section titles separately). code.yaml is taken exactly as it is.
"""
from __future__ import annotations

import re

import pytest
import yaml

from tests.conftest import RULES_DIR

SOURCE = RULES_DIR / "source" / "nacm_code_of_ethics.txt"
CODE = yaml.safe_load((RULES_DIR / "code.yaml").read_text(encoding="utf-8"))


def normalise(text: str) -> str:
    text = re.sub(r"(\w)-[ \t]*\n\s*(?=\w)", r"\1-", text)  # a hyphen at a line end joins, keeping the hyphen
    text = " ".join(text.split())
    return text.replace("self- determination", "self-determination")


def _split_items(block: str, marker: str) -> list[tuple[int, str, str]]:
    """(number, text, what follows the text before the next item) for each numbered item."""
    pattern = re.compile(rf"(?:^|\s)(\d+){re.escape(marker)}\s")
    matches = list(pattern.finditer(block))
    items = []
    for m, nxt in zip(matches, matches[1:] + [None]):
        body = block[m.end(): nxt.start() if nxt else len(block)].strip()
        end = body.rfind(".") + 1  # every item ends with a full stop; a heading may follow it
        items.append((int(m.group(1)), body[:end].strip(), body[end:].strip()))
    return items


@pytest.fixture(scope="module")
def source() -> dict:
    raw = normalise(SOURCE.read_text(encoding="utf-8"))
    purposes_block = raw[raw.index("is as follows:") + len("is as follows:"): raw.index("SCOPE AND PURPOSE")]
    code_block = raw[raw.index("As a Case Manager, I commit to:") + len("As a Case Manager, I commit to:"):]
    first_heading = code_block[: re.search(r"(?:^|\s)1\.\s", code_block).start()].strip()
    commitments = _split_items(code_block, ".")
    headings = [first_heading] + [after for _, _, after in commitments if after]
    return {
        "purposes": {n: text for n, text, _ in _split_items(purposes_block, ")")},
        "commitments": {n: text for n, text, _ in commitments},
        "headings": headings,
        # the heading each commitment sits under, by number
        "section_of": _sections_by_number(first_heading, commitments),
    }


def _sections_by_number(first: str, commitments: list[tuple[int, str, str]]) -> dict[int, str]:
    current, out = first, {}
    for number, _, after in commitments:
        out[number] = current
        if after:
            current = after
    return out


def code_commitments() -> dict[int, dict]:
    return {c["number"]: dict(c, section=s["title"]) for s in CODE["sections"] for c in s["commitments"]}


def test_source_has_all_28_commitments_and_4_purposes(source):
    assert sorted(source["commitments"]) == list(range(1, 29))
    assert sorted(source["purposes"]) == list(range(1, 5))


def test_code_has_all_28_commitments_and_4_purposes():
    assert sorted(code_commitments()) == list(range(1, 29))
    assert [p["number"] for p in CODE["purposes"]] == [1, 2, 3, 4]


@pytest.mark.parametrize("number", range(1, 29))
def test_commitment_text_matches_the_source(source, number):
    assert code_commitments()[number]["text"] == source["commitments"][number]


@pytest.mark.parametrize("number", range(1, 5))
def test_purpose_text_matches_the_source(source, number):
    purpose = next(p for p in CODE["purposes"] if p["number"] == number)
    assert purpose["text"] == source["purposes"][number]


def test_section_titles_match_the_source_headings(source):
    assert [s["title"] for s in CODE["sections"]] == source["headings"]
    assert len(source["headings"]) == 6


@pytest.mark.parametrize("number", range(1, 29))
def test_each_commitment_sits_in_the_section_the_source_puts_it(source, number):
    assert code_commitments()[number]["section"] == source["section_of"][number]


def test_the_code_lists_its_six_sections_in_the_scope(source):
    for heading in source["headings"]:
        assert heading in CODE["scope"]


def test_the_preamble_matches():
    assert CODE["preamble"] == "As a Case Manager, I commit to:"
    assert "As a Case Manager, I commit to:" in SOURCE.read_text(encoding="utf-8")


def test_the_normalisation_only_repairs_layout():
    assert normalise("inter-\n\ndependent lives") == "inter-dependent lives"
    assert normalise("self- determination  -  the\n right") == "self-determination - the right"
    assert normalise("delivery – e.g.") == "delivery – e.g."
