from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from covenant_portal.db import Base

GENESIS_HASH = "0" * 64


class SigningKey(Base):
    """A public key the portal signs (or once signed) with, published at /.well-known/gm-first-keys.json."""

    __tablename__ = "signing_key"

    keyid: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    public_key_pem: Mapped[str] = mapped_column(sa.Text)
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime | None]

    @property
    def id(self) -> str:
        # What the audit trail names an object by.
        return self.keyid


class LedgerEntry(Base):
    """One signed record in the append-only, hash-chained ledger (no UPDATE or DELETE, ever)."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        sa.CheckConstraint("seq >= 1", name="seq_positive"),
        sa.UniqueConstraint("prev_hash"),
        sa.UniqueConstraint("entry_hash"),
    )

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    created_at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(sa.String(64))
    subject: Mapped[str] = mapped_column(sa.String(255), index=True)
    envelope: Mapped[bytes] = mapped_column(sa.LargeBinary)
    envelope_sha256: Mapped[str] = mapped_column(sa.String(64))
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    entry_hash: Mapped[str] = mapped_column(sa.String(64))


class LedgerTreeNode(Base):
    """A complete node of the RFC 6962 Merkle tree over the ledger's receipts, kept as entries are
    appended (same transaction): level 0 holds the leaf hashes (the receipt of entry seq at index
    seq - 1), and node (level, idx) the hash of the 2**level leaves from idx * 2**level."""

    __tablename__ = "ledger_tree_node"

    level: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(sa.LargeBinary(32))


class LedgerCheckpoint(Base):
    """A C2SP checkpoint of the tree (origin, size, root hash) signed by the portal key; never changed."""

    __tablename__ = "ledger_checkpoint"

    tree_size: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    root_hash: Mapped[bytes] = mapped_column(sa.LargeBinary(32))
    signed_at: Mapped[datetime]
    keyid: Mapped[str] = mapped_column(sa.ForeignKey("signing_key.keyid"))
    note: Mapped[str] = mapped_column(sa.Text)  # the signed note, exactly as served


class WitnessKey(Base):
    """A witness's cosignature verifier key (c2sp.org/tlog-cosignature), registered by an admin."""

    __tablename__ = "witness_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    verifier_key: Mapped[str] = mapped_column(sa.String(400), unique=True)
    description: Mapped[str] = mapped_column(sa.String(255))
    registered_at: Mapped[datetime]
    registered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    removed_at: Mapped[datetime | None]


class CheckpointCosignature(Base):
    """A registered witness's cosignature of one of the portal's checkpoints."""

    __tablename__ = "checkpoint_cosignature"
    __table_args__ = (sa.UniqueConstraint("tree_size", "witness_key_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tree_size: Mapped[int] = mapped_column(sa.ForeignKey("ledger_checkpoint.tree_size"), index=True)
    witness_key_id: Mapped[int] = mapped_column(sa.ForeignKey("witness_key.id"))
    cosigned_at: Mapped[datetime]  # the time the witness states in its cosignature
    received_at: Mapped[datetime]
    signature_line: Mapped[str] = mapped_column(sa.Text)
