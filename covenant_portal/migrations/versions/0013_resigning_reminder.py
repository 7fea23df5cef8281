"""resigning_reminder: the re-signing chase ladder's reminders, each stage once per
organisation and covenant version

Revision ID: 0013
Revises: 0011b
Create Date: 2026-12-01 23:20:00
"""

from alembic import op
import sqlalchemy as sa
import covenant_portal.db

revision = "0013"
down_revision = "0011b"
branch_labels = None
depends_on = None

STAGES = ("due_in_14_days", "due_in_7_days", "due_today", "escalated")


def upgrade() -> None:
    op.create_table(
        "resigning_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("covenant_version_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.Enum(*STAGES, name="resigningstage", native_enum=False, length=16), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("created_at", covenant_portal.db.UTCDateTime(), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "stage IN ('due_in_14_days', 'due_in_7_days', 'due_today', 'escalated')",
            name=op.f("ck_resigning_reminder_stage_known"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["provider_organisation.id"],
            name=op.f("fk_resigning_reminder_organisation_id_provider_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["covenant_version_id"],
            ["covenant_version.id"],
            name=op.f("fk_resigning_reminder_covenant_version_id_covenant_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resigning_reminder")),
        sa.UniqueConstraint(
            "organisation_id",
            "covenant_version_id",
            "stage",
            name=op.f("uq_resigning_reminder_organisation_id_covenant_version_id_stage"),
        ),
    )
    with op.batch_alter_table("resigning_reminder", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resigning_reminder_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_resigning_reminder_covenant_version_id"), ["covenant_version_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("resigning_reminder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resigning_reminder_covenant_version_id"))
        batch_op.drop_index(batch_op.f("ix_resigning_reminder_organisation_id"))
    op.drop_table("resigning_reminder")
