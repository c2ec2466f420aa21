"""Downloads of a report: Markdown, PDF and JSON, each stamped with the rule-base version and date.

File names carry only the date, never the consultation's title: a title is typed by a person
and may be confidential, and file names end up in download lists and browser histories.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from typing import Callable

from typing import Sequence

from engine.model import RuleBase
from engine.printable import outline_pdf, to_pdf
from engine.render import outline_markdown, to_markdown
from engine.report import Report

from .record import record_outline
from .storage import Consultation, Note


@dataclass(frozen=True)
class Export:
    label: str
    file_name: str
    mime: str
    make: Callable[[], bytes]  # made when asked for (a PDF takes a moment)


def stamp(now: datetime | None = None) -> str:
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return f"exported {now:%Y-%m-%d %H:%M} UTC"


def to_json_export(report: Report, title: str | None = None, now: datetime | None = None) -> str:
    """The report JSON (contract section 3) plus an `export` block: title, date, rules version."""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    data = report.to_dict()
    data["export"] = {"exported_at": now.isoformat(timespec="seconds"), "rules_version": report.version,
                      "rules_sha256": report.sha256}
    if title:
        data["export"]["title"] = title
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def exports(report: Report, rulebase: RuleBase, title: str | None = None,
            now: datetime | None = None) -> list[Export]:
    now = now or datetime.now(timezone.utc)
    title = " ".join((title or "").split()) or None
    when = stamp(now)
    base = f"ethics-report-{now.astimezone(timezone.utc):%Y-%m-%d-%H%M}"

    def utf8(render: Callable[[], str]) -> Callable[[], bytes]:
        return lambda: render().encode("utf-8")

    return [
        Export("PDF", base + ".pdf", "application/pdf", partial(to_pdf, report, rulebase, title=title, stamp=when)),
        Export("Markdown", base + ".md", "text/markdown", utf8(partial(to_markdown, report, rulebase,
                                                                               title=title, stamp=when))),
        Export("JSON", base + ".json", "application/json", utf8(partial(to_json_export, report, title, now))),
    ]


def record_exports(record: Consultation, notes: Sequence[Note], report: Report, rulebase: RuleBase,
                   now: datetime | None = None) -> list[Export]:
    """The whole supervision record (the record, what changed, the notes, today's report) as PDF and
    Markdown. The file name carries the record's number and the date, never its title."""
    now = now or datetime.now(timezone.utc)
    base = f"supervision-record-{record.id}-{now.astimezone(timezone.utc):%Y-%m-%d-%H%M}"

    def doc():
        return record_outline(record, notes, report, rulebase, stamp(now))

    return [
        Export("PDF", base + ".pdf", "application/pdf", lambda: outline_pdf(doc())),
        Export("Markdown", base + ".md", "text/markdown", lambda: outline_markdown(doc()).encode("utf-8")),
    ]
