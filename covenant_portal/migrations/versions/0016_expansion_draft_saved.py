"""expansion_draft_saved: whether anyone has saved an expansion proposal's open draft since it (or
its revision) was started, so its page says "Started on …" until the first save, then "Last saved …"

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 04:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("expansion_proposal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("draft_saved", sa.Boolean(), nullable=False, server_default=sa.true()))
    # A new proposal's draft is started at lock 1 and each save moves it on: one still at 1 was never
    # saved. (A revision's draft cannot be told apart, so it keeps saying "Last saved", as before.)
    op.execute("UPDATE expansion_proposal SET draft_saved = false WHERE draft IS NOT NULL AND draft_lock = 1")


def downgrade() -> None:
    with op.batch_alter_table("expansion_proposal", schema=None) as batch_op:
        batch_op.drop_column("draft_saved")
