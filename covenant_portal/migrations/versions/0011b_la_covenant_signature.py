"""la_covenant_signature: each LA signs the LAs' pledges of the covenant (issue 14, point 2)

Revision ID: 0011b
Revises: 0011
Create Date: 2026-12-02 00:00:00
"""

from alembic import op
import sqlalchemy as sa
import covenant_portal.db

revision = "0011b"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "la_covenant_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("local_authority_id", sa.Integer(), nullable=False),
        sa.Column("covenant_version_id", sa.Integer(), nullable=False),
        sa.Column("signer_id", sa.Integer(), nullable=False),
        sa.Column("signer_name", sa.String(length=200), nullable=False),
        sa.Column("signer_email", sa.String(length=320), nullable=False),
        sa.Column("officer_name", sa.String(length=200), nullable=False),
        sa.Column("officer_job_title", sa.String(length=200), nullable=False),
        sa.Column("declaration", sa.Text(), nullable=False),
        sa.Column("signed_at", covenant_portal.db.UTCDateTime(), nullable=False),
        sa.Column("local_authority_name", sa.String(length=200), nullable=False),
        sa.Column("local_authority_ons_code", sa.String(length=9), nullable=False),
        sa.Column("ledger_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["covenant_version_id"],
            ["covenant_version.id"],
            name=op.f("fk_la_covenant_signature_covenant_version_id_covenant_version"),
        ),
        sa.ForeignKeyConstraint(
            ["ledger_seq"], ["ledger_entry.seq"], name=op.f("fk_la_covenant_signature_ledger_seq_ledger_entry")
        ),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_la_covenant_signature_local_authority_id_local_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["signer_id"], ["user_account.id"], name=op.f("fk_la_covenant_signature_signer_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_la_covenant_signature")),
        sa.UniqueConstraint(
            "local_authority_id",
            "covenant_version_id",
            name=op.f("uq_la_covenant_signature_local_authority_id_covenant_version_id"),
        ),
        sa.UniqueConstraint("ledger_seq", name=op.f("uq_la_covenant_signature_ledger_seq")),
    )
    with op.batch_alter_table("la_covenant_signature", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_la_covenant_signature_local_authority_id"), ["local_authority_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("la_covenant_signature", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_la_covenant_signature_local_authority_id"))
    op.drop_table("la_covenant_signature")
