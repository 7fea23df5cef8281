"""signed records: signing keys and the ledger

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:03:18.849104
"""

from alembic import op
import sqlalchemy as sa
import covenant_portal.db

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# The ledger is append-only: on PostgreSQL the database itself refuses to change or remove a row.
REFUSE_LEDGER_CHANGES = """
CREATE FUNCTION ledger_entry_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger_entry is append-only: % refused', TG_OP;
END;
$$;
CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_entry
  FOR EACH ROW EXECUTE FUNCTION ledger_entry_is_append_only();
"""


def upgrade() -> None:
    op.create_table(
        "ledger_entry",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("created_at", covenant_portal.db.UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("envelope", sa.LargeBinary(), nullable=False),
        sa.Column("envelope_sha256", sa.String(length=64), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("seq >= 1", name=op.f("ck_ledger_entry_seq_positive")),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_ledger_entry")),
        sa.UniqueConstraint("entry_hash", name=op.f("uq_ledger_entry_entry_hash")),
        sa.UniqueConstraint("prev_hash", name=op.f("uq_ledger_entry_prev_hash")),
    )
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_entry_subject"), ["subject"], unique=False)

    op.create_table(
        "signing_key",
        sa.Column("keyid", sa.String(length=64), nullable=False),
        sa.Column("public_key_pem", sa.Text(), nullable=False),
        sa.Column("valid_from", covenant_portal.db.UTCDateTime(), nullable=False),
        sa.Column("valid_until", covenant_portal.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("keyid", name=op.f("pk_signing_key")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(REFUSE_LEDGER_CHANGES)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER ledger_entry_append_only ON ledger_entry")
        op.execute("DROP FUNCTION ledger_entry_is_append_only()")
    op.drop_table("signing_key")
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_entry_subject"))

    op.drop_table("ledger_entry")
