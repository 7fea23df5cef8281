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
