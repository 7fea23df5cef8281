"""email_request: public forms that send email are throttled per address and per IP

Numbered 0007 because 0006 is being written on another branch at the same time; until that branch
is merged, this revision follows 0005 (when it is, `down_revision` becomes '0006').

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 20:10:00
"""

from alembic import op
import sqlalchemy as sa
import covenant_portal.db

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "email_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("ip_address", sa.String(length=45), nullable=False),
        sa.Column("created_at", covenant_portal.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_request")),
    )
    with op.batch_alter_table("email_request", schema=None) as batch_op:
        batch_op.create_index("ix_email_request_email_created_at", ["email", "created_at"], unique=False)
        batch_op.create_index("ix_email_request_ip_address_created_at", ["ip_address", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("email_request", schema=None) as batch_op:
        batch_op.drop_index("ix_email_request_ip_address_created_at")
        batch_op.drop_index("ix_email_request_email_created_at")
    op.drop_table("email_request")
