"""Class sessions: a trainer opens a session on one scenario or a short sequence, trainees join it
with a nickname and a short code, and their answers are kept for the trainer's live view.

A session is open until the trainer closes it or it expires; its trainer is the signed-in owner
(a shared install) or whoever holds its trainer key (kept only as a sha256). A trainee's browser
holds a secret token (kept only as a sha256) that is their only identity: no real names needed.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "class_session",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("owner", sa.Text, nullable=False, server_default=sa.text("''")),
        sa.Column("trainer_key_sha256", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("scenarios_json", sa.Text, nullable=False),
        sa.Column("step", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("revealed_json", sa.Text, nullable=False, server_default=sa.text("'[]'")),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("expires_at", sa.Text, nullable=False),
        sa.Column("closed_at", sa.Text),
        sa.UniqueConstraint("code", name="one_session_per_code"),
        sqlite_autoincrement=True,
    )
    op.create_index("class_session_by_owner", "class_session", ["owner"])
    op.create_table(
        "class_member",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("class_session.id", ondelete="CASCADE"), nullable=False),
        sa.Column("nickname", sa.Text, nullable=False),
        sa.Column("nickname_key", sa.Text, nullable=False),
        sa.Column("token_sha256", sa.Text, nullable=False),
        sa.Column("joined_at", sa.Text, nullable=False),
        sa.UniqueConstraint("session_id", "nickname_key", name="one_nickname_per_session"),
        sa.UniqueConstraint("token_sha256", name="one_member_per_token"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "class_answer",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("class_session.id", ondelete="CASCADE"), nullable=False),
        sa.Column("member_id", sa.Integer, sa.ForeignKey("class_member.id", ondelete="CASCADE"), nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("answer_json", sa.Text, nullable=False),
        sa.Column("answered_at", sa.Text, nullable=False),
        sa.UniqueConstraint("member_id", "step", name="one_answer_per_member_and_step"),
        sqlite_autoincrement=True,
    )
    op.create_index("class_answer_by_session", "class_answer", ["session_id", "step"])


def downgrade() -> None:
    op.drop_index("class_answer_by_session", "class_answer")
    op.drop_table("class_answer")
    op.drop_table("class_member")
    op.drop_index("class_session_by_owner", "class_session")
    op.drop_table("class_session")
