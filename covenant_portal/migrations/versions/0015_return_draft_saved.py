"""return_draft_saved: whether anyone has saved a return's open draft since it was started (or
its correction was), so its pages say "Started on …" until the first save, then "Last saved …"

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 03:40:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attestation_return", schema=None) as batch_op:
        batch_op.add_column(sa.Column("draft_saved", sa.Boolean(), nullable=False, server_default=sa.true()))
    # A new return's draft is started at lock 1 and each save moves it on: one still at 1 was never
    # saved. (A correction's draft cannot be told apart, so it keeps saying "Last saved", as before.)
    op.execute("UPDATE attestation_return SET draft_saved = false WHERE draft IS NOT NULL AND draft_lock = 1")


def downgrade() -> None:
    with op.batch_alter_table("attestation_return", schema=None) as batch_op:
        batch_op.drop_column("draft_saved")
