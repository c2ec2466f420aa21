"""Saved consultations and supervisors' notes: the one place the app reads and writes them.

The adapter at the edge: the engine never sees it. A consultation is saved only when the user
chooses to, and holds what is needed to re-derive its report: the facts, a short de-identified
title and the rule-base version and sha256 that produced it.

Every change is one transaction: a consultation and the note saved with it are written together
or not at all, and a save returns (and the app says "saved") only once the transaction is
committed. Typed text is confidential (commitment 18 applies to the tool): nothing here logs it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, Mapping

from sqlalchemy import Engine, RowMapping, delete, func, insert, or_, select, update
from sqlalchemy.engine import URL

from .database import migrate, open_engine
from .location import configured_url, normalise, shown, sqlite_url
from .retention import Schedule
from .tables import action_feedback, consultation, note

TITLE_MAX = 120
NOTE_MAX = 4000
AUTHOR_MAX = 80
RECORD_TEXT_MAX = 4000  # a decision, an outcome
STATUSES = ("new", "discussed", "closed")
JUDGEMENTS = ("planned", "done", "not_applicable")
REASON_MAX = 1000


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Note:
    id: int
    consultation_id: int
    text: str
    created_at: str
    author: str = ""
    edited_at: str | None = None
    previous_text: str | None = None  # the wording before the last edit, shown with it

    def written_by(self, who: str) -> bool:
        """Whether `who` (a name or role as typed) wrote this note: only they may edit or delete it."""
        return bool(self.author) and same_person(self.author, who)


@dataclass(frozen=True)
class Consultation:
    id: int
    title: str
    facts: Mapping[str, Any]
    rules_version: str
    rules_sha256: str
    created_at: str
    note_count: int = 0
    author: str = ""
    status: str = "new"
    decision: str = ""
    outcome: str = ""
    updated_at: str | None = None
    updated_by: str = ""
    saved_report: Mapping[str, Any] | None = None  # the report JSON as given when it was saved


@dataclass(frozen=True)
class Feedback:
    """One judgement on one recommended action of a saved consultation."""

    consultation_id: int
    action_id: str
    judgement: str  # one of JUDGEMENTS
    reason: str
    rules: tuple[str, ...]  # the rules that recommended the action when it was judged
    author: str
    updated_at: str


@dataclass(frozen=True)
class Query:
    """What a supervisor looks for: every field optional, all of them must match."""

    status: str | None = None
    author: str | None = None
    since: date | None = None  # saved on or after this day (UTC)
    until: date | None = None  # saved on or before this day (UTC)
    text: str | None = None  # in the title, the decision or the outcome


def same_person(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _no_nul(text: str) -> str:
    if "\x00" in text:
        raise ValueError("the text contains a NUL character; please type it again")
    return text


def clean_title(title: str) -> str:
    title = " ".join(_no_nul(title).split())
    if not title:
        raise ValueError("a consultation needs a short title")
    if len(title) > TITLE_MAX:
        raise ValueError(f"the title is longer than {TITLE_MAX} characters")
    return title


def clean_note(text: str) -> str:
    text = _no_nul(text).strip()
    if not text:
        raise ValueError("the note is empty")
    if len(text) > NOTE_MAX:
        raise ValueError(f"the note is longer than {NOTE_MAX} characters")
    return text


def clean_author(author: str) -> str:
    author = " ".join(_no_nul(author).split())
    if not author:
        raise ValueError("say who you are: a name or a role (for example “case manager” or “supervisor”)")
    if len(author) > AUTHOR_MAX:
        raise ValueError(f"the name or role is longer than {AUTHOR_MAX} characters")
    return author


def clean_record_text(text: str, what: str) -> str:
    text = _no_nul(text).strip()
    if len(text) > RECORD_TEXT_MAX:
        raise ValueError(f"the {what} is longer than {RECORD_TEXT_MAX} characters")
    return text


def _like(text: str) -> str:
    """A LIKE pattern that finds `text` literally (its % and _ are not wildcards)."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _target_url(target: str | Path | URL | None) -> URL:
    if target is None:
        return configured_url()
    if isinstance(target, URL):
        return normalise(target)
    if isinstance(target, str) and "://" in target:
        return normalise(target)
    return sqlite_url(target)


class Store:
    """One database, brought to the newest schema when opened. Safe to share across threads."""

    def __init__(self, target: str | Path | URL | None = None, retention_days: int | None = None):
        self.url = _target_url(target)
        self.backend = self.url.get_backend_name()
        self.path = Path(self.url.database) if self.backend == "sqlite" else None
        self.retention_days = retention_days
        self._retention = Schedule()
        self.engine: Engine = open_engine(self.url)
        migrate(self.engine)
        self.apply_retention()

    @property
    def where(self) -> str:
        """Where the data is, as it may be shown (a file's path, or the URL without its password)."""
        return str(self.path) if self.path is not None else shown(self.url)

    def close(self) -> None:
        self.engine.dispose()

    # --- consultations ---------------------------------------------------------------------------

    def save(self, title: str, facts: Mapping[str, Any], rules_version: str, rules_sha256: str,
             note_text: str | None = None, author: str = "", report: Mapping[str, Any] | None = None) -> int:
        """Save a consultation (with the report as given now and, with it, a first note) in one
        transaction; return its id once it is committed."""
        title = clean_title(title)
        author = " ".join(_no_nul(author).split())[:AUTHOR_MAX]
        note_text = clean_note(note_text) if note_text and note_text.strip() else None
        when = now_iso()
        with self.engine.begin() as db:
            result = db.execute(insert(consultation).values(
                title=title, facts_json=json.dumps(dict(facts), sort_keys=True), rules_version=rules_version,
                rules_sha256=rules_sha256, created_at=when, author=author, status=STATUSES[0],
                report_json=json.dumps(report, sort_keys=True) if report is not None else None))
            consultation_id = int(result.inserted_primary_key[0])
            if note_text:
                db.execute(insert(note).values(consultation_id=consultation_id, text=note_text, created_at=when,
                                               author=author))
        return consultation_id

    def _listing(self):
        notes = (select(func.count()).select_from(note).where(note.c.consultation_id == consultation.c.id)
                 .scalar_subquery().label("note_count"))
        return select(consultation, notes)

    def consultations(self, query: Query | None = None) -> list[Consultation]:
        """The saved consultations that match (all of them without a query), newest first."""
        q = query or Query()
        statement = self._listing()
        if q.status:
            statement = statement.where(consultation.c.status == q.status)
        if q.author:
            statement = statement.where(func.lower(consultation.c.author) == " ".join(q.author.split()).lower())
        if q.since:
            statement = statement.where(consultation.c.created_at >= _day_start(q.since))
        if q.until:
            statement = statement.where(consultation.c.created_at < _day_start(q.until + timedelta(days=1)))
        if q.text and q.text.strip():
            pattern = _like(q.text.strip().lower())
            statement = statement.where(or_(*(func.lower(column).like(pattern, escape="\\") for column in (
                consultation.c.title, consultation.c.decision, consultation.c.outcome))))
        with self.engine.begin() as db:
            rows = db.execute(statement.order_by(consultation.c.created_at.desc(),
                                                 consultation.c.id.desc())).mappings().all()
        return [self._consultation(r) for r in rows]

    def authors(self) -> list[str]:
        """Everyone who has saved a consultation, once each however they capitalised it."""
        with self.engine.begin() as db:
            names = db.execute(select(consultation.c.author).where(consultation.c.author != "").distinct()).scalars()
            people: dict[str, str] = {}
            for name in sorted(names):
                people.setdefault(name.casefold(), name)
            return sorted(people.values(), key=str.casefold)

    def update_record(self, consultation_id: int, by: str, *, status: str | None = None,
                      decision: str | None = None, outcome: str | None = None) -> None:
        """Set a consultation's status, decision or outcome (those given), saying who and when."""
        by = clean_author(by)
        values: dict[str, Any] = {"updated_at": now_iso(), "updated_by": by}
        if status is not None:
            if status not in STATUSES:
                raise ValueError(f"the status must be one of {', '.join(STATUSES)}")
            values["status"] = status
        if decision is not None:
            values["decision"] = clean_record_text(decision, "decision")
        if outcome is not None:
            values["outcome"] = clean_record_text(outcome, "outcome")
        with self.engine.begin() as db:
            if db.execute(update(consultation).where(consultation.c.id == consultation_id).values(**values)).rowcount != 1:
                raise KeyError(consultation_id)

    def get(self, consultation_id: int) -> Consultation | None:
        with self.engine.begin() as db:
            row = db.execute(self._listing().where(consultation.c.id == consultation_id)).mappings().first()
        return self._consultation(row) if row else None

    def delete(self, consultation_id: int) -> None:
        """Delete a consultation and its notes for good (see erase())."""
        with self.engine.begin() as db:
            db.execute(delete(action_feedback).where(action_feedback.c.consultation_id == consultation_id))
            db.execute(delete(note).where(note.c.consultation_id == consultation_id))
            db.execute(delete(consultation).where(consultation.c.id == consultation_id))
        self.erase()

    def erase(self) -> None:
        """After a delete: on SQLite, rewrite the file so no freed page keeps the deleted text (the
        rows were already overwritten by secure_delete); on PostgreSQL, VACUUM the tables so the
        dead rows' space is reclaimed."""
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
            if self.backend == "sqlite":
                db.connection.driver_connection.execute("VACUUM")  # outside any transaction
            else:
                db.exec_driver_sql("VACUUM action_feedback, note, consultation")

    def purge_older_than(self, days: int, now: datetime | None = None) -> int:
        """Delete for good every consultation saved more than `days` days ago; return how many."""
        cutoff = ((now or datetime.now(timezone.utc)) - timedelta(days=days)).astimezone(timezone.utc)
        old = select(consultation.c.id).where(consultation.c.created_at < cutoff.isoformat(timespec="seconds"))
        with self.engine.begin() as db:
            db.execute(delete(action_feedback).where(action_feedback.c.consultation_id.in_(old)))
            db.execute(delete(note).where(note.c.consultation_id.in_(old)))
            removed = db.execute(delete(consultation).where(consultation.c.id.in_(old))).rowcount
        if removed:
            self.erase()
        return removed

    def apply_retention(self) -> int:
        """The retention setting applied: at once when opened, then at most once an hour."""
        if self.retention_days is None or not self._retention.due():
            return 0
        return self.purge_older_than(self.retention_days)

    # --- notes -----------------------------------------------------------------------------------

    def add_note(self, consultation_id: int, text: str, author: str = "") -> int:
        text = clean_note(text)
        author = " ".join(_no_nul(author).split())[:AUTHOR_MAX]
        with self.engine.begin() as db:
            if db.execute(select(consultation.c.id).where(consultation.c.id == consultation_id)).first() is None:
                raise KeyError(consultation_id)
            result = db.execute(insert(note).values(consultation_id=consultation_id, text=text,
                                                    created_at=now_iso(), author=author))
            return int(result.inserted_primary_key[0])

    def _own_note(self, db, note_id: int, author: str) -> Note:
        row = db.execute(select(note).where(note.c.id == note_id)).mappings().first()
        if row is None:
            raise KeyError(note_id)
        found = self._note(row)
        if not found.written_by(author):
            raise PermissionError("only the person who wrote a note can change or delete it")
        return found

    def edit_note(self, note_id: int, text: str, author: str) -> None:
        """Change a note's wording: only its author may; the edit is dated and the wording before it kept."""
        text = clean_note(text)
        with self.engine.begin() as db:
            found = self._own_note(db, note_id, author)
            if text == found.text:
                return
            db.execute(update(note).where(note.c.id == note_id).values(
                text=text, edited_at=now_iso(), previous_text=found.text))

    def delete_note(self, note_id: int, author: str) -> None:
        """Delete a note for good: only its author may."""
        with self.engine.begin() as db:
            self._own_note(db, note_id, author)
            db.execute(delete(note).where(note.c.id == note_id))
        self.erase()

    def notes(self, consultation_id: int) -> list[Note]:
        """A consultation's notes, oldest first."""
        with self.engine.begin() as db:
            rows = db.execute(select(note).where(note.c.consultation_id == consultation_id)
                              .order_by(note.c.created_at, note.c.id)).mappings().all()
        return [self._note(r) for r in rows]

    # --- feedback on the advice ---------------------------------------------------------------------

    def set_feedback(self, consultation_id: int, action_id: str, judgement: str | None, author: str,
                     reason: str = "", rules: tuple[str, ...] = ()) -> None:
        """Record (or, with judgement None, withdraw) the judgement on one action, in one transaction.
        "Not applicable" needs a reason: it is what trainers learn from."""
        author = clean_author(author)
        reason = clean_record_text(reason, "reason")
        if len(reason) > REASON_MAX:
            raise ValueError(f"the reason is longer than {REASON_MAX} characters")
        if judgement is not None and judgement not in JUDGEMENTS:
            raise ValueError(f"the judgement must be one of {', '.join(JUDGEMENTS)}")
        if judgement == "not_applicable" and not reason:
            raise ValueError("say why the action does not apply: the reason is what improves the advice")
        with self.engine.begin() as db:
            if db.execute(select(consultation.c.id).where(consultation.c.id == consultation_id)).first() is None:
                raise KeyError(consultation_id)
            db.execute(delete(action_feedback).where(action_feedback.c.consultation_id == consultation_id,
                                                     action_feedback.c.action_id == action_id))
            if judgement is not None:
                db.execute(insert(action_feedback).values(
                    consultation_id=consultation_id, action_id=action_id, judgement=judgement,
                    reason=reason if judgement == "not_applicable" else "",
                    rules_json=json.dumps(sorted(rules)), author=author, updated_at=now_iso()))

    def feedback(self, consultation_id: int | None = None) -> list[Feedback]:
        """The judgements on one consultation's actions, or on every consultation's (oldest first)."""
        statement = select(action_feedback).order_by(action_feedback.c.updated_at, action_feedback.c.id)
        if consultation_id is not None:
            statement = statement.where(action_feedback.c.consultation_id == consultation_id)
        with self.engine.begin() as db:
            rows = db.execute(statement).mappings().all()
        return [Feedback(r["consultation_id"], r["action_id"], r["judgement"], r["reason"],
                         tuple(json.loads(r["rules_json"])), r["author"], r["updated_at"]) for r in rows]

    @staticmethod
    def _note(row: RowMapping) -> Note:
        return Note(row["id"], row["consultation_id"], row["text"], row["created_at"], row["author"],
                    row["edited_at"], row["previous_text"])

    @staticmethod
    def _consultation(row: RowMapping) -> Consultation:
        return Consultation(row["id"], row["title"], json.loads(row["facts_json"]), row["rules_version"],
                            row["rules_sha256"], row["created_at"], row["note_count"], row["author"],
                            row["status"], row["decision"], row["outcome"], row["updated_at"], row["updated_by"],
                            json.loads(row["report_json"]) if row["report_json"] else None)


def _day_start(day: date) -> str:
    return datetime.combine(day, time(0, 0), tzinfo=timezone.utc).isoformat(timespec="seconds")
