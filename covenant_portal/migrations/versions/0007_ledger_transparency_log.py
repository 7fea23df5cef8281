"""the ledger as a transparency log: Merkle tree nodes, signed checkpoints, witness keys, cosignatures

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 19:55:00

The tree over the entries already in the ledger is built here (leaf = the entry's receipt bytes);
their first checkpoint is signed by the portal when it next signs or serves /checkpoint.
"""

import hashlib

from alembic import op
import sqlalchemy as sa
import covenant_portal.db

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# The same refusal as ledger_entry's (migration 0002): tree nodes and checkpoints are never changed.
APPEND_ONLY = """
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
  FOR EACH ROW EXECUTE FUNCTION ledger_entry_is_append_only();
"""
APPEND_ONLY_TABLES = ("ledger_tree_node", "ledger_checkpoint", "checkpoint_cosignature")
PAGE = 1000


def upgrade() -> None:
    op.create_table(
        "ledger_tree_node",
        sa.Column("level", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("level", "idx", name=op.f("pk_ledger_tree_node")),
    )
    op.create_table(
        "ledger_checkpoint",
        sa.Column("tree_size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("signed_at", covenant_portal.db.UTCDateTime(), nullable=False),
        sa.Column("keyid", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["keyid"], ["signing_key.keyid"], name=op.f("fk_ledger_checkpoint_keyid_signing_key")),
        sa.PrimaryKeyConstraint("tree_size", name=op.f("pk_ledger_checkpoint")),
    )
    op.create_table(
        "witness_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("verifier_key", sa.String(length=400), nullable=False),
        sa.Column("description", sa.String(length=255), nullable=False),
        sa.Column("registered_at", covenant_portal.db.UTCDateTime(), nullable=False),
        sa.Column("registered_by_id", sa.Integer(), nullable=False),
        sa.Column("removed_at", covenant_portal.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["registered_by_id"], ["user_account.id"], name=op.f("fk_witness_key_registered_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_witness_key")),
        sa.UniqueConstraint("verifier_key", name=op.f("uq_witness_key_verifier_key")),
    )
    op.create_table(
        "checkpoint_cosignature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tree_size", sa.BigInteger(), nullable=False),
        sa.Column("witness_key_id", sa.Integer(), nullable=False),
        sa.Column("cosigned_at", covenant_portal.db.UTCDateTime(), nullable=False),
        sa.Column("received_at", covenant_portal.db.UTCDateTime(), nullable=False),
        sa.Column("signature_line", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tree_size"],
            ["ledger_checkpoint.tree_size"],
            name=op.f("fk_checkpoint_cosignature_tree_size_ledger_checkpoint"),
        ),
        sa.ForeignKeyConstraint(
            ["witness_key_id"], ["witness_key.id"], name=op.f("fk_checkpoint_cosignature_witness_key_id_witness_key")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkpoint_cosignature")),
        sa.UniqueConstraint(
            "tree_size", "witness_key_id", name=op.f("uq_checkpoint_cosignature_tree_size_witness_key_id")
        ),
    )
    with op.batch_alter_table("checkpoint_cosignature", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checkpoint_cosignature_tree_size"), ["tree_size"], unique=False)
    _build_tree_of_existing_entries()
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY_TABLES:
            op.execute(APPEND_ONLY.format(table=table))


def _build_tree_of_existing_entries() -> None:
    """RFC 6962 nodes over the receipts already in the ledger, a page at a time (written out here
    rather than imported, so that this migration means the same whatever the code becomes)."""
    connection = op.get_bind()
    entries = sa.table("ledger_entry", sa.column("seq", sa.Integer), sa.column("envelope", sa.LargeBinary))
    nodes = sa.table(
        "ledger_tree_node",
        sa.column("level", sa.SmallInteger),
        sa.column("idx", sa.BigInteger),
        sa.column("hash", sa.LargeBinary),
    )
    border, size, after = [], 0, 0
    while True:
        page = connection.execute(
            sa.select(entries.c.seq, entries.c.envelope)
            .where(entries.c.seq > after)
            .order_by(entries.c.seq)
            .limit(PAGE)
        ).all()
        made = []
        for seq, envelope in page:
            if seq != size + 1:
                raise RuntimeError(f"ledger entry {size + 1} is missing: run `ledger verify` before upgrading")
            node, index, level = hashlib.sha256(b"\x00" + bytes(envelope)).digest(), size, 0
            made.append({"level": 0, "idx": index, "hash": node})
            while index & 1:
                node = hashlib.sha256(b"\x01" + border.pop() + node).digest()
                index, level = index >> 1, level + 1
                made.append({"level": level, "idx": index, "hash": node})
            border.append(node)
            size += 1
        if made:
            connection.execute(sa.insert(nodes), made)
        if len(page) < PAGE:
            return
        after = page[-1][0]


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY_TABLES:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
    with op.batch_alter_table("checkpoint_cosignature", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checkpoint_cosignature_tree_size"))
    op.drop_table("checkpoint_cosignature")
    op.drop_table("witness_key")
    op.drop_table("ledger_checkpoint")
    op.drop_table("ledger_tree_node")
