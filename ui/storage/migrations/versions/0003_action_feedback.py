"""Feedback on the advice: for each recommended action of a saved consultation, whether it was
planned, done, or judged not applicable (and why), with the rules that recommended it then.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "action_feedback",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("consultation_id", sa.Integer, sa.ForeignKey("consultation.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("action_id", sa.Text, nullable=False),
        sa.Column("judgement", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False, server_default=sa.text("''")),
        sa.Column("rules_json", sa.Text, nullable=False, server_default=sa.text("'[]'")),
        sa.Column("author", sa.Text, nullable=False, server_default=sa.text("''")),
        sa.Column("updated_at", sa.Text, nullable=False),
        sa.UniqueConstraint("consultation_id", "action_id", name="one_judgement_per_action"),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("action_feedback")
