"""Shared installs: a consultation belongs to the person who saved it (their user name, when people
sign in) and is shared for review with the people they name.

Consultations saved before (or on an install without sign-in) have no owner: they stay open to
everyone on an install without sign-in, and reach nobody once people sign in.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("consultation", sa.Column("owner", sa.Text, nullable=False, server_default=sa.text("''")))
    op.create_index("consultation_by_owner", "consultation", ["owner"])
    op.create_table(
        "consultation_share",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("consultation_id", sa.Integer, sa.ForeignKey("consultation.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("username", sa.Text, nullable=False),
        sa.Column("shared_at", sa.Text, nullable=False),
        sa.UniqueConstraint("consultation_id", "username", name="one_share_per_person"),
        sqlite_autoincrement=True,
    )
    op.create_index("consultation_share_by_username", "consultation_share", ["username"])


def downgrade() -> None:
    op.drop_index("consultation_share_by_username", "consultation_share")
    op.drop_table("consultation_share")
    op.drop_index("consultation_by_owner", "consultation")
    with op.batch_alter_table("consultation") as batch:
        batch.drop_column("owner")
