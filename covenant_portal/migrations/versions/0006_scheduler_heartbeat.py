"""the scheduler's heartbeat, read by GET /healthz

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 20:00:00
"""

from alembic import op
import sqlalchemy as sa
import covenant_portal.db

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scheduler_heartbeat",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("beat_at", covenant_portal.db.UTCDateTime(), nullable=False),
        sa.Column("started_at", covenant_portal.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_scheduler_heartbeat_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduler_heartbeat")),
    )


def downgrade() -> None:
    op.drop_table("scheduler_heartbeat")
