"""The supervision record: who saved a consultation, its status, the decision and outcome, the
report as it was when saved; notes attributed, with their last edit shown.

Every new column has a default, so the rows of a database made before are kept as they were:
status "new", no author, no saved report (the Review page then says it cannot show what changed).

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NEW_CONSULTATION_COLUMNS = [
    ("author", sa.Text, sa.text("''"), False),
    ("status", sa.Text, sa.text("'new'"), False),
    ("decision", sa.Text, sa.text("''"), False),
    ("outcome", sa.Text, sa.text("''"), False),
    ("updated_at", sa.Text, None, True),
    ("updated_by", sa.Text, sa.text("''"), False),
    ("report_json", sa.Text, None, True),
]
NEW_NOTE_COLUMNS = [
    ("author", sa.Text, sa.text("''"), False),
    ("edited_at", sa.Text, None, True),
    ("previous_text", sa.Text, None, True),
]


def upgrade() -> None:
    # Columns added in place (ALTER TABLE ... ADD COLUMN): no table is copied, on any backend.
    for table, columns in (("consultation", NEW_CONSULTATION_COLUMNS), ("note", NEW_NOTE_COLUMNS)):
        for name, type_, default, nullable in columns:
            op.add_column(table, sa.Column(name, type_, server_default=default, nullable=nullable))
    op.create_index("consultation_by_status", "consultation", ["status"])
    op.create_index("consultation_by_created_at", "consultation", ["created_at"])


def downgrade() -> None:
    op.drop_index("consultation_by_created_at", "consultation")
    op.drop_index("consultation_by_status", "consultation")
    for table, columns in (("note", NEW_NOTE_COLUMNS), ("consultation", NEW_CONSULTATION_COLUMNS)):
        with op.batch_alter_table(table) as batch:
            for name, *_ in reversed(columns):
                batch.drop_column(name)
