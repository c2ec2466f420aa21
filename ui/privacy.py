"""Care with what people type: spot what looks like identifying details in a short free text.

Commitment 18 applies to this tool too. A consultation's title or a supervisor's note should
never need a name, a date of birth or an address; when one appears to have slipped in, the app
says so and suggests de-identifying. A heuristic, not a guarantee: it warns, it never blocks,
and it never logs or sends the text anywhere.
"""
from __future__ import annotations

import re

ADVICE = ("It looks like this may identify someone. Please de-identify it: use a role or initials"
          " (\"the individual\", \"a colleague\", \"J.\"), an age range instead of a date of birth,"
          " and a town or area instead of an address.")

_TITLES = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Rev|Sister|Brother|Father|Pastor|Officer|Nurse)"
_MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
           r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_STREET = (r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl"
           r"|Terrace|Close|Crescent|Highway|Hwy|Parkway|Pkwy|Square|Sq)")

# (reason, pattern), checked in this order; each match is blanked before the next kind is
# looked for, so that an SSN is not also reported as a phone number.
_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("an e-mail address", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("a social security number", re.compile(r"(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)")),
    ("a date of birth", re.compile(
        r"\b(?:DOB|D\.O\.B\.?|date of birth|born(?: on| in)?)\b\s*:?\s*[\w/.,-]*\d", re.I)),
    ("a full date (a date of birth, or a date that can identify someone)", re.compile(
        r"(?<!\d)(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2})(?![\d/.-]\d)"
        rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\.?,?\s+\d{{4}}\b"
        rf"|\b{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b", re.I)),
    ("a record, case or ID number", re.compile(
        r"\b(?:MRN|SSN|NHS|Medicaid|Medicare|record|file|case|client|patient|member|account|chart|ID)"
        r"\s*(?:no\.?|number|num|#)?\s*[:#]?\s*[A-Z]{0,3}-?\d[\dA-Z-]{2,}", re.I)),
    ("a phone number", re.compile(
        r"(?<![\w-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)\s?|\d{2,4}[\s.-])\d{3,4}[\s.-]?\d{3,4}(?![\w-])")),
    ("a long number (a record, case or account number?)", re.compile(r"(?<![\w-])\d{6,}(?![\w-])")),
    ("a street address", re.compile(
        rf"\b\d{{1,5}}[A-Za-z]?\s+(?:[A-Z][\w'-]*\s+){{1,3}}{_STREET}\b\.?"
        r"|\b(?:apt|apartment|unit|suite|flat)\s*#?\s*\d+\w?\b|\bP\.?\s?O\.?\s+Box\s+\d+", re.I)),
    ("a name with a title", re.compile(rf"\b{_TITLES}\.?\s+[A-Z][a-z'’-]+")),
)


def identifying_details(text: str | None) -> list[str]:
    """The kinds of identifying detail a text seems to contain, in a fixed order ([] if none)."""
    if not text:
        return []
    remaining = text
    found: list[str] = []
    for reason, pattern in _PATTERNS:
        if pattern.search(remaining):
            found.append(reason)
            remaining = pattern.sub(lambda m: " " * len(m.group(0)), remaining)
    return found
