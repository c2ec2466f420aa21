"""Spotting identifying details in what people type (ui/privacy.py)."""
from __future__ import annotations

import pytest

from ui.privacy import identifying_details


@pytest.mark.parametrize("text, kind", [
    ("Mrs. Smith refused the day programme", "a name with a title"),
    ("Home visit with Dr Patel", "a name with a title"),
    ("Mr O'Brien's daughter called", "a name with a title"),
    ("Call back on 555-123-4567", "a phone number"),
    ("(212) 555 0199 after five", "a phone number"),
    ("+44 20 7946 0958", "a phone number"),
    ("wrote to j.doe@example.org", "an e-mail address"),
    ("DOB 03/04/1950", "a date of birth"),
    ("born on 12 March 1950", "a date of birth"),
    ("date of birth: 1950-03-12", "a date of birth"),
    ("seen on 2024-03-01", "a full date (a date of birth, or a date that can identify someone)"),
    ("March 3, 1950", "a full date (a date of birth, or a date that can identify someone)"),
    ("SSN 123-45-6789", "a social security number"),
    ("123-45-6789", "a social security number"),
    ("MRN 00482913", "a record, case or ID number"),
    ("case #A-12345", "a record, case or ID number"),
    ("client ID: 998877", "a record, case or ID number"),
    ("1234567", "a long number (a record, case or account number?)"),
    ("lives at 42 Elm Street", "a street address"),
    ("12 Oak Rd, apt 4", "a street address"),
    ("PO Box 1234", "a street address"),
])
def test_each_kind_of_identifying_detail_is_spotted(text, kind):
    assert kind in identifying_details(text)


@pytest.mark.parametrize("text", [
    "Gift from family, token value",
    "Colleague smelled of alcohol at 9 am",
    "Teen discloses abuse at home visit",
    "82-year-old man refuses meals",
    "Dual relationship in a small town - 2 roles",
    "Week 3 check-in, 2024",
    "Supervisor asked me to change 3 notes",
    "The individual, aged 30-40, declined",
    "Drive to the clinic was cancelled",
    "Q3 audit: 15 files",
    "Meeting at 10:30",
    "Rules 0.1.0 review",
    "",
])
def test_ordinary_de_identified_titles_raise_no_alarm(text):
    assert identifying_details(text) == []


def test_one_detail_is_reported_once_and_as_the_most_specific_kind():
    assert identifying_details("SSN 123-45-6789") == ["a social security number"]
    assert identifying_details("Mrs. Smith, 42 Elm Street, 555-123-4567") == [
        "a phone number", "a street address", "a name with a title"]


def test_nothing_is_reported_for_no_text():
    assert identifying_details(None) == []
