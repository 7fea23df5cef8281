"""conversations: recorded conversations between a local authority and a provider (issue 14)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 23:40:00
"""

from alembic import op
import sqlalchemy as sa
import covenant_portal.db

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("local_authority_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=False),
        sa.Column("started_at", covenant_portal.db.UTCDateTime(), nullable=False),
        sa.Column("awaiting", sa.String(length=32), nullable=False),
        sa.Column("last_message_at", covenant_portal.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint("awaiting IN ('local_authority', 'provider')", name=op.f("ck_conversation_awaiting_known")),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_conversation_local_authority_id_local_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["provider_organisation.id"],
            name=op.f("fk_conversation_organisation_id_provider_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"], ["user_account.id"], name=op.f("fk_conversation_started_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation")),
    )
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conversation_local_authority_id"), ["local_authority_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_conversation_organisation_id"), ["organisation_id"], unique=False)
    op.create_table(
        "conversation_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sent_at", covenant_portal.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint("side IN ('local_authority', 'provider')", name=op.f("ck_conversation_message_side_known")),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user_account.id"], name=op.f("fk_conversation_message_author_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_conversation_message_conversation_id_conversation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_message")),
    )
    with op.batch_alter_table("conversation_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conversation_message_conversation_id"), ["conversation_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("conversation_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_message_conversation_id"))
    op.drop_table("conversation_message")
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_conversation_local_authority_id"))
    op.drop_table("conversation")
