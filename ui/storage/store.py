"""Saved consultations and supervisors' notes: the one place the app reads and writes them.

The adapter at the edge: the engine never sees it. A consultation is saved only when the user
chooses to, and holds what is needed to re-derive its report: the facts, a short de-identified
title and the rule-base version and sha256 that produced it.

Every change is one transaction: a consultation and the note saved with it are written together
or not at all, and a save returns (and the app says "saved") only once the transaction is
committed. Typed text is confidential (commitment 18 applies to the tool): nothing here logs it.
"""
from __future__ import annotations

import functools
import hashlib
import inspect
import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping

from sqlalchemy import Engine, RowMapping, and_, delete, func, insert, or_, select, true, update
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError

from .database import migrate, open_engine
from .location import configured_url, normalise, shown, sqlite_url
from .retention import Schedule
from .tables import (
    action_feedback, class_answer, class_member, class_session, consultation, consultation_share, note,
)

TITLE_MAX = 120
NOTE_MAX = 4000
AUTHOR_MAX = 80
RECORD_TEXT_MAX = 4000  # a decision, an outcome
STATUSES = ("new", "discussed", "closed")
JUDGEMENTS = ("planned", "done", "not_applicable")
REASON_MAX = 1000
# Class sessions
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed without mistakes
CODE_LENGTH = 6
NICKNAME_MAX = 30
CLASS_TITLE_MAX = 80
CLASS_SCENARIOS_MAX = 10
CLASS_HOURS_MAX = 24
CLASS_KEEP_DAYS = 30  # an expired session, its nicknames and answers are deleted this long after it expires
URGENCY_IDS = ("immediate", "soon", "routine")


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
    owner: str = ""  # the user name of who saved it, where people sign in


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


@dataclass(frozen=True)
class Viewer:
    """Whose records a call may reach. `user` is the signed-in user name; None is the single-user
    install (nobody signs in), where everything is open to whoever runs the app."""

    user: str | None = None
    role: str = ""

    @property
    def open_install(self) -> bool:
        return self.user is None


EVERYONE = Viewer()  # the single-user install


@dataclass(frozen=True)
class ClassSession:
    """What anyone with the code may know of a class session (never its trainer key)."""

    id: int
    code: str
    owner: str
    title: str
    scenario_ids: tuple[str, ...]
    step: int  # the index in scenario_ids being worked now
    revealed: tuple[int, ...]  # the steps whose expected answer the trainer has shown the class
    created_at: str
    expires_at: str
    closed_at: str | None

    @property
    def scenario_id(self) -> str:
        return self.scenario_ids[self.step]

    def is_open(self, now: datetime | None = None) -> bool:
        """Trainees can join and answer: not closed by the trainer and not expired."""
        moment = (now or datetime.now(timezone.utc)).isoformat(timespec="seconds")
        return self.closed_at is None and moment < self.expires_at

    @property
    def state(self) -> str:
        if self.closed_at is not None:
            return "closed"
        return "open" if self.is_open() else "expired"


@dataclass(frozen=True)
class Member:
    """A trainee in a class session: a nickname, and the secret token their browser holds."""

    id: int
    session_id: int
    nickname: str
    token: str = ""  # given once, at joining; only its sha256 is stored


@dataclass(frozen=True)
class ClassAnswer:
    nickname: str
    step: int
    commitments: tuple[int, ...]
    actions: Mapping[str, str | None]  # action id -> the urgency the trainee marked (None: not marked)
    answered_at: str


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def clean_code(code: str) -> str:
    """A code as typed ("abc 234", "ABC-234") in the form it is stored."""
    return "".join(ch for ch in str(code).upper() if ch.isalnum())[:CODE_LENGTH * 2]


def clean_nickname(nickname: str) -> str:
    nickname = " ".join(_no_nul(nickname).split())
    if not nickname:
        raise ValueError("choose a nickname: any short name, not your real one")
    if len(nickname) > NICKNAME_MAX:
        raise ValueError(f"the nickname is longer than {NICKNAME_MAX} characters")
    return nickname


def clean_answer(commitments, actions: Mapping[str, str | None]) -> dict[str, Any]:
    """A trainee's answer in the stored shape; refuses what no form could send."""
    numbers = sorted({int(n) for n in commitments})
    if len(numbers) > 100 or any(not 0 < n < 1000 for n in numbers):
        raise ValueError("the commitments are not numbers of the Code")
    marked: dict[str, str | None] = {}
    for action_id, urgency in dict(actions).items():
        if not isinstance(action_id, str) or not action_id or len(action_id) > 80:
            raise ValueError("an action is not an action id")
        if urgency is not None and urgency not in URGENCY_IDS:
            raise ValueError(f"the urgency must be one of {', '.join(URGENCY_IDS)}")
        marked[action_id] = urgency
    if len(marked) > 200:
        raise ValueError("too many actions")
    return {"commitments": numbers, "actions": marked}


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


def _clean_usernames(usernames: Iterable[str], viewer: Viewer) -> list[str]:
    """The user names a consultation is shared with: each once, never the owner themself."""
    names = sorted({" ".join(str(u).split()) for u in usernames} - {"", viewer.user or ""})
    if names and viewer.open_install:
        raise PermissionError("sharing is for installs where people sign in")
    if any(len(n) > AUTHOR_MAX for n in names):
        raise ValueError("a user name is too long")
    return names


def _target_url(target: str | Path | URL | None) -> URL:
    if target is None:
        return configured_url()
    if isinstance(target, URL):
        return normalise(target)
    if isinstance(target, str) and "://" in target:
        return normalise(target)
    return sqlite_url(target)


class Store:
    """One database, brought to the newest schema when opened. Safe to share across threads.

    Every call that reads or changes a consultation takes the Viewer it is made for, and its query
    reaches only what that person may see: on a shared install (`signed_in=True`), the consultations
    they saved and those shared with them, and a call made for nobody in particular (EVERYONE) is
    refused rather than answered with everything. A record out of reach is answered as missing
    (None, or KeyError), the same as one that does not exist, so an id typed into a URL or a widget
    tells nothing.
    """

    def __init__(self, target: str | Path | URL | None = None, retention_days: int | None = None,
                 signed_in: bool = False):
        self.url = _target_url(target)
        self.backend = self.url.get_backend_name()
        self.path = Path(self.url.database) if self.backend == "sqlite" else None
        self.retention_days = retention_days
        self.signed_in = signed_in
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

    def bound(self, viewer: Viewer) -> "BoundStore":
        """This store with every call made for `viewer` (what the app's pages are given)."""
        return BoundStore(self, viewer)

    # --- who may see what ----------------------------------------------------------------------------

    def _for(self, viewer: Viewer) -> Viewer:
        if (self.signed_in and viewer.open_install) or viewer.user == "":
            raise PermissionError("this install needs people to sign in: no record is read for nobody in particular")
        return viewer

    def _visible(self, viewer: Viewer):
        """The condition a consultation row must meet to be reached by `viewer`."""
        viewer = self._for(viewer)
        if viewer.open_install:
            return true()
        shared = select(consultation_share.c.consultation_id).where(consultation_share.c.username == viewer.user)
        return or_(and_(consultation.c.owner != "", consultation.c.owner == viewer.user), consultation.c.id.in_(shared))

    def _reachable(self, db, consultation_id: int, viewer: Viewer, owner_only: bool = False) -> RowMapping:
        condition = self._visible(viewer)
        if owner_only and not viewer.open_install:
            condition = and_(consultation.c.owner != "", consultation.c.owner == viewer.user)
        row = db.execute(select(consultation.c.id, consultation.c.owner)
                         .where(consultation.c.id == consultation_id, condition)).mappings().first()
        if row is None:
            raise KeyError(consultation_id)
        return row

    # --- consultations ---------------------------------------------------------------------------

    def save(self, title: str, facts: Mapping[str, Any], rules_version: str, rules_sha256: str,
             note_text: str | None = None, author: str = "", report: Mapping[str, Any] | None = None,
             viewer: Viewer = EVERYONE, shared_with: Iterable[str] = ()) -> int:
        """Save a consultation (with the report as given now and, with it, a first note, and the people
        it is shared with for review) in one transaction; return its id once it is committed."""
        viewer = self._for(viewer)
        title = clean_title(title)
        author = " ".join(_no_nul(author).split())[:AUTHOR_MAX]
        note_text = clean_note(note_text) if note_text and note_text.strip() else None
        sharing = _clean_usernames(shared_with, viewer)
        when = now_iso()
        with self.engine.begin() as db:
            result = db.execute(insert(consultation).values(
                title=title, facts_json=json.dumps(dict(facts), sort_keys=True), rules_version=rules_version,
                rules_sha256=rules_sha256, created_at=when, author=author, status=STATUSES[0],
                owner=viewer.user or "",
                report_json=json.dumps(report, sort_keys=True) if report is not None else None))
            consultation_id = int(result.inserted_primary_key[0])
            if note_text:
                db.execute(insert(note).values(consultation_id=consultation_id, text=note_text, created_at=when,
                                               author=author))
            for username in sharing:
                db.execute(insert(consultation_share).values(consultation_id=consultation_id, username=username,
                                                             shared_at=when))
        return consultation_id

    def share(self, consultation_id: int, usernames: Iterable[str], viewer: Viewer) -> None:
        """Set who a consultation is shared with for review: only the person who saved it may."""
        viewer = self._for(viewer)
        if viewer.open_install:
            raise PermissionError("sharing is for installs where people sign in")
        sharing = _clean_usernames(usernames, viewer)
        with self.engine.begin() as db:
            self._reachable(db, consultation_id, viewer, owner_only=True)
            db.execute(delete(consultation_share).where(consultation_share.c.consultation_id == consultation_id))
            for username in sharing:
                db.execute(insert(consultation_share).values(consultation_id=consultation_id, username=username,
                                                             shared_at=now_iso()))

    def shared_with(self, consultation_id: int, viewer: Viewer) -> list[str]:
        """The user names a consultation is shared with (for someone who can see it)."""
        with self.engine.begin() as db:
            self._reachable(db, consultation_id, viewer)
            return sorted(db.execute(select(consultation_share.c.username).where(
                consultation_share.c.consultation_id == consultation_id)).scalars())

    def _listing(self):
        notes = (select(func.count()).select_from(note).where(note.c.consultation_id == consultation.c.id)
                 .scalar_subquery().label("note_count"))
        return select(consultation, notes)

    def consultations(self, query: Query | None = None, viewer: Viewer = EVERYONE) -> list[Consultation]:
        """The saved consultations that match (all of them without a query) among those `viewer` may
        see, newest first."""
        q = query or Query()
        statement = self._listing().where(self._visible(viewer))
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

    def authors(self, viewer: Viewer = EVERYONE) -> list[str]:
        """Everyone who has saved a consultation `viewer` may see, once each however they capitalised it."""
        with self.engine.begin() as db:
            names = db.execute(select(consultation.c.author).where(consultation.c.author != "", self._visible(viewer))
                               .distinct()).scalars()
            people: dict[str, str] = {}
            for name in sorted(names):
                people.setdefault(name.casefold(), name)
            return sorted(people.values(), key=str.casefold)

    def update_record(self, consultation_id: int, by: str, *, status: str | None = None,
                      decision: str | None = None, outcome: str | None = None, viewer: Viewer = EVERYONE) -> None:
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
            self._reachable(db, consultation_id, viewer)
            if db.execute(update(consultation).where(consultation.c.id == consultation_id).values(**values)).rowcount != 1:
                raise KeyError(consultation_id)

    def get(self, consultation_id: int, viewer: Viewer = EVERYONE) -> Consultation | None:
        """One consultation, or None when it does not exist or `viewer` may not see it."""
        with self.engine.begin() as db:
            row = db.execute(self._listing().where(consultation.c.id == consultation_id, self._visible(viewer))
                             ).mappings().first()
        return self._consultation(row) if row else None

    def delete(self, consultation_id: int, viewer: Viewer = EVERYONE) -> None:
        """Delete a consultation and its notes for good (see erase()); on a shared install only the
        person who saved it may."""
        with self.engine.begin() as db:
            self._reachable(db, consultation_id, viewer, owner_only=True)
            db.execute(delete(consultation_share).where(consultation_share.c.consultation_id == consultation_id))
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
                db.exec_driver_sql("VACUUM action_feedback, note, consultation_share, consultation, class_answer,"
                                   " class_member, class_session")

    def purge_older_than(self, days: int, now: datetime | None = None) -> int:
        """Delete for good every consultation saved more than `days` days ago (and every class session
        opened before then); return how many consultations."""
        cutoff = ((now or datetime.now(timezone.utc)) - timedelta(days=days)).astimezone(timezone.utc)
        old = select(consultation.c.id).where(consultation.c.created_at < cutoff.isoformat(timespec="seconds"))
        with self.engine.begin() as db:
            db.execute(delete(consultation_share).where(consultation_share.c.consultation_id.in_(old)))
            db.execute(delete(action_feedback).where(action_feedback.c.consultation_id.in_(old)))
            db.execute(delete(note).where(note.c.consultation_id.in_(old)))
            removed = db.execute(delete(consultation).where(consultation.c.id.in_(old))).rowcount
            old_classes = select(class_session.c.id).where(
                class_session.c.created_at < cutoff.isoformat(timespec="seconds"))
            removed_classes = self._delete_classes(db, old_classes)
        if removed or removed_classes:
            self.erase()
        return removed

    def apply_retention(self) -> int:
        """The retention setting applied, and long-expired class sessions deleted: at once when
        opened, then at most once an hour."""
        if not self._retention.due():
            return 0
        self.purge_expired_classes()
        if self.retention_days is None:
            return 0
        return self.purge_older_than(self.retention_days)

    # --- notes -----------------------------------------------------------------------------------

    def add_note(self, consultation_id: int, text: str, author: str = "", viewer: Viewer = EVERYONE) -> int:
        text = clean_note(text)
        author = " ".join(_no_nul(author).split())[:AUTHOR_MAX]
        with self.engine.begin() as db:
            self._reachable(db, consultation_id, viewer)
            result = db.execute(insert(note).values(consultation_id=consultation_id, text=text,
                                                    created_at=now_iso(), author=author))
            return int(result.inserted_primary_key[0])

    def _own_note(self, db, note_id: int, author: str, viewer: Viewer) -> Note:
        row = db.execute(select(note).where(note.c.id == note_id)).mappings().first()
        if row is None:
            raise KeyError(note_id)
        self._reachable(db, row["consultation_id"], viewer)
        found = self._note(row)
        if not found.written_by(author):
            raise PermissionError("only the person who wrote a note can change or delete it")
        return found

    def edit_note(self, note_id: int, text: str, author: str, viewer: Viewer = EVERYONE) -> None:
        """Change a note's wording: only its author may; the edit is dated and the wording before it kept."""
        text = clean_note(text)
        with self.engine.begin() as db:
            found = self._own_note(db, note_id, author, viewer)
            if text == found.text:
                return
            db.execute(update(note).where(note.c.id == note_id).values(
                text=text, edited_at=now_iso(), previous_text=found.text))

    def delete_note(self, note_id: int, author: str, viewer: Viewer = EVERYONE) -> None:
        """Delete a note for good: only its author may."""
        with self.engine.begin() as db:
            self._own_note(db, note_id, author, viewer)
            db.execute(delete(note).where(note.c.id == note_id))
        self.erase()

    def notes(self, consultation_id: int, viewer: Viewer = EVERYONE) -> list[Note]:
        """A consultation's notes, oldest first (none for a consultation out of `viewer`'s reach)."""
        with self.engine.begin() as db:
            rows = db.execute(select(note).where(note.c.consultation_id == consultation_id,
                                                 note.c.consultation_id.in_(select(consultation.c.id).where(
                                                     self._visible(viewer))))
                              .order_by(note.c.created_at, note.c.id)).mappings().all()
        return [self._note(r) for r in rows]

    # --- feedback on the advice ---------------------------------------------------------------------

    def set_feedback(self, consultation_id: int, action_id: str, judgement: str | None, author: str,
                     reason: str = "", rules: tuple[str, ...] = (), viewer: Viewer = EVERYONE) -> None:
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
            self._reachable(db, consultation_id, viewer)
            db.execute(delete(action_feedback).where(action_feedback.c.consultation_id == consultation_id,
                                                     action_feedback.c.action_id == action_id))
            if judgement is not None:
                db.execute(insert(action_feedback).values(
                    consultation_id=consultation_id, action_id=action_id, judgement=judgement,
                    reason=reason if judgement == "not_applicable" else "",
                    rules_json=json.dumps(sorted(rules)), author=author, updated_at=now_iso()))

    def feedback(self, consultation_id: int | None = None, viewer: Viewer = EVERYONE) -> list[Feedback]:
        """The judgements on one consultation's actions, or on every consultation's (oldest first),
        among the consultations `viewer` may see. A signed-in trainer, who improves the rules and the
        training from them, gets every judgement of the install but not which consultation it was on
        (consultation_id 0) nor who made it."""
        viewer = self._for(viewer)
        statement = select(action_feedback).order_by(action_feedback.c.updated_at, action_feedback.c.id)
        anonymous = not viewer.open_install and viewer.role == "trainer" and consultation_id is None
        if not anonymous:
            statement = statement.where(action_feedback.c.consultation_id.in_(
                select(consultation.c.id).where(self._visible(viewer))))
        if consultation_id is not None:
            statement = statement.where(action_feedback.c.consultation_id == consultation_id)
        with self.engine.begin() as db:
            rows = db.execute(statement).mappings().all()
        return [Feedback(0 if anonymous else r["consultation_id"], r["action_id"], r["judgement"], r["reason"],
                         tuple(json.loads(r["rules_json"])), "" if anonymous else r["author"], r["updated_at"])
                for r in rows]

    # --- class sessions ------------------------------------------------------------------------------

    def open_class(self, title: str, scenario_ids, hours: int, viewer: Viewer = EVERYONE,
                   now: datetime | None = None) -> tuple[ClassSession, str]:
        """Open a class session on scenarios (worked in the order given) for `hours` hours; return it
        and its trainer key: the secret that, on an install without sign-in, lets its trainer back in."""
        title = " ".join(_no_nul(title).split()) or "Class session"
        if len(title) > CLASS_TITLE_MAX:
            raise ValueError(f"the session's title is longer than {CLASS_TITLE_MAX} characters")
        ids = [str(i) for i in dict.fromkeys(scenario_ids)]
        if not ids:
            raise ValueError("choose at least one scenario for the session")
        if len(ids) > CLASS_SCENARIOS_MAX:
            raise ValueError(f"a session holds at most {CLASS_SCENARIOS_MAX} scenarios")
        if not (isinstance(hours, int) and 1 <= hours <= CLASS_HOURS_MAX):
            raise ValueError(f"a session lasts from 1 to {CLASS_HOURS_MAX} hours")
        viewer = self._for(viewer)
        if not viewer.open_install and viewer.role != "trainer":
            raise PermissionError("only a trainer can open a class session")
        start = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
        key = secrets.token_urlsafe(12)
        for _ in range(20):  # a code already given is drawn again
            code = new_code()
            try:
                with self.engine.begin() as db:
                    result = db.execute(insert(class_session).values(
                        code=code, owner=viewer.user or "", trainer_key_sha256=_sha256(key), title=title,
                        scenarios_json=json.dumps(ids), step=0, revealed_json="[]",
                        created_at=start.isoformat(timespec="seconds"),
                        expires_at=(start + timedelta(hours=hours)).isoformat(timespec="seconds")))
                    session_id = int(result.inserted_primary_key[0])
            except IntegrityError:
                continue
            return self._class_by(class_session.c.id == session_id), key
        raise RuntimeError("no free session code could be drawn")  # 887 million codes: not expected

    def _class_by(self, condition) -> ClassSession | None:
        with self.engine.begin() as db:
            row = db.execute(select(class_session).where(condition)).mappings().first()
        return self._class(row) if row else None

    def find_class(self, code: str) -> ClassSession | None:
        """The session a code names, for trainees: what it is and which scenario is being worked."""
        code = clean_code(code)
        return self._class_by(class_session.c.code == code) if code else None

    def _trainer_row(self, db, code: str, viewer: Viewer, key: str) -> RowMapping:
        """The session, if `viewer` is its trainer: the signed-in owner, or (without sign-in) the holder
        of its key. A session that is not yours is answered as if it did not exist."""
        viewer = self._for(viewer)
        row = db.execute(select(class_session).where(class_session.c.code == clean_code(code))).mappings().first()
        if row is None:
            raise KeyError(code)
        if viewer.open_install:
            allowed = bool(key) and secrets.compare_digest(_sha256(key), row["trainer_key_sha256"])
        else:
            allowed = bool(row["owner"]) and row["owner"] == viewer.user
        if not allowed:
            raise KeyError(code)
        return row

    def trainer_class(self, code: str, viewer: Viewer = EVERYONE, key: str = "") -> ClassSession | None:
        """The session as its trainer sees it, or None when it is not yours (or does not exist)."""
        try:
            with self.engine.begin() as db:
                return self._class(self._trainer_row(db, code, viewer, key))
        except KeyError:
            return None

    def my_classes(self, viewer: Viewer = EVERYONE) -> list[ClassSession]:
        """A signed-in trainer's sessions, newest first (without sign-in, a session is reached by its key)."""
        if self._for(viewer).open_install:
            return []
        with self.engine.begin() as db:
            rows = db.execute(select(class_session).where(class_session.c.owner == viewer.user)
                              .order_by(class_session.c.created_at.desc(), class_session.c.id.desc())).mappings().all()
        return [self._class(r) for r in rows]

    def _trainer_update(self, code: str, viewer: Viewer, key: str, **values) -> ClassSession:
        with self.engine.begin() as db:
            row = self._trainer_row(db, code, viewer, key)
            db.execute(update(class_session).where(class_session.c.id == row["id"]).values(**values))
        return self._class_by(class_session.c.id == row["id"])

    def set_class_step(self, code: str, step: int, viewer: Viewer = EVERYONE, key: str = "") -> ClassSession:
        """Move the class to another scenario of its sequence."""
        found = self.trainer_class(code, viewer, key)
        if found is None:
            raise KeyError(code)
        if not 0 <= step < len(found.scenario_ids):
            raise ValueError(f"the session has scenarios 1 to {len(found.scenario_ids)}")
        return self._trainer_update(code, viewer, key, step=step)

    def reveal_class(self, code: str, step: int, viewer: Viewer = EVERYONE, key: str = "") -> ClassSession:
        """Show the class the expected answer of one step."""
        found = self.trainer_class(code, viewer, key)
        if found is None:
            raise KeyError(code)
        revealed = sorted({*found.revealed, step})
        return self._trainer_update(code, viewer, key, revealed_json=json.dumps(revealed))

    def close_class(self, code: str, viewer: Viewer = EVERYONE, key: str = "") -> ClassSession:
        """No more joining or answering; the trainer still sees the answers and the report."""
        return self._trainer_update(code, viewer, key, closed_at=now_iso())

    def delete_class(self, code: str, viewer: Viewer = EVERYONE, key: str = "") -> None:
        """Delete a session, its nicknames and its answers, for good."""
        with self.engine.begin() as db:
            row = self._trainer_row(db, code, viewer, key)
            self._delete_classes(db, select(class_session.c.id).where(class_session.c.id == row["id"]))
        self.erase()

    @staticmethod
    def _delete_classes(db, ids) -> int:
        ids = [r for r in db.execute(ids).scalars()]
        if not ids:
            return 0
        db.execute(delete(class_answer).where(class_answer.c.session_id.in_(ids)))
        db.execute(delete(class_member).where(class_member.c.session_id.in_(ids)))
        return db.execute(delete(class_session).where(class_session.c.id.in_(ids))).rowcount

    def purge_expired_classes(self, now: datetime | None = None) -> int:
        """Delete the sessions that expired more than CLASS_KEEP_DAYS days ago (nicknames, answers)."""
        cutoff = ((now or datetime.now(timezone.utc)) - timedelta(days=CLASS_KEEP_DAYS)).astimezone(timezone.utc)
        with self.engine.begin() as db:
            removed = self._delete_classes(db, select(class_session.c.id).where(
                class_session.c.expires_at < cutoff.isoformat(timespec="seconds")))
        if removed:
            self.erase()
        return removed

    def join_class(self, code: str, nickname: str) -> Member:
        """Join an open session under a nickname no one else in it has; the member's token is given
        only here, and is what lets them answer."""
        nickname = clean_nickname(nickname)
        token = secrets.token_urlsafe(18)
        with self.engine.begin() as db:
            row = db.execute(select(class_session).where(class_session.c.code == clean_code(code))).mappings().first()
            if row is None:
                raise KeyError(code)
            if not self._class(row).is_open():
                raise ValueError("this session is no longer open: ask your trainer for a new code")
        try:
            with self.engine.begin() as db:
                result = db.execute(insert(class_member).values(
                    session_id=row["id"], nickname=nickname, nickname_key=nickname.casefold(),
                    token_sha256=_sha256(token), joined_at=now_iso()))
                member_id = int(result.inserted_primary_key[0])
        except IntegrityError:
            raise ValueError("someone in this session already has that nickname: choose another") from None
        return Member(member_id, int(row["id"]), nickname, token)

    def member(self, token: str) -> Member | None:
        """The trainee a browser's token belongs to (None for an unknown token)."""
        if not token:
            return None
        with self.engine.begin() as db:
            row = db.execute(select(class_member).where(class_member.c.token_sha256 == _sha256(token))).mappings().first()
        return Member(row["id"], row["session_id"], row["nickname"]) if row else None

    def class_of(self, token: str) -> ClassSession | None:
        """The session a trainee's token is in."""
        found = self.member(token)
        return self._class_by(class_session.c.id == found.session_id) if found else None

    def submit_class_answer(self, token: str, step: int, commitments, actions: Mapping[str, str | None]) -> None:
        """A trainee's answer to the step being worked (a second answer replaces the first), in one
        transaction; refused when the session has closed or expired, or moved on to another step."""
        answer = clean_answer(commitments, actions)
        found = self.member(token)
        if found is None:
            raise PermissionError("you are not in this session: join it again with its code")
        with self.engine.begin() as db:
            row = db.execute(select(class_session).where(class_session.c.id == found.session_id)).mappings().first()
            session = self._class(row)
            if not session.is_open():
                raise ValueError("the session has closed: answers are no longer taken")
            if step != session.step:
                raise ValueError("the class has moved on to another scenario: your answer was not kept")
            db.execute(delete(class_answer).where(class_answer.c.member_id == found.id, class_answer.c.step == step))
            db.execute(insert(class_answer).values(session_id=found.session_id, member_id=found.id, step=step,
                                                   answer_json=json.dumps(answer, sort_keys=True),
                                                   answered_at=now_iso()))

    def own_answer(self, token: str, step: int) -> ClassAnswer | None:
        """A trainee's own answer to one step (nobody else's)."""
        found = self.member(token)
        if found is None:
            return None
        with self.engine.begin() as db:
            row = db.execute(select(class_answer).where(class_answer.c.member_id == found.id,
                                                        class_answer.c.step == step)).mappings().first()
        return self._answer(row, found.nickname) if row else None

    def class_answers(self, code: str, viewer: Viewer = EVERYONE, key: str = "",
                      step: int | None = None) -> list[ClassAnswer]:
        """Every answer of a session (or of one step), oldest first: for its trainer only."""
        with self.engine.begin() as db:
            row = self._trainer_row(db, code, viewer, key)
            statement = (select(class_answer, class_member.c.nickname)
                         .join(class_member, class_member.c.id == class_answer.c.member_id)
                         .where(class_answer.c.session_id == row["id"])
                         .order_by(class_answer.c.answered_at, class_answer.c.id))
            if step is not None:
                statement = statement.where(class_answer.c.step == step)
            rows = db.execute(statement).mappings().all()
        return [self._answer(r, r["nickname"]) for r in rows]

    def class_members(self, code: str, viewer: Viewer = EVERYONE, key: str = "") -> list[str]:
        """The nicknames in a session, in the order they joined: for its trainer only."""
        with self.engine.begin() as db:
            row = self._trainer_row(db, code, viewer, key)
            return list(db.execute(select(class_member.c.nickname).where(class_member.c.session_id == row["id"])
                                   .order_by(class_member.c.joined_at, class_member.c.id)).scalars())

    @staticmethod
    def _answer(row: RowMapping, nickname: str) -> ClassAnswer:
        data = json.loads(row["answer_json"])
        return ClassAnswer(nickname, row["step"], tuple(data["commitments"]), dict(data["actions"]), row["answered_at"])

    @staticmethod
    def _class(row: RowMapping) -> ClassSession:
        return ClassSession(row["id"], row["code"], row["owner"], row["title"], tuple(json.loads(row["scenarios_json"])),
                            row["step"], tuple(json.loads(row["revealed_json"])), row["created_at"], row["expires_at"],
                            row["closed_at"])

    @staticmethod
    def _note(row: RowMapping) -> Note:
        return Note(row["id"], row["consultation_id"], row["text"], row["created_at"], row["author"],
                    row["edited_at"], row["previous_text"])

    @staticmethod
    def _consultation(row: RowMapping) -> Consultation:
        return Consultation(row["id"], row["title"], json.loads(row["facts_json"]), row["rules_version"],
                            row["rules_sha256"], row["created_at"], row["note_count"], row["author"],
                            row["status"], row["decision"], row["outcome"], row["updated_at"], row["updated_by"],
                            json.loads(row["report_json"]) if row["report_json"] else None, row["owner"])


class BoundStore:
    """A Store whose every call that takes a viewer is made for one person: what a page is handed,
    so that no call on it can forget whose records it reads. The checks themselves are the Store's."""

    def __init__(self, store: Store, viewer: Viewer):
        self._store = store
        self.viewer = viewer

    def __getattr__(self, name: str):
        attr = getattr(self._store, name)
        if callable(attr) and "viewer" in _parameters(attr):
            return functools.partial(attr, viewer=self.viewer)
        return attr


@functools.lru_cache(maxsize=None)
def _parameters_of(function) -> frozenset[str]:
    return frozenset(inspect.signature(function).parameters)


def _parameters(method) -> frozenset[str]:
    return _parameters_of(getattr(method, "__func__", method))


def _day_start(day: date) -> str:
    return datetime.combine(day, time(0, 0), tzinfo=timezone.utc).isoformat(timespec="seconds")
