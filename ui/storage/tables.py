"""The schema, as SQLAlchemy Core tables: what the store reads and writes.

Migrations (ui/storage/migrations/versions/) are what change a database; this module is what the
code expects once they have run. A test upgrades an empty database and compares the two, so they
cannot drift apart. Times are ISO 8601 text in UTC (2025-03-01T10:30:00+00:00), as the first
version of the app wrote them: they sort as text on every backend.
"""
from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, MetaData, Table, Text, UniqueConstraint, text

metadata = MetaData()

consultation = Table(
    "consultation", metadata,
    Column("id", Integer, primary_key=True),
    Column("title", Text, nullable=False),
    Column("facts_json", Text, nullable=False),
    Column("rules_version", Text, nullable=False),
    Column("rules_sha256", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    # 0002, the supervision record
    Column("author", Text, nullable=False, server_default=text("''")),  # who saved it: a name or a role
    Column("status", Text, nullable=False, server_default=text("'new'")),  # new -> discussed -> closed
    Column("decision", Text, nullable=False, server_default=text("''")),
    Column("outcome", Text, nullable=False, server_default=text("''")),
    Column("updated_at", Text),
    Column("updated_by", Text, nullable=False, server_default=text("''")),
    Column("report_json", Text),  # the report as given when saved (none before 0002)
    # 0005: whose it is, when people sign in (their user name; '' on an install without sign-in)
    Column("owner", Text, nullable=False, server_default=text("''")),
    Index("consultation_by_status", "status"),
    Index("consultation_by_created_at", "created_at"),
    Index("consultation_by_owner", "owner"),
    sqlite_autoincrement=True,  # an id is never given again after a delete
)

note = Table(
    "note", metadata,
    Column("id", Integer, primary_key=True),
    Column("consultation_id", Integer, ForeignKey("consultation.id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    # 0002: attributed, and an edit shown
    Column("author", Text, nullable=False, server_default=text("''")),
    Column("edited_at", Text),
    Column("previous_text", Text),  # the wording before the last edit
    Index("note_by_consultation", "consultation_id"),
    sqlite_autoincrement=True,
)

# 0003: feedback on the advice, one judgement per recommended action of a consultation
action_feedback = Table(
    "action_feedback", metadata,
    Column("id", Integer, primary_key=True),
    Column("consultation_id", Integer, ForeignKey("consultation.id", ondelete="CASCADE"), nullable=False),
    Column("action_id", Text, nullable=False),
    Column("judgement", Text, nullable=False),  # planned | done | not_applicable
    Column("reason", Text, nullable=False, server_default=text("''")),
    Column("rules_json", Text, nullable=False, server_default=text("'[]'")),  # the rules behind the action then
    Column("author", Text, nullable=False, server_default=text("''")),
    Column("updated_at", Text, nullable=False),
    UniqueConstraint("consultation_id", "action_id", name="one_judgement_per_action"),
    sqlite_autoincrement=True,
)

# 0004: class sessions. A session's trainer is its owner (signed in) or the holder of its key; a
# trainee is known only by a nickname and the token their browser holds (both keys kept as sha256).
class_session = Table(
    "class_session", metadata,
    Column("id", Integer, primary_key=True),
    Column("code", Text, nullable=False),  # the short code trainees type
    Column("owner", Text, nullable=False, server_default=text("''")),  # the signed-in trainer ('' when open)
    Column("trainer_key_sha256", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("scenarios_json", Text, nullable=False),  # the scenario ids, in the order they are worked
    Column("step", Integer, nullable=False, server_default=text("0")),  # the scenario being worked now
    Column("revealed_json", Text, nullable=False, server_default=text("'[]'")),  # steps whose answer is shown
    Column("created_at", Text, nullable=False),
    Column("expires_at", Text, nullable=False),
    Column("closed_at", Text),
    UniqueConstraint("code", name="one_session_per_code"),
    Index("class_session_by_owner", "owner"),
    sqlite_autoincrement=True,
)

class_member = Table(
    "class_member", metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("class_session.id", ondelete="CASCADE"), nullable=False),
    Column("nickname", Text, nullable=False),
    Column("nickname_key", Text, nullable=False),  # casefolded: "Kim" and "kim" are one nickname
    Column("token_sha256", Text, nullable=False),
    Column("joined_at", Text, nullable=False),
    UniqueConstraint("session_id", "nickname_key", name="one_nickname_per_session"),
    UniqueConstraint("token_sha256", name="one_member_per_token"),
    sqlite_autoincrement=True,
)

class_answer = Table(
    "class_answer", metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("class_session.id", ondelete="CASCADE"), nullable=False),
    Column("member_id", Integer, ForeignKey("class_member.id", ondelete="CASCADE"), nullable=False),
    Column("step", Integer, nullable=False),
    Column("answer_json", Text, nullable=False),  # {"commitments": [...], "actions": {id: urgency or null}}
    Column("answered_at", Text, nullable=False),
    UniqueConstraint("member_id", "step", name="one_answer_per_member_and_step"),
    Index("class_answer_by_session", "session_id", "step"),
    sqlite_autoincrement=True,
)

# 0005: a consultation shared for review with a signed-in person (a supervisor, usually)
consultation_share = Table(
    "consultation_share", metadata,
    Column("id", Integer, primary_key=True),
    Column("consultation_id", Integer, ForeignKey("consultation.id", ondelete="CASCADE"), nullable=False),
    Column("username", Text, nullable=False),
    Column("shared_at", Text, nullable=False),
    UniqueConstraint("consultation_id", "username", name="one_share_per_person"),
    Index("consultation_share_by_username", "username"),
    sqlite_autoincrement=True,
)
